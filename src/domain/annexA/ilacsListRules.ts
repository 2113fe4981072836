import type { RawList } from './specSchema'

type ListRules = Pick<RawList, 'period' | 'date_order' | 'child_id_column'>

const CHILD = 'Child Unique ID'

/**
 * Period and date-order rules for ILACS lists 1–11, kept as data beside the spec because the published
 * spec describes them only in prose ("scope"). Column references are the spec's column names.
 */
export const ILACS_LIST_RULES: Record<string, ListRules> = {
  'List 1': { child_id_column: CHILD, period: { months: 6, event_columns: ['Date of Contact'], open_when_blank: [] } },
  'List 2': {
    child_id_column: CHILD,
    period: {
      months: 6,
      event_columns: ['Assessment start date', 'Assessment completion date'],
      open_when_blank: ['Assessment completion date'],
    },
    date_order: [['Assessment start date', 'Assessment completion date']],
  },
  'List 3': { child_id_column: CHILD, period: { months: 6, event_columns: ['Date of referral'], open_when_blank: [] } },
  'List 4': {
    child_id_column: CHILD,
    period: {
      months: 6,
      event_columns: ['Continuous Assessment Start Date', 'Continuous Assessment Date of Authorisation'],
      open_when_blank: ['Continuous Assessment Date of Authorisation'],
    },
    date_order: [['Continuous Assessment Start Date', 'Continuous Assessment Date of Authorisation']],
  },
  'List 5': {
    child_id_column: CHILD,
    period: {
      months: 6,
      event_columns: ['Strategy discussion initiating Section 47 Enquiry Start Date'],
      open_when_blank: [],
    },
    date_order: [
      ['Strategy discussion initiating Section 47 Enquiry Start Date', 'Date of Initial Child Protection Conference'],
    ],
  },
  'List 6': {
    child_id_column: CHILD,
    period: { months: 6, event_columns: ['CIN Closure Date'], open_when_blank: ['CIN Closure Date'] },
    date_order: [['CIN Start Date', 'CIN Closure Date']],
  },
  'List 7': {
    child_id_column: CHILD,
    period: {
      months: 6,
      event_columns: ['Child Protection Plan End Date'],
      open_when_blank: ['Child Protection Plan End Date'],
    },
    date_order: [
      ['Child Protection Plan Start Date', 'Child Protection Plan End Date'],
      ['Child Protection Plan Start Date', 'Date of latest review conference'],
    ],
  },
  'List 8': {
    child_id_column: CHILD,
    period: {
      months: 6,
      event_columns: ['Date Ceased to be Looked After'],
      open_when_blank: ['Date Ceased to be Looked After'],
    },
    date_order: [
      ['Date Started to be Looked After', 'Date Ceased to be Looked After'],
      ['Start Date of Most Recent Placement', 'Date Ceased to be Looked After'],
    ],
  },
  // Care leavers: everyone at the point of inspection, so no date window applies.
  'List 9': { child_id_column: CHILD },
  'List 10': {
    child_id_column: CHILD,
    period: {
      months: 12,
      event_columns: [
        'Date of Decision that Child Should be Placed for Adoption',
        'Date of Adoption Order',
        'Date of Decision that Child Should No Longer be Placed for Adoption',
      ],
      open_when_blank: [
        'Date of Adoption Order',
        'Date of Decision that Child Should No Longer be Placed for Adoption',
      ],
    },
    date_order: [
      ['Date the Child Entered Care', 'Date of Decision that Child Should be Placed for Adoption'],
      ['Date of Decision that Child Should be Placed for Adoption', 'Date Placed for Adoption'],
      ['Date Placed for Adoption', 'Date of Adoption Order'],
    ],
  },
  // Adopters are adults: no child identity to reconcile across lists.
  'List 11': {
    child_id_column: null,
    period: {
      months: 12,
      event_columns: [
        'Date enquiry received',
        'Date Stage 1 started',
        'Date Stage 1 ended',
        'Date Stage 2 started',
        'Date Stage 2 ended',
        'Date application submitted',
        'Date application approved',
        'Date adopter matched with child(ren)',
        'Date child/children placed with adopter(s)',
        'Date of Adoption Order',
        'Date of leaving adoption process',
      ],
      open_when_blank: ['Date of Adoption Order', 'Date of leaving adoption process'],
    },
    date_order: [
      ['Date enquiry received', 'Date Stage 1 started'],
      ['Date Stage 1 started', 'Date Stage 1 ended'],
      ['Date Stage 2 started', 'Date Stage 2 ended'],
      ['Date application submitted', 'Date application approved'],
      ['Date adopter matched with child(ren)', 'Date child/children placed with adopter(s)'],
      ['Date child/children placed with adopter(s)', 'Date of Adoption Order'],
    ],
  },
}
