import { z } from 'zod'
import { email, optionalText, requiredText, type FieldErrors } from '../../web/forms'
import { passwordProblem } from './passwords'

/** Read as sent: a wrong or missing answer is the same "enter a correct email address and password". */
export const signInSchema = z.strictObject({
  email: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim()),
  password: z
    .string()
    .optional()
    .transform((s) => s ?? ''),
})

/** A new password from a reset link; the service checks its strength and that the two match. */
export const passwordSchema = z.strictObject({
  password: z.string().optional().default(''),
  confirm: z.string().optional().default(''),
})
export const PASSWORD_FIELDS = ['password', 'confirm']

export const setupSchema = z.strictObject({
  partnershipName: requiredText('Enter the name of your safeguarding children partnership'),
  name: requiredText('Enter your full name'),
  email: email(),
  jobTitle: optionalText(),
  password: z.string().optional().default(''),
  confirm: z.string().optional().default(''),
})
/** The set-up form's fields in page order, for the error summary. */
export const SETUP_FIELDS = ['partnershipName', 'name', 'email', 'jobTitle', 'password', 'confirm']

/** The set-up form's password, checked with the schema's problems so every one is shown in one round. */
export function setupPasswordProblems(raw: Record<string, unknown>): FieldErrors {
  const password = typeof raw.password === 'string' ? raw.password : ''
  const problem = passwordProblem(password)
  if (problem) return { password: problem }
  return password === raw.confirm ? {} : { confirm: 'The passwords do not match. Enter the same password twice' }
}
