import { z } from 'zod'
import { AGENCY_TYPES } from '../../domain/directory'
import { requiredText } from '../../web/forms'

export const agencySchema = z.strictObject({
  name: requiredText('Enter the agency’s name', 120),
  type: z.enum(AGENCY_TYPES, { error: 'Select the type of agency' }),
  isStatutory: z.enum(['yes', 'no'], { error: 'Select whether the agency is a statutory safeguarding partner' }),
  seniorApproverId: z
    .string()
    .optional()
    .transform((s) => (s ? s : null)),
})
/** The agency form's fields in page order, for the error summary. */
export const AGENCY_FIELDS = ['name', 'type', 'isStatutory', 'seniorApproverId']
