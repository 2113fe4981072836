/** A partnership's reminder timings. Counted in working days (England and Wales, its closure days). */
export interface ReminderSettings {
  /** Remind this many working days before a milestone or task is due (0: not before the day). */
  daysBefore: number
  /** Remind on the day it is due. */
  remindOnTheDay: boolean
  /** "09:00", Europe/London: when the before and on-the-day reminders are sent. */
  reminderTime: string
  /** Tell people when a milestone or task of theirs becomes overdue. */
  remindOverdue: boolean
  /** Remind the approver when an approval has waited more than this many working days. */
  approvalWaitDays: number
  /** Remind the agency when a document's review date is this many working days away. */
  reviewWarningDays: number
}

/** The defaults a partnership starts with (the issue's and partnerships' usual practice). */
export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  daysBefore: 2,
  remindOnTheDay: true,
  reminderTime: '09:00',
  remindOverdue: true,
  approvalWaitDays: 1,
  reviewWarningDays: 20,
}

/** The daily summary email goes at this time (Europe/London) on working days. */
export const DIGEST_TIME = '08:00'
