import type { ListLibrary } from '../../domain/annexA'
import type { ChildView } from './service'

/** "b) Female" stays as Ofsted writes it; a code's label is added where the code list has one that says more. */
export function codeLabel(library: ListLibrary, columnId: string, code: string | null): string {
  if (!code) return 'Not given'
  for (const list of library.lists) {
    const column = list.columns.find((c) => c.id === columnId)
    const entry = column?.codeList?.entries.find((e) => e.code === code)
    if (entry) return entry.label && !code.toLowerCase().includes(entry.label.toLowerCase()) ? `${code} (${entry.label})` : code
  }
  return code
}

export function presentChild(child: ChildView & { library: ListLibrary }) {
  const label = (column: string, code: string | null) => codeLabel(child.library, column, code)
  return {
    childId: child.childId,
    memberships: child.memberships,
    facts: [
      { key: 'Child Unique ID', value: child.childId },
      { key: 'Date of birth', value: child.facts.dob, date: true },
      { key: 'Age', value: child.facts.age === null ? 'Not known' : String(child.facts.age) },
      { key: 'Sex', value: label('gender', child.facts.sex) },
      { key: 'Ethnicity', value: label('ethnicity', child.facts.ethnicity) },
      { key: 'Disability', value: label('does_the_child_have_a_disability', child.facts.disability) },
      { key: 'Legal status (children in care)', value: child.facts.legalStatus ? label('child_s_legal_status', child.facts.legalStatus) : 'Not in care' },
    ],
    events: child.events,
  }
}
