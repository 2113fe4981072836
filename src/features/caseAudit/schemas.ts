import { z } from 'zod'
import { optionalText, requiredText } from '../../web/forms'

export const GRADINGS = ['outstanding', 'good', 'requires-improvement', 'inadequate'] as const

const versionField = z
  .string({ error: 'Open the audit tool again and re-enter your changes' })
  .regex(/^\d{1,9}$/, 'Open the audit tool again and re-enter your changes')
  .transform(Number)

/** A grading, or none yet (a radio left unchosen, or an empty value). */
const grading = (what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(GRADINGS, { error: `Select a grading for ${what}` }).optional(),
  )

/** A section's fields on the tool's form. */
export const sectionField = (sectionId: string, field: 'workedWell' | 'development' | 'recommendations' | 'grading') =>
  `${sectionId}-${field}`

/**
 * The audit tool's form: the framework's sections' fields (`<section>-workedWell`, `-development`,
 * `-recommendations`, `-grading`, built per inspection by `toolSchema`), then the overall grading
 * and the contribution. A draft may leave anything empty; submitting asks for every grading.
 */
export function toolSchema(sections: readonly { id: string; title: string }[]) {
  const shape: Record<string, z.ZodType> = { version: versionField }
  for (const s of sections) {
    shape[sectionField(s.id, 'workedWell')] = optionalText(5000)
    shape[sectionField(s.id, 'development')] = optionalText(5000)
    shape[sectionField(s.id, 'recommendations')] = optionalText(5000)
    shape[sectionField(s.id, 'grading')] = grading(`“${s.title}”`)
  }
  shape.overallGrading = grading('the overall grading')
  shape.contribution = optionalText(5000)
  return z.strictObject(shape)
}

/** The form's fields in page order, for the error summary. */
export const toolFields = (sections: readonly { id: string }[]) => [
  'version',
  ...sections.flatMap((s) =>
    (['workedWell', 'development', 'recommendations', 'grading'] as const).map((f) => sectionField(s.id, f)),
  ),
  'overallGrading',
  'contribution',
]

export const signOffSchema = z.strictObject({
  version: versionField,
  code: z.string().optional(),
})

/** Submitting sends nothing but the CSRF token. */
export const submitSchema = z.strictObject({})

/** The coordinator adds an agency's audit tool for a chosen child, with a reason. */
export const addAgencySchema = z.strictObject({
  agencyId: z.string({ error: 'Select the agency to add' }).min(1, 'Select the agency to add'),
  reason: requiredText('Enter why this agency should complete an audit tool for this child', 500),
})

/** The coordinator removes an agency's audit tool, with a reason. */
export const removeToolSchema = z.strictObject({
  toolId: z
    .string({ error: 'Select the agency whose audit tool to remove' })
    .min(1, 'Select the agency whose audit tool to remove'),
  reason: requiredText('Enter why this agency’s audit tool is being removed', 500),
})
