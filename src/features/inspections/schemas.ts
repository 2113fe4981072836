import { z } from 'zod'
import { ROLES } from '../../domain/directory'
import { dateInputFields, readDateInput } from '../../web/dateInput'
import { optionalText, requiredText } from '../../web/forms'

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
/** An optional 24-hour time, 'HH:MM' (a dot or a one-digit hour is taken too), or null when empty. */
const timeField = (message: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim().replace('.', ':'))
    .transform((s) => (/^\d:\d\d$/.test(s) ? `0${s}` : s))
    .refine((s) => s === '' || TIME.test(s), message)
    .transform((s) => (s === '' ? null : s))

/** Starting an inspection; the notification date is read by {@link readNotifiedOn}. */
export const newInspectionSchema = z.strictObject({
  frameworkId: z.string({ error: 'Select the framework' }).min(1, 'Select the framework'),
  ...dateInputFields('notifiedOn'),
  notifiedTime: timeField('Enter the time of notification in the 24-hour clock, like 09:30'),
  practice: z.enum(['yes', 'no'], { error: 'Select whether this is a practice inspection' }),
})
/** The new-inspection form's fields in page order, for the error summary. */
export const NEW_INSPECTION_FIELDS = ['frameworkId', 'notifiedOn', 'notifiedTime', 'practice']

/** The notification date, which must be given: 'YYYY-MM-DD', or the message to show. */
export function readNotifiedOn(form: Record<string, unknown>): { value: string } | { error: string } {
  const date = readDateInput(form, 'notifiedOn', 'The notification date')
  if ('error' in date) return date
  return date.value ? { value: date.value } : { error: 'Enter the date the inspection was notified' }
}

/** Moving a milestone; the new date is read by {@link readOverrideDate}. */
export const overrideSchema = z.strictObject({
  ...dateInputFields('date'),
  time: timeField('Enter the time in the 24-hour clock, like 17:00, or leave it empty'),
  reason: requiredText('Enter the reason for the change, like “Lead inspector moved the audit day”', 500),
})
/** The milestone form's fields in page order, for the error summary. */
export const OVERRIDE_FIELDS = ['date', 'time', 'reason']

/** The milestone's new date, which must be given: 'YYYY-MM-DD', or the message to show. */
export function readOverrideDate(form: Record<string, unknown>): { value: string } | { error: string } {
  const date = readDateInput(form, 'date', 'The new date')
  if ('error' in date) return date
  return date.value ? { value: date.value } : { error: 'Enter the new date' }
}

export const taskSchema = z.strictObject({
  title: requiredText('Enter the task', 120),
  description: optionalText(1000),
  ownerRole: z.enum(ROLES, { error: 'Select who does the task' }),
  anchorMilestone: z
    .string({ error: 'Select the milestone this task is counted from' })
    .min(1, 'Select the milestone this task is counted from'),
  offsetWorkingDays: z
    .string({ error: 'Enter the number of working days' })
    .trim()
    .regex(/^-?\d{1,3}$/, 'Enter the number of working days as a whole number, like 2, 0 or -1')
    .transform(Number),
  time: timeField('Enter the time in the 24-hour clock, like 10:00, or leave it empty'),
  keepInPlan: z.literal('yes').optional(),
})
/** The local task form's fields in page order, for the error summary. */
export const TASK_FIELDS = ['title', 'description', 'ownerRole', 'anchorMilestone', 'offsetWorkingDays', 'time']

/** The "mark as done" buttons: hidden fields only, so a problem is the error page, not the form again. */
export const doneSchema = z.strictObject({
  done: z.enum(['yes', 'no'], { error: 'Choose whether the task is done' }),
  returnTo: z.enum(['my-tasks', 'timeline', 'milestone']).optional(),
})

/** Giving a milestone to a named person: a person's id, or empty for nobody by name (the owner role). */
export const assignSchema = z.strictObject({
  personId: z
    .string({ error: 'Select a person, or nobody by name' })
    .trim()
    .transform((s) => (s === '' ? null : s)),
})
/** The person form's fields, for the error summary. */
export const ASSIGN_FIELDS = ['personId']
