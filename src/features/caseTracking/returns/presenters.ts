import type { Involvement } from '../../../db/schema'
import {
  KNOWN_LABELS,
  NO_ANSWER,
  RETURN_STATUS_LABELS,
  type Known,
  type ReturnStatus,
} from '../../../domain/caseTracking/matrix'
import { formatDate } from '../../../domain/calendar'
import type { AnswerFields, CaseQuestion } from './service'

export const KNOWN_CHOICES: Readonly<Record<Known, string>> = {
  yes: 'Yes, known to us',
  no: 'No, not known to us',
  checking: 'Still checking',
}

export const INVOLVEMENT_LABELS: Readonly<Record<Involvement, string>> = {
  open: 'Open now',
  'closed-recently': 'Closed in the last 6 months',
  earlier: 'Closed earlier',
}

export const QUESTION_ANSWER_LABELS: Readonly<Record<string, string>> = {
  yes: 'Yes',
  no: 'No',
  'not-known': 'Not known',
}

/** A cell's words: "Yes", "No", "Checking" or "—". */
export const cellText = (known: Known | null): string => (known ? KNOWN_LABELS[known] : NO_ANSWER)

/** The GOV.UK tag colour for a return's status. */
export function statusTag(status: ReturnStatus): { text: string; classes: string } {
  const colour: Record<ReturnStatus, string> = {
    submitted: 'govuk-tag--green',
    'submitted-late': 'govuk-tag--orange',
    'in-progress': 'govuk-tag--blue',
    'not-started': 'govuk-tag--grey',
  }
  return { text: RETURN_STATUS_LABELS[status], classes: colour[status] }
}

/** An answer (or a correction's before or after) as summary-list rows. */
export function answerRows(a: Partial<AnswerFields> | null | undefined, questions: readonly CaseQuestion[]) {
  if (!a?.known) return [{ key: { text: 'Known to us' }, value: { text: 'No answer' } }]
  const rows = [{ key: { text: 'Known to us' }, value: { text: KNOWN_CHOICES[a.known] } }]
  if (a.known !== 'yes') return rows
  const text = (v: string | null | undefined) => (v ? v : 'Not given')
  rows.push(
    { key: { text: 'Involvement' }, value: { text: a.involvement ? INVOLVEMENT_LABELS[a.involvement] : 'Not given' } },
    { key: { text: 'Lead practitioner' }, value: { text: text(a.leadPractitioner) } },
    { key: { text: 'Team' }, value: { text: text(a.team) } },
    {
      key: { text: 'Date of last contact' },
      value: { text: a.lastContactOn ? formatDate(a.lastContactOn) : 'Not given' },
    },
    { key: { text: 'Note' }, value: { text: text(a.note) } },
  )
  for (const q of questions) {
    const v = a.frameworkAnswers?.[q.id]
    rows.push({ key: { text: q.text }, value: { text: v ? (QUESTION_ANSWER_LABELS[v] ?? v) : 'Not answered' } })
  }
  return rows
}
