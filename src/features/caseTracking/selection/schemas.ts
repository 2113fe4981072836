import { z } from 'zod'
import { MAX_RETURN_HOURS, MIN_RETURN_HOURS } from '../../../domain/caseTracking/deadline'
import { readDateInput } from '../../../web/dateInput'
import { requiredText, type FieldErrors } from '../../../web/forms'
import { londonTimeToUtc } from '../../../domain/ics'

/** Adding a child by their child ID (a POST, so the ID never reaches an address). */
export const addChildSchema = z.strictObject({
  childRef: requiredText('Enter the child ID', 50),
})
export const ADD_CHILD_FIELDS = ['childRef']

/**
 * A time as people type it: "10:30", "10.30", "1030", "9:05am", "2pm", "14:00". Answers 'HH:MM' on a
 * 24-hour clock, or null.
 */
export function parseClockTime(typed: string): string | null {
  const text = typed.trim().toLowerCase().replace(/\s+/g, '')
  const m = /^(\d{1,2})(?:[:.]?(\d{2}))?(am|pm)?$/.exec(text)
  if (!m) return null
  let hours = Number(m[1])
  const minutes = m[2] === undefined ? 0 : Number(m[2])
  if (minutes > 59) return null
  if (m[3]) {
    if (hours < 1 || hours > 12) return null
    hours = (hours % 12) + (m[3] === 'pm' ? 12 : 0)
  } else if (hours > 23) return null
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`
}

const clockField = (label: string) =>
  z
    .string()
    .optional()
    .transform((s) => s ?? '')
    .transform((s, ctx) => {
      if (!s.trim()) {
        ctx.addIssue({ code: 'custom', message: `Enter the time the working day ${label}` })
        return z.NEVER
      }
      const time = parseClockTime(s)
      if (!time) {
        ctx.addIssue({ code: 'custom', message: `Enter the time the working day ${label} like 09:00 or 5:30pm` })
        return z.NEVER
      }
      return time
    })

/** The partnership's working hours and how many of them an agency has for its return. */
export const settingsSchema = z.strictObject({
  dayStarts: clockField('starts'),
  dayEnds: clockField('ends'),
  returnHours: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(
      z
        .string()
        .min(1, 'Enter how many working hours agencies have for their return')
        .regex(/^\d{1,3}$/, 'The working hours for a return must be a whole number, like 2')
        .transform(Number)
        .pipe(
          z
            .number()
            .min(MIN_RETURN_HOURS, `The working hours for a return must be at least ${MIN_RETURN_HOURS}`)
            .max(MAX_RETURN_HOURS, `The working hours for a return must be ${MAX_RETURN_HOURS} or fewer`),
        ),
    ),
})
export const SETTINGS_FIELDS = ['dayStarts', 'dayEnds', 'returnHours']

/** The release form: the deadline's date (a GOV.UK date input) and time, checked in `readDeadline`. */
export const releaseSchema = z.strictObject({
  'dueDate-day': z.string().optional(),
  'dueDate-month': z.string().optional(),
  'dueDate-year': z.string().optional(),
  dueTime: z.string().optional(),
})
export const RELEASE_FIELDS = ['dueDate', 'dueTime']
export const RELEASE_ANCHORS = { dueDate: 'dueDate-day' }

/** The deadline from the release form, or the problems with it: a real date and time, after `now`. */
export function readDeadline(raw: Record<string, unknown>, now: Date): { value: Date } | { errors: FieldErrors } {
  const errors: FieldErrors = {}
  const date = readDateInput(raw, 'dueDate', 'The deadline')
  if ('error' in date) errors.dueDate = date.error
  else if (date.value === null) errors.dueDate = 'Enter the date of the deadline'
  const typed = typeof raw.dueTime === 'string' ? raw.dueTime : ''
  const time = parseClockTime(typed)
  if (!typed.trim()) errors.dueTime = 'Enter the time of the deadline'
  else if (!time) errors.dueTime = 'Enter the time of the deadline like 10:30 or 2:30pm'
  if (Object.keys(errors).length || !time || !('value' in date) || !date.value) return { errors }
  const at = londonTimeToUtc(date.value, time)
  if (at.getTime() <= now.getTime()) return { errors: { dueDate: 'The deadline must be in the future' } }
  return { value: at }
}

/** The audit choice: the children chosen, by their opaque ids (checked against the selection by the service). */
export const auditChoiceSchema = z.strictObject({
  children: z
    .union([z.string().max(36), z.array(z.string().max(36)).max(200)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== '')),
})
