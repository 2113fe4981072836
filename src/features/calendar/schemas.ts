import { z } from 'zod'
import { dateInputFields, readDateInput } from '../../web/dateInput'
import { requiredText, type FieldErrors } from '../../web/forms'

export const closureSchema = z.strictObject({
  title: requiredText('Enter what the closure day is for, like “Office closed”', 100),
  ...dateInputFields('date'),
})
/** The closure day form's fields in page order, for the error summary. */
export const CLOSURE_FIELDS = ['date', 'title']

/** The closure date, which must be given: 'YYYY-MM-DD', or the message to show. */
export function readClosureDate(form: Record<string, unknown>): { value: string } | { error: string } {
  const date = readDateInput(form, 'date', 'The closure date')
  if ('error' in date) return date
  return date.value ? { value: date.value } : { error: 'Enter the closure date' }
}

/** The closure date's problem, checked with the schema's so every problem is shown at once. */
export function closureDateProblem(raw: Record<string, unknown>): FieldErrors {
  const date = readClosureDate(raw)
  return 'error' in date ? { date: date.error } : {}
}
