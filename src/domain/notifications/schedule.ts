import { londonDateOf, londonNow, type IsoDate, type WorkingDayCalendar } from '../calendar'
import { londonTimeToUtc } from '../ics'
import { DIGEST_TIME, type ReminderSettings } from './settings'

/**
 * When reminders fire, as pure rules over a partnership's working-day calendar and its reminder
 * settings. Every time is on UK clocks (Europe/London, British Summer Time included): "09:00" is
 * 09:00 in March and in July. The reminder job asks these rules which reminders apply at "now";
 * each reminder carries a stage, so its dedupe key is the same on every run and nobody is told twice.
 */

/** A "due within 2 hours" reminder goes this long before a timed deadline. */
export const WITHIN_HOURS_MS = 2 * 60 * 60_000

/** A milestone's or task's deadline: a date, and a time on UK clocks when it has one. */
export interface Deadline {
  date: IsoDate
  time: string | null
}

export type TaskReminderKind = 'task-due' | 'task-due-within-hours' | 'task-overdue'

/** A reminder about a deadline and the instant it fires. */
export interface TaskReminder {
  kind: TaskReminderKind
  /** 'before-2' (2 working days before), 'on-the-day', 'within-2-hours' or 'overdue': part of its dedupe key. */
  stage: string
  firesAt: Date
}

/** The instant UK clocks show `time` on `date`. */
export function londonInstant(date: IsoDate, time: string): Date {
  return londonTimeToUtc(date, time)
}

/** The instant of a timed deadline; null for a date-only one. */
function deadlineInstant(due: Deadline): Date | null {
  return due.time ? londonInstant(due.date, due.time) : null
}

/**
 * When a deadline becomes overdue: the moment its date and time pass; for a date-only deadline,
 * the reminder time on the next working day after its date (a task due "on Friday" can still be
 * done on Friday evening, and nobody is told on a Saturday).
 */
export function overdueAt(calendar: WorkingDayCalendar, settings: ReminderSettings, due: Deadline): Date {
  return deadlineInstant(due) ?? londonInstant(calendar.nextWorkingDay(due.date), settings.reminderTime)
}

/**
 * The day a reminder "on the day" is given: the due date when it is a working day, otherwise the
 * last working day before it (a task due on a Saturday is talked about on the Friday).
 */
function reminderDay(calendar: WorkingDayCalendar, date: IsoDate): IsoDate {
  return calendar.isWorkingDay(date) ? date : calendar.previousWorkingDay(date)
}

/**
 * Every reminder the settings make for a deadline, in the order they fire, whether or not they
 * have fired yet: `daysBefore` working days before at the reminder time, on the day at the
 * reminder time (not when a timed deadline is earlier that day: "due within 2 hours" covers it),
 * due within 2 hours (timed deadlines only; critical) and overdue.
 */
export function taskReminderTimes(
  calendar: WorkingDayCalendar,
  settings: ReminderSettings,
  due: Deadline,
): TaskReminder[] {
  const at = deadlineInstant(due)
  const out: TaskReminder[] = []
  if (settings.daysBefore > 0)
    out.push({
      kind: 'task-due',
      stage: `before-${settings.daysBefore}`,
      firesAt: londonInstant(calendar.addWorkingDays(due.date, -settings.daysBefore), settings.reminderTime),
    })
  if (settings.remindOnTheDay) {
    const firesAt = londonInstant(reminderDay(calendar, due.date), settings.reminderTime)
    if (!at || firesAt.getTime() < at.getTime()) out.push({ kind: 'task-due', stage: 'on-the-day', firesAt })
  }
  if (at)
    out.push({
      kind: 'task-due-within-hours',
      stage: 'within-2-hours',
      firesAt: new Date(at.getTime() - WITHIN_HOURS_MS),
    })
  if (settings.remindOverdue)
    out.push({ kind: 'task-overdue', stage: 'overdue', firesAt: overdueAt(calendar, settings, due) })
  return out.sort((a, b) => a.firesAt.getTime() - b.firesAt.getTime())
}

