import { z } from 'zod'
import { AGENCY_TYPES, ROLES } from '../../domain/directory'
import { dateInputFields, readDateInput } from '../../web/dateInput'
import { checkboxes, email, optionalText, requiredText, type FieldErrors } from '../../web/forms'

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

/** What a phone number may be written with: digits, spaces, a leading + and brackets ("(01632) 960 001"). */
const PHONE_CHARACTERS = /^\+?[\d\s()]+$/
const PHONE_FORMAT_MESSAGE =
  'Enter a phone number in the correct format, like 01632 960 001, 07700 900 982 or +44 808 157 0192'

/**
 * An optional UK phone number, checked leniently and kept as written (trimmed, runs of spaces made
 * one): digits, spaces, + and brackets, with 10 or 11 digits (12 or 13 with a +44 or 0044 prefix).
 */
const phone = () =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .max(30, 'The phone number must be 30 characters or fewer')
        .refine(
          (s) => s === '' || PHONE_CHARACTERS.test(s),
          'A phone number can only include numbers 0 to 9, spaces, brackets and a + sign at the start',
        )
        .refine((s) => s === '' || !PHONE_CHARACTERS.test(s) || phoneDigitsFit(s), PHONE_FORMAT_MESSAGE),
    )

function phoneDigitsFit(text: string): boolean {
  let digits = text.replace(/\D/g, '')
  if (text.startsWith('+') || digits.startsWith('00')) {
    if (digits.startsWith('00')) digits = digits.slice(2)
    // Another country's number: as long as international numbers are.
    if (!digits.startsWith('44')) return digits.length >= 7 && digits.length <= 15
    // +44 (0)1632 960 001 and +44 1632 960 001 are both 01632 960 001.
    digits = `0${digits.slice(2).replace(/^0/, '')}`
  }
  return digits.length >= 10 && digits.length <= 11
}

export const personSchema = z.strictObject({
  name: requiredText('Enter the person’s full name', 120),
  email: email(),
  jobTitle: optionalText(120),
  phone: phone(),
  agencyId: z
    .string()
    .optional()
    .transform((s) => (s ? s : null)),
  roles: checkboxes(ROLES, 'Select roles from the list'),
  ...dateInputFields('accessEndsOn'),
})
/** The person form's fields in page order, for the error summary. */
export const PERSON_FIELDS = ['name', 'email', 'jobTitle', 'phone', 'agencyId', 'roles', 'accessEndsOn']
/** The date input's first field is its day. */
export const PERSON_ANCHORS = { accessEndsOn: 'accessEndsOn-day' }

const ACCESS_ENDS_LABEL = 'The date access ends'

/** The person form's date input, which may be left empty: its problem, checked with the schema's. */
export function accessEndsOnProblem(raw: Record<string, unknown>): FieldErrors {
  const date = readDateInput(raw, 'accessEndsOn', ACCESS_ENDS_LABEL)
  return 'error' in date ? { accessEndsOn: date.error } : {}
}

/** The date access ends, 'YYYY-MM-DD' or null, from a form {@link accessEndsOnProblem} has passed. */
export function readAccessEndsOn(form: Record<string, unknown>): string | null {
  const date = readDateInput(form, 'accessEndsOn', ACCESS_ENDS_LABEL)
  return 'value' in date ? date.value : null
}

export const availabilitySchema = z.strictObject({
  unavailable: z.enum(['yes', 'no'], { error: 'Select whether this person is available' }),
  deputyId: z
    .string()
    .optional()
    .transform((s) => (s ? s : null)),
})
/** The availability form's fields in page order, for the error summary. */
export const AVAILABILITY_FIELDS = ['unavailable', 'deputyId']

/** Disabling an account: the box must be ticked (the message names the person, so it is checked after parsing). */
export const disableSchema = z.strictObject({
  confirm: z.enum(['yes'], { error: 'Confirm that you want to do this' }).optional(),
})
export const DISABLE_FIELDS = ['confirm']

export const resetSchema = z.strictObject({ resetTotp: z.enum(['yes']).optional() })

/** A button with no fields (enabling an account). */
export const emptySchema = z.strictObject({})
