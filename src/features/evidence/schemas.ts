import { z } from 'zod'
import { EVIDENCE_STATUSES } from '../../domain/evidenceStatus'
import { dateInputFields, readDateInput } from '../../web/dateInput'
import { requiredText, totpCodeSchema } from '../../web/forms'

export const localRequirementSchema = z.strictObject({
  agencyId: z
    .string({ error: 'Select the agency that provides this document' })
    .min(1, 'Select the agency that provides this document'),
  title: requiredText('Enter the document’s title', 200),
  description: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(z.string().max(2000, 'Enter 2000 characters or fewer')),
  reviewIntervalMonths: z
    .string({ error: 'Enter how often the document is reviewed, in months' })
    .trim()
    .min(1, 'Enter how often the document is reviewed, in months')
    .regex(/^\d+$/, 'How often it is reviewed must be a whole number of months, like 12')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, 'How often it is reviewed must be between 1 and 60 months')
        .max(60, 'How often it is reviewed must be between 1 and 60 months'),
    ),
})
/** The local requirement form's fields in page order, for the error summary. */
export const LOCAL_REQUIREMENT_FIELDS = ['agencyId', 'title', 'description', 'reviewIntervalMonths']

export const codeSchema = totpCodeSchema()

export const rationaleSchema = z.strictObject({
  rationale: requiredText('Enter why the document is not available', 2000),
})

export const commentSchema = z.strictObject({
  body: requiredText('Enter your comment', 2000),
})

export const providedSchema = z.strictObject(dateInputFields('providedOn'))

/** The date the document was given to the inspectors, which must be given: 'YYYY-MM-DD', or the message to show. */
export function readProvidedOn(form: Record<string, unknown>): { value: string } | { error: string } {
  const date = readDateInput(form, 'providedOn', 'The date provided')
  if ('error' in date) return date
  return date.value ? { value: date.value } : { error: 'Enter the date you provided the document to inspectors' }
}

/** The list's filters, from the query string; anything unexpected is ignored. */
export const listFilterSchema = z.object({
  agency: z.string().optional().catch(undefined),
  status: z.enum(EVIDENCE_STATUSES).optional().catch(undefined),
  stale: z.literal('yes').optional().catch(undefined),
  waiting: z.literal('yes').optional().catch(undefined),
  ready: z.literal('yes').optional().catch(undefined),
})

/**
 * The approvals list's form: the documents ticked (one value or several) and the authenticator
 * code, which may be left empty while an earlier code still covers approvals (the service decides).
 */
export const approveSelectedSchema = z.strictObject({
  requirements: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  code: z.string().optional(),
})
/** The approvals form's fields in page order, for the error summary. */
export const APPROVE_SELECTED_FIELDS = ['requirements', 'code']