/**
 * The reminders for a deadline that apply at `now` (the task is not done; the caller checks that):
 * of "before", "on the day" and "overdue", only the latest that has fired (a later one says more,
 * so a job that was stopped for a day does not send yesterday's reminder as well as today's), and
 * only if it fired on or after the previous working day; and
 * "due within 2 hours" while `now` is in the two hours before a timed deadline.
 */
export function taskRemindersDue(
  calendar: WorkingDayCalendar,
  settings: ReminderSettings,
  due: Deadline,
  now: Date,
): TaskReminder[] {
  const t = now.getTime()
  const fired = taskReminderTimes(calendar, settings, due).filter((r) => r.firesAt.getTime() <= t)
  const staged = fired.filter((r) => r.kind !== 'task-due-within-hours')
  const out: TaskReminder[] = []
  const latest = staged.at(-1)
  // Not one that fired before the previous working day began: a deadline weeks past when reminders
  // start (a new inspection entered late, the first run after an upgrade) is not emailed as news.
  const stale = londonInstant(calendar.addWorkingDays(londonNow(now).date, -1), '00:00').getTime()
  if (latest && latest.firesAt.getTime() >= stale) out.push(latest)
  const at = deadlineInstant(due)
  const soon = fired.find((r) => r.kind === 'task-due-within-hours')
  if (soon && at && t < at.getTime()) out.push(soon)
  return out
}

/**
 * When an approval has waited more than `approvalWaitDays` working days: at the time of day it was
 * uploaded, that many working days after the day it was uploaded (uploaded on Monday at 10:00 with
 * 1 working day allowed: Tuesday at 10:00; on a Friday before a bank holiday Monday: Tuesday).
 */
export function approvalWaitingAt(calendar: WorkingDayCalendar, settings: ReminderSettings, uploadedAt: Date): Date {
  const { date, time } = londonNow(uploadedAt)
  return londonInstant(calendar.addWorkingDays(date, settings.approvalWaitDays), time)
}

/** When to warn about a review date: `reviewWarningDays` working days before it, at the reminder time. */
export function reviewWarningAt(calendar: WorkingDayCalendar, settings: ReminderSettings, reviewBy: IsoDate): Date {
  return londonInstant(calendar.addWorkingDays(reviewBy, -settings.reviewWarningDays), settings.reminderTime)
}

/** Whether the review warning applies at `now`: it has fired and the review date has not passed. */
export function reviewWarningDue(
  calendar: WorkingDayCalendar,
  settings: ReminderSettings,
  reviewBy: IsoDate,
  now: Date,
): boolean {
  return now.getTime() >= reviewWarningAt(calendar, settings, reviewBy).getTime() && londonDateOf(now) <= reviewBy
}

/** The daily summary's slot: a working day, and the instant (DIGEST_TIME on UK clocks) it goes. */
export interface DigestSlot {
  date: IsoDate
  at: Date
}

/**
 * The latest daily summary slot at or before `now`: DIGEST_TIME (08:00) on the latest working day
 * (bank holidays and the partnership's closure days are not working days).
 */
export function digestSlot(calendar: WorkingDayCalendar, now: Date): DigestSlot {
  const today = londonDateOf(now)
  if (calendar.isWorkingDay(today)) {
    const at = londonInstant(today, DIGEST_TIME)
    if (at.getTime() <= now.getTime()) return { date: today, at }
  }
  const date = calendar.previousWorkingDay(today)
  return { date, at: londonInstant(date, DIGEST_TIME) }
}

/**
 * The slot whose summary goes now, or null: only on a working day, from DIGEST_TIME (a summary
 * missed because the app was stopped goes on the next working day instead, never at a weekend).
 */
export function digestSlotToday(calendar: WorkingDayCalendar, now: Date): DigestSlot | null {
  const slot = digestSlot(calendar, now)
  return slot.date === londonDateOf(now) ? slot : null
}
