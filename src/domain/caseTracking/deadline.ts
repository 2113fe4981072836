import { londonNow, type IsoDate, type WorkingDayCalendar } from '../calendar'
import { londonTimeToUtc } from '../ics'

/** A partnership's working hours on UK clocks ('HH:MM', 24-hour), which a return's deadline counts. */
export interface WorkingHours {
  dayStarts: string
  dayEnds: string
}

/** When a partnership has not set its own: 09:00 to 17:00, and a return is due 2 working hours after release. */
export const DEFAULT_WORKING_HOURS: WorkingHours = { dayStarts: '09:00', dayEnds: '17:00' }
export const DEFAULT_RETURN_HOURS = 2
/** The hours a return may be given: at least 1, at most 24 (three working days of 8 hours). */
export const MIN_RETURN_HOURS = 1
export const MAX_RETURN_HOURS = 24

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/

/** Whether a time is 'HH:MM' on a 24-hour clock. */
export function isClockTime(text: string): boolean {
  return HHMM.test(text)
}

function minutesOf(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number)
  return h * 60 + m
}

/** Why working hours cannot be used, or null: both real times, the end after the start. */
export function workingHoursProblem(hours: WorkingHours): string | null {
  if (!isClockTime(hours.dayStarts) || !isClockTime(hours.dayEnds)) return 'Enter times like 09:00 and 17:00'
  if (minutesOf(hours.dayEnds) <= minutesOf(hours.dayStarts)) return 'The working day must end after it starts'
  return null
}

/**
 * When a return released at `releasedAt` is due: `hours` working hours later, counting only the
 * partnership's working hours (`dayStarts` to `dayEnds` on UK clocks, British Summer Time included)
 * on its working days (not weekends, bank holidays or closure days). Released at 16:30 with 2 hours
 * and a 17:00 close, it is due at 10:30 the next working day; released before the day starts, the
 * hours count from the start; released on a day that is not a working day, or after the day ends,
 * from the next working day's start.
 */
export function returnDeadline(
  releasedAt: Date,
  hours: number,
  workingHours: WorkingHours,
  calendar: WorkingDayCalendar,
): Date {
  const problem = workingHoursProblem(workingHours)
  if (problem) throw new RangeError(problem)
  if (!Number.isInteger(hours) || hours < MIN_RETURN_HOURS || hours > MAX_RETURN_HOURS)
    throw new RangeError(`A return is given ${MIN_RETURN_HOURS} to ${MAX_RETURN_HOURS} working hours, not ${hours}.`)
  let remaining = hours * 3_600_000
  const local = londonNow(releasedAt)
  let date: IsoDate = local.date
  // Where counting starts on `date`: the release itself, or the start of the day.
  let from: Date = releasedAt
  if (!calendar.isWorkingDay(date) || minutesOf(local.time) >= minutesOf(workingHours.dayEnds)) {
    date = calendar.nextWorkingDay(date)
    from = londonTimeToUtc(date, workingHours.dayStarts)
  } else if (minutesOf(local.time) < minutesOf(workingHours.dayStarts)) {
    from = londonTimeToUtc(date, workingHours.dayStarts)
  }
  for (;;) {
    const end = londonTimeToUtc(date, workingHours.dayEnds)
    const available = end.getTime() - from.getTime()
    if (remaining <= available) return new Date(from.getTime() + remaining)
    remaining -= Math.max(0, available)
    date = calendar.nextWorkingDay(date)
    from = londonTimeToUtc(date, workingHours.dayStarts)
  }
}
