/**
 * Calendar dates as ISO 'YYYY-MM-DD' strings.
 *
 * Inspection deadlines are calendar dates, not instants: arithmetic is done on a day count in UTC
 * so that British Summer Time changes can never shift a date by one.
 */

/** A calendar date written 'YYYY-MM-DD'. Validate untrusted input with {@link isIsoDate}. */
export type IsoDate = string

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/** True when `text` is a real calendar date written 'YYYY-MM-DD' (rejects 2023-02-30). */
export function isIsoDate(text: unknown): text is IsoDate {
  if (typeof text !== 'string') return false
  const match = ISO_DATE.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const probe = new Date(Date.UTC(year, month - 1, day))
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

/** Throws a RangeError naming the bad value; used at API edges so arithmetic never sees junk. */
export function assertIsoDate(text: unknown, what = 'date'): asserts text is IsoDate {
  if (!isIsoDate(text)) {
    throw new RangeError(`The ${what} "${String(text)}" is not a real date in the form YYYY-MM-DD.`)
  }
}

/** Days since 1970-01-01 (UTC), for arithmetic. */
export function toDayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date)
  if (!match) throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD.`)
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY
}

/** Inverse of {@link toDayNumber}. */
export function fromDayNumber(dayNumber: number): IsoDate {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Builds an IsoDate from numeric parts (month 1–12). */
export function isoDateOf(year: number, month: number, day: number): IsoDate {
  return fromDayNumber(Date.UTC(year, month - 1, day) / MS_PER_DAY)
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days)
}

/** Day of the week: 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  // 1970-01-01 was a Thursday (4).
  return (((toDayNumber(date) + 4) % 7) + 7) % 7
}

/** True on Saturday and Sunday. */
export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date)
  return dow === 0 || dow === 6
}

/** The four-digit year of a date. */
export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4))
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

/** Formats as GOV.UK style "Monday 9 January 2023" (or "Mon 9 Jan 2023" when `short`). */
export function formatIsoDate(date: IsoDate, short = false): string {
  const weekday = WEEKDAYS[dayOfWeek(date)] ?? ''
  const month = MONTHS[Number(date.slice(5, 7)) - 1] ?? ''
  const day = Number(date.slice(8, 10))
  return short
    ? `${weekday.slice(0, 3)} ${day} ${month.slice(0, 3)} ${yearOf(date)}`
    : `${weekday} ${day} ${month} ${yearOf(date)}`
}

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The calendar date on UK clocks at an instant ('YYYY-MM-DD'): "today" is `londonDateOf(clock.now())`. */
export function londonDateOf(at: Date): IsoDate {
  return LONDON_DATE.format(at)
}

const LONDON_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** Where "now" is for deadlines: the date and the time ('HH:MM') on UK clocks at an instant. */
export function londonNow(at: Date): { date: IsoDate; time: string } {
  const parts = LONDON_DATE_TIME.formatToParts(at)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` }
}

const PAGE_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})

/** "4 March 2026": an instant's date on UK clocks, or a 'YYYY-MM-DD' calendar date as it is. */
export function formatDate(value: Date | IsoDate | null | undefined): string {
  if (!value) return ''
  return PAGE_DATE.format(typeof value === 'string' ? new Date(`${value.slice(0, 10)}T12:00:00Z`) : value)
}

/** "9:05am", "5:30pm", "12:30am", "midday" and "midnight" (GOV.UK style), from 'HH:MM' on a 24-hour clock. */
export function clockTime(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number)
  if (m === 0 && h === 12) return 'midday'
  if (m === 0 && h === 0) return 'midnight'
  return `${h % 12 || 12}:${String(m).padStart(2, '0')}${h < 12 ? 'am' : 'pm'}`
}

/** "4 March 2026 at 9:30am" on UK clocks (British Summer Time included): the one style for pages. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return ''
  const at = new Date(value)
  if (Number.isNaN(at.getTime())) return ''
  const { date, time } = londonNow(at)
  return `${formatDate(date)} at ${clockTime(time)}`
}
