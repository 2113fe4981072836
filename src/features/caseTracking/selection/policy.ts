import { CHILD_DATA, EVERYONE_BUT_INSPECTORS, type PolicyFragment } from '../../../web/access'

/**
 * Who may use each route of the inspectors' selection. The selection's pages are child data for
 * the selection managers (administrators, inspection coordinators and the local authority's
 * inspection manager, a children's services lead: the service checks the agency). The landing page
 * is for agency people too: it sends them to their agency's return.
 */
export const selectionPolicy = {
  'GET /case-tracking': EVERYONE_BUT_INSPECTORS,
  'POST /case-tracking/children': CHILD_DATA,
  'POST /case-tracking/children/:childId/remove': CHILD_DATA,
  'GET /case-tracking/upload': CHILD_DATA,
  'POST /case-tracking/upload': CHILD_DATA,
  'GET /case-tracking/upload/check': CHILD_DATA,
  'POST /case-tracking/upload/confirm': CHILD_DATA,
  'POST /case-tracking/upload/cancel': CHILD_DATA,
  'GET /case-tracking/release': CHILD_DATA,
  'POST /case-tracking/release': CHILD_DATA,
  'GET /case-tracking/audit-choice': CHILD_DATA,
  'POST /case-tracking/audit-choice': CHILD_DATA,
  'GET /case-tracking/settings': CHILD_DATA,
  'POST /case-tracking/settings': CHILD_DATA,
} as const satisfies PolicyFragment
