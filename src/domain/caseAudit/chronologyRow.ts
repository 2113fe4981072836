import { parseDateCell, parseDateText } from '../annexA/parseDateCell'
import { cellDisplay, type RawCell, type RawRow } from '../annexA/rawCell'
import type { ChronologyColumn, ChronologyHeader } from './chronologyColumns'

/** One event read from an agency's chronology. */
export interface ChronologyEntry {
  /** YYYY-MM-DD: also the key that groups a day's events. */
  date: string
  /** HH:MM (24-hour), or null when the file gives no time. */
  time: string | null
  agency: string
  description: string
  recordedBy: string | null
  system: string | null
  significance: string | null
  actionTaken: string | null
  /** The file's name as it was given, and its place in the order the files were given (from 0). */
  file: string
  fileIndex: number
  /** The spreadsheet row number. */
  row: number
}

/** A row that could not be read: its spreadsheet row, the column as the file heads it, and why. */
export interface ChronologyProblem {
  file: string
  row: number
  column: string
  message: string
}

/** What reading a row needs besides the row. */
export interface RowContext {
  header: ChronologyHeader
  file: string
  fileIndex: number
  /** The agency from the file's name, for rows without an Agency cell. */
  agencyFromName: string
  /** The workbook counts dates from 1904. */
  date1904: boolean
  /** A two-digit year at or below this is 20yy, above it 19yy (this year's last two digits). */
  pivotYear: number
}

const MAX_TEXT = 10_000

const TIME = /^(\d{1,2})(?:[:.](\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*([ap]\.?m\.?)?$/i
/** A time after the date in one cell: "03/03/2026 14:05", "2026-03-03T14:05:00Z", "3 March 2026, 2.05pm". */
const DATE_THEN_TIME =
  /^(.*?\d)(?:\s*,\s*|\s+at\s+|[ T]+)(\d{1,2}(?:[:.]\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:[ap]\.?m\.?)?)(?:Z|[+-]\d{2}:?\d{2})?$/i

/**
 * A time of day typed as text, as 'HH:MM': "14:05", "9:30", "09.30", "2.05pm", "2pm", "14:05:30" (seconds
 * dropped). Null when it is not one.
 */
function timeFromText(raw: string): string | null {
  const m = TIME.exec(raw.trim())
  if (!m) return null
  let hours = Number(m[1])
  const minutes = m[2] === undefined ? 0 : Number(m[2])
  const half = m[4]?.[0]?.toLowerCase()
  if (m[2] === undefined && !half) return null
  if (half) {
    if (hours < 1 || hours > 12) return null
    hours = (hours % 12) + (half === 'p' ? 12 : 0)
  }
  if (hours > 23 || minutes > 59) return null
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`
}

/** A Time cell: a date cell's time of day, a fraction of a day (an unformatted Excel time) or text. */
function timeFromCell(cell: RawCell): { time: string | null } | { reason: string } {
  switch (cell.kind) {
    case 'blank':
      return { time: null }
    case 'date':
      return { time: cell.time ?? null }
    case 'number': {
      if (cell.value >= 0 && cell.value < 1) {
        const minutes = Math.floor(Math.round(cell.value * 86_400) / 60)
        return { time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` }
      }
      return { reason: `'${cell.value}' is not a time of day` }
    }
    case 'text': {
      const time = timeFromText(cell.text)
      return time ? { time } : { reason: `'${cell.text}' is not a time of day (write it as 14:05)` }
    }
    default:
      return { reason: `'${cellDisplay(cell)}' is not a time of day (write it as 14:05)` }
  }
}

/** Why the Date cell's text is not a date, in the file's terms: not a real date, out of range, or unreadable. */
function notADate(text: string, reason: string): string {
  if (reason.includes('not a real calendar date')) return `'${text}' is not a real date`
  const years = /outside the years .*$/.exec(reason)
  if (years) return `'${text}' is ${years[0]}`
  return `'${text}' is not a date we can read (write it as dd/mm/yyyy, for example 03/03/2026)`
}

/** A Date cell, with the time written in it if any. */
function dateFromCell(
  cell: RawCell,
  date1904: boolean,
  pivotYear: number,
): { date: string; time: string | null } | { reason: string } {
  if (cell.kind === 'blank') return { reason: 'there is no date' }
  if (cell.kind === 'text') {
    const split = DATE_THEN_TIME.exec(cell.text)
    const time = split?.[2] ? timeFromText(split[2]) : null
    const parsed = parseDateText(split && time ? (split[1] ?? '') : cell.text, date1904, pivotYear)
    if (parsed.iso !== null) return { date: parsed.iso, time }
    return { reason: notADate(cell.text, parsed.reason) }
  }
  const parsed = parseDateCell(cell, date1904, pivotYear)
  if (parsed.iso !== null) return { date: parsed.iso, time: cell.kind === 'date' ? (cell.time ?? null) : null }
  return { reason: cell.kind === 'number' ? notADate(String(cell.value), parsed.reason) : parsed.reason }
}

/**
 * Reads one spreadsheet row below the heading row: an entry, or the problems that stop it being read (a
 * date that is missing or not a real date, a time that is not a time of day, nothing in What happened).
 * Null for a blank row, which is skipped. The agency is the row's Agency cell, else the file's name.
 *
 * Dates are read by the Annex A parser, so as Annex A reads them: day first (03/04/2026 is 3 April); a
 * date only readable month first (04/25/2026) is read so; a two-digit year at or below `pivotYear` is
 * 20yy. A time comes from the Time column when it has one, else from the date cell ("03/03/2026 14:05",
 * an Excel date-time); a zone after an ISO time is ignored (the time is taken as written), and an Excel
 * date-time at exactly midnight counts as a date without a time.
 */
export function readChronologyRow(
  raw: RawRow,
  context: RowContext,
): { entry: ChronologyEntry } | { problems: ChronologyProblem[] } | null {
  const { header, file } = context
  const at = (id: ChronologyColumn): RawCell | undefined => {
    const p = header.positions.get(id)
    return p === undefined ? undefined : raw.cells[p]
  }
  const text = (id: ChronologyColumn): string | null => {
    const cell = at(id)
    const value = cell ? cellDisplay(cell).trim() : ''
    return value ? value.slice(0, MAX_TEXT) : null
  }
  if (raw.cells.every((c) => c.kind === 'blank' || cellDisplay(c).trim() === '')) return null
  const problems: ChronologyProblem[] = []
  const problem = (id: ChronologyColumn, message: string): void => {
    const position = header.positions.get(id) ?? -1
    problems.push({ file, row: raw.row, column: header.headings[position] || id, message })
  }
  const dateCell = at('date') ?? { kind: 'blank' }
  const dated = dateFromCell(dateCell, context.date1904, context.pivotYear)
  if ('reason' in dated) problem('date', dated.reason)
  let time = 'reason' in dated ? null : dated.time
  const timeCell = at('time')
  if (timeCell) {
    const timed = timeFromCell(timeCell)
    if ('reason' in timed) problem('time', timed.reason)
    else time = timed.time ?? time
  }
  const description = text('description')
  if (!description) problem('description', 'there is no description of what happened')
  if ('reason' in dated || !description || problems.length > 0) return { problems }
  return {
    entry: {
      date: dated.date,
      time,
      agency: text('agency') ?? context.agencyFromName,
      description,
      recordedBy: text('recordedBy'),
      system: text('system'),
      significance: text('significance'),
      actionTaken: text('actionTaken'),
      file,
      fileIndex: context.fileIndex,
      row: raw.row,
    },
  }
}
