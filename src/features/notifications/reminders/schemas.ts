import { z } from 'zod'
import type { ReminderSettings } from '../../../domain/notifications'

/** A whole number from `min` to `max`, typed in a text box; `message` says what to enter. */
const wholeNumber = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .trim()
    .regex(/^\d{1,3}$/, { error: message })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: message })

const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message })

/** "9:00" or "09:00" on the 24-hour clock, kept as "09:00". */
const time = z
  .string({ error: 'Enter the time reminders are sent, like 09:00' })
  .trim()
  .min(1, { error: 'Enter the time reminders are sent, like 09:00' })
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, { error: 'Enter a time on the 24-hour clock, like 09:00 or 14:30' })
  .transform((t) => t.padStart(5, '0'))

/** The reminder settings form, its fields in page order. */
export const reminderSettingsSchema = z.strictObject({
  daysBefore: wholeNumber(
    0,
    10,
    'Enter how many working days before a task is due people are reminded, a whole number from 0 to 10',
  ),
  remindOnTheDay: yesNo('Select yes if people are reminded on the day a task is due'),
  reminderTime: time,
  remindOverdue: yesNo('Select yes if people are told when a task of theirs is overdue'),
  approvalWaitDays: wholeNumber(
    1,
    10,
    'Enter how many working days an approval may wait before the approver is reminded, a whole number from 1 to 10',
  ),
  reviewWarningDays: wholeNumber(
    1,
    60,
    'Enter how many working days before a document’s review date its agency lead is told, a whole number from 1 to 60',
  ),
})

export const REMINDER_SETTINGS_FIELDS = [
  'daysBefore',
  'remindOnTheDay',
  'reminderTime',
  'remindOverdue',
  'approvalWaitDays',
  'reviewWarningDays',
]

/** The form's answers as settings. */
export function settingsFromForm(form: z.output<typeof reminderSettingsSchema>): ReminderSettings {
  return {
    daysBefore: form.daysBefore,
    remindOnTheDay: form.remindOnTheDay === 'yes',
    reminderTime: form.reminderTime,
    remindOverdue: form.remindOverdue === 'yes',
    approvalWaitDays: form.approvalWaitDays,
    reviewWarningDays: form.reviewWarningDays,
  }
}

/** Settings as the form shows them. */
export function formFromSettings(s: ReminderSettings): Record<string, string> {
  return {
    daysBefore: String(s.daysBefore),
    remindOnTheDay: s.remindOnTheDay ? 'yes' : 'no',
    reminderTime: s.reminderTime,
    remindOverdue: s.remindOverdue ? 'yes' : 'no',
    approvalWaitDays: String(s.approvalWaitDays),
    reviewWarningDays: String(s.reviewWarningDays),
  }
}
