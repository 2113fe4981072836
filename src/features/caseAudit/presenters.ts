import type { AuditGrading, AuditToolStatus } from '../../db/schema'
import { GRADINGS } from './schemas'

export const GRADING_LABELS: Record<AuditGrading, string> = {
  outstanding: 'Outstanding',
  good: 'Good',
  'requires-improvement': 'Requires improvement',
  inadequate: 'Inadequate',
}

/** The grading radios' items, with the one chosen checked by the macro's `value`. */
export const gradingItems = GRADINGS.map((value) => ({ value, text: GRADING_LABELS[value] }))

const STATUS: Record<AuditToolStatus, { text: string; classes: string }> = {
  draft: { text: 'Draft', classes: 'govuk-tag--grey' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--blue' },
  'signed-off': { text: 'Signed off', classes: 'govuk-tag--green' },
}

/** A tool's status as a tag, with "late" in words (never colour alone). */
export function statusTag(status: AuditToolStatus, late: boolean): { text: string; classes: string } {
  const tag = STATUS[status]
  return late ? { text: `${tag.text} (late)`, classes: 'govuk-tag--red' } : tag
}
