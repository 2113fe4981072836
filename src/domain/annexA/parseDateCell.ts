import { isoFromExcelSerial, isoFromParts } from './calendarDates'
import type { RawCell } from './rawCell'

/**
 * Why a date needs a person's eye even though we could read it:
 * 'day-month-ambiguous': both parts ≤ 12 (03/04/2024), read day first; the list validator queries it unless the
 * column (or, failing that, the rest of the list) shows the dates are written day first;
 * 'month-first': only readable as m/d/y (04/25/2024); 'two-digit-year': the century was assumed.
 */
export type DateFlag = 'day-month-ambiguous' | 'month-first' | 'two-digit-year'

/** `dayFirst`: written d/m/y with a day above 12 (25/12/2023), which shows the column's dates are day first. */
export type ParsedDate = { iso: string; flags: DateFlag[]; dayFirst?: true } | { iso: null; reason: string }

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]m)?)?$/i
const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/
const YMD_SLASH = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/
const D_MON_Y = /^(\d{1,2})(?:st|nd|rd|th)?[\s\-/]+([a-z]{3,9})\.?[\s\-/,]+(\d{4}|\d{2})$/i
const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
}
const SERIAL_TEXT = /^\d{5}(?:\.\d+)?$/

const EARLIEST_YEAR = 1900
const LATEST_YEAR = 2100

function fullYear(text: string, pivot: number): { year: number; twoDigit: boolean } {
  if (text.length === 4) return { year: Number(text), twoDigit: false }
  const yy = Number(text)
  // Two-digit years up to the notification year's are this century; later ones the last (a birth in '98).
  return { year: yy <= pivot ? 2000 + yy : 1900 + yy, twoDigit: true }
}

function plausible(iso: string | null, flags: DateFlag[], raw: string): ParsedDate {
  if (!iso) return { iso: null, reason: `"${raw}" is not a real calendar date` }
  const year = Number(iso.slice(0, 4))
  if (year < EARLIEST_YEAR || year > LATEST_YEAR)
    return { iso: null, reason: `"${raw}" is outside the years ${EARLIEST_YEAR}–${LATEST_YEAR}` }
  return { iso, flags }
}

/**
 * Reads a date from a cell: native Excel dates, Excel serial numbers, dd/mm/yyyy, d/m/yy, ISO and "3 Apr 2024".
 * `pivotYear` is the two-digit year at or below which "yy" means 20yy (the notification year's last two digits).
 */
export function parseDateCell(cell: RawCell, date1904: boolean, pivotYear: number): ParsedDate {
  switch (cell.kind) {
    case 'date':
      return plausible(cell.iso, [], cell.iso)
    case 'number':
      return plausible(isoFromExcelSerial(cell.value, date1904), [], String(cell.value))
    case 'text':
      return parseDateText(cell.text, date1904, pivotYear)
    case 'bool':
      return { iso: null, reason: `${cell.value ? 'TRUE' : 'FALSE'} is not a date` }
    case 'error':
      return { iso: null, reason: `${cell.text} is an Excel error, not a date` }
    case 'blank':
      return { iso: null, reason: 'the cell is blank' }
  }
}

/** Reads a date typed as text (see parseDateCell). */
export function parseDateText(raw: string, date1904: boolean, pivotYear: number): ParsedDate {
  const text = raw.trim()
  let m = DMY.exec(text)
  if (m) {
    const a = Number(m[1])
    const b = Number(m[2])
    const { year, twoDigit } = fullYear(m[3] ?? '', pivotYear)
    const flags: DateFlag[] = twoDigit ? ['two-digit-year'] : []
    if (b > 12 && a <= 12) return plausible(isoFromParts(year, a, b), [...flags, 'month-first'], text)
    if (a <= 12 && b <= 12 && a !== b) flags.push('day-month-ambiguous')
    const parsed = plausible(isoFromParts(year, b, a), flags, text)
    return a > 12 && parsed.iso !== null ? { ...parsed, dayFirst: true } : parsed
  }
  m = ISO.exec(text) ?? YMD_SLASH.exec(text)
  if (m) return plausible(isoFromParts(Number(m[1]), Number(m[2]), Number(m[3])), [], text)
  m = D_MON_Y.exec(text)
  if (m) {
    const month = MONTHS[(m[2] ?? '').toLowerCase().slice(0, (m[2] ?? '').toLowerCase().startsWith('sept') ? 4 : 3)]
    if (month) {
      const { year, twoDigit } = fullYear(m[3] ?? '', pivotYear)
      return plausible(isoFromParts(year, month, Number(m[1])), twoDigit ? ['two-digit-year'] : [], text)
    }
  }
  // A serial number that arrived as text (CSV exports of unformatted date cells).
  if (SERIAL_TEXT.test(text)) return plausible(isoFromExcelSerial(Number(text), date1904), [], text)
  return { iso: null, reason: `"${text}" is not a date we can read` }
}
