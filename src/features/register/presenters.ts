import type { ListLibrary } from '../../domain/annexA'
import { formatDate } from '../../domain/calendar'
import type { ChildView } from './service'

/** "b) Female" → "Female": the list letter Ofsted's template puts before each value. */
function withoutCodeLetter(code: string): string {
  return code.replace(/^[a-z]\)\s*/i, '')
}

/**
 * A coded value in plain words, without its list letter: "b) Female" is "Female", and "a) WBRI" is
 * "White British" (the code list's label, where it says more than the code).
 */
export function codeLabel(library: ListLibrary, columnId: string, code: string | null): string {
  if (!code) return 'Not given'
  const plain = withoutCodeLetter(code)
  for (const list of library.lists) {
    const column = list.columns.find((c) => c.id === columnId)
    const entry = column?.codeList?.entries.find((e) => e.code === code)
    if (entry) return entry.label && entry.label.length >= plain.length ? entry.label : plain
  }
  return plain
}

export function presentChild(child: ChildView & { library: ListLibrary }) {
  return {
    childId: child.childId,
    memberships: child.memberships,
    factRows: childFactRows(child),
    events: child.events,
  }
}

/** A child's key facts for govukSummaryList; a fact the lists do not give says so. */
export function childFactRows(child: ChildView & { library: ListLibrary }) {
  const label = (column: string, code: string | null) => codeLabel(child.library, column, code)
  const row = (key: string, value: string | null) => ({ key: { text: key }, value: { text: value || 'Not given' } })
  return [
    row('Child Unique ID', child.childId),
    row('Date of birth', child.facts.dob && formatDate(child.facts.dob)),
    row('Age', child.facts.age === null ? 'Not known' : String(child.facts.age)),
    row('Sex', label('gender', child.facts.sex)),
    row('Ethnicity', label('ethnicity', child.facts.ethnicity)),
    row('Disability', label('does_the_child_have_a_disability', child.facts.disability)),
    row(
      'Legal status (children in care)',
      child.facts.legalStatus ? label('child_s_legal_status', child.facts.legalStatus) : 'Not in care',
    ),
  ]
}
