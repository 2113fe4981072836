import { z } from 'zod'
import { dateInputFields } from '../../../web/dateInput'
import { optionalText } from '../../../web/forms'

export const KNOWN_VALUES = ['yes', 'no', 'checking'] as const
export const INVOLVEMENT_VALUES = ['open', 'closed-recently', 'earlier'] as const
export const QUESTION_ANSWERS = ['yes', 'no', 'not-known'] as const

/** A framework question's field on the answer form. */
export const questionField = (id: string) => `question-${id}`

/**
 * An agency's answer about one child. The framework's own questions come as `question-<id>` fields
 * (checked against the inspection's framework by the route); `version` is the version of the answer
 * the form was opened at (0: none yet).
 */
export const answerSchema = z
  .object({
    version: z
      .string({ error: 'Open the child’s page again and re-enter your answer' })
      .regex(/^\d{1,9}$/, 'Open the child’s page again and re-enter your answer')
      .transform(Number),
    known: z.enum(KNOWN_VALUES, { error: 'Select whether your agency knows this child' }),
    involvement: z.enum(INVOLVEMENT_VALUES, { error: 'Select how your agency is involved with this child' }).optional(),
    leadPractitioner: optionalText(100),
    team: optionalText(100),
    ...dateInputFields('lastContact'),
    note: optionalText(500),
    reason: optionalText(500),
  })
  .catchall(z.string({ error: 'Select one answer for each question' }))

/** The answer form's fields in page order, for the error summary. */
export const ANSWER_FIELDS = [
  'version',
  'known',
  'involvement',
  'leadPractitioner',
  'team',
  'lastContact',
  'note',
  'reason',
]

export const submitSchema = z.strictObject({
  confirmChecking: z.literal('yes').optional(),
})
