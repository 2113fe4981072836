import { addDays, assertIsoDate, type IsoDate } from './calendar/isoDate'

/** One calendar entry. All-day when `time` is missing or null; otherwise a timed event in UK local time. */
export interface IcsEvent {
  /** Stable across exports so calendar apps update the event instead of duplicating it. */
  uid: string
  title: string
  description?: string
  location?: string
  date: IsoDate
  /** 'HH:MM' in Europe/London local time. */
  time?: string | null
  /** Length of a timed event; 60 minutes when not given. Ignored for all-day events. */
  durationMinutes?: number
}

/** Calendar-level settings. */
export interface IcsOptions {
  /** When the file is produced (DTSTAMP); pass clock.now() so output is reproducible in tests. */
  now: Date
  calendarName?: string
  productId?: string
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/
const CRLF = '\r\n'

/**
 * Builds an RFC 5545 iCalendar file. Timed events are written in UTC, converted from
 * Europe/London wall-clock time with the offset in force on that date, so a 09:00 meeting stays
 * at 09:00 in both GMT and BST. Text is escaped and lines folded at 75 octets.
 */
export function buildIcsCalendar(events: readonly IcsEvent[], options: IcsOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${options.productId ?? '-//JTAI Ready//Inspection timeline//EN'}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
  ]
  if (options.calendarName) lines.push(`X-WR-CALNAME:${escapeText(options.calendarName)}`)
  const stamp = formatUtc(options.now)
  for (const event of events) lines.push(...eventLines(event, stamp))
  lines.push('END:VCALENDAR')
  return lines.map(foldLine).join(CRLF) + CRLF
}

function eventLines(event: IcsEvent, stamp: string): string[] {
  assertIsoDate(event.date, `date of "${event.title}"`)
  const lines = ['BEGIN:VEVENT', `UID:${escapeText(event.uid)}`, `DTSTAMP:${stamp}`]
  if (event.time == null) {
    lines.push(
      `DTSTART;VALUE=DATE:${compactDate(event.date)}`,
      `DTEND;VALUE=DATE:${compactDate(addDays(event.date, 1))}`,
    )
  } else {
    const minutes = event.durationMinutes ?? 60
    if (!Number.isInteger(minutes) || minutes < 1)
      throw new RangeError(`The length of "${event.title}" must be a whole number of minutes, at least 1.`)
    const start = londonTimeToUtc(event.date, event.time)
    lines.push(`DTSTART:${formatUtc(start)}`, `DTEND:${formatUtc(new Date(start.getTime() + minutes * 60_000))}`)
  }
  lines.push(`SUMMARY:${escapeText(event.title)}`)
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`)
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`)
  lines.push('END:VEVENT')
  return lines
}

/**
 * The instant at which UK clocks show `time` on `date`. A time skipped when clocks go forward
 * (01:30 on the last Sunday of March) lands an hour later; an ambiguous time in October takes
 * the second (GMT) occurrence.
 */
export function londonTimeToUtc(date: IsoDate, time: string): Date {
  assertIsoDate(date)
  const match = TIME.exec(time)
  if (!match) throw new RangeError(`"${time}" is not a time like 09:30.`)
  const wall = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
    Number(match[1]),
    Number(match[2]),
  )
  const first = wall - londonOffsetMs(wall)
  const second = wall - londonOffsetMs(first)
  return new Date(second)
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** How far UK clocks are ahead of UTC at `instant` (0 in winter, one hour in summer). */
function londonOffsetMs(instant: number): number {
  const parts = Object.fromEntries(londonParts.formatToParts(new Date(instant)).map((p) => [p.type, p.value]))
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** Escapes a TEXT value (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

/** Folds a content line so no physical line exceeds 75 octets, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const encoder = new TextEncoder()
  const out: string[] = []
  let current = ''
  let bytes = 0
  let limit = 75
  for (const char of line) {
    const size = encoder.encode(char).length
    if (bytes + size > limit) {
      out.push(current)
      current = ' '
      bytes = 1
      limit = 75
    }
    current += char
    bytes += size
  }
  out.push(current)
  return out.join(CRLF)
}

function compactDate(date: IsoDate): string {
  return date.replace(/-/g, '')
}

function formatUtc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}
