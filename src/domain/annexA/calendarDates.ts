/** Calendar arithmetic on 'YYYY-MM-DD' strings; UTC throughout so the London clock change never shifts a date. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function isoText(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** 'YYYY-MM-DD' for a valid calendar date, else null (rejects 31/02 and the like). Integer arithmetic, no Date. */
export function isoFromParts(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1000 || year > 9999) return null
  if (day > daysInMonth(year, month)) return null
  return isoText(year, month, day)
}

/**
 * The calendar date `days` whole days after 01/01/1970 (negative before it), as 'YYYY-MM-DD', or null outside
 * the years 1000–9999. Integer arithmetic (Hinnant's civil-from-days), so hot loops allocate no Date.
 */
export function isoFromEpochDays(days: number): string | null {
  if (!Number.isFinite(days)) return null
  const z = Math.floor(days) + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  if (year < 1000 || year > 9999) return null
  return isoText(year, month, day)
}

/** True for a valid 'YYYY-MM-DD' string. */
export function isIsoDate(value: string): boolean {
  const m = ISO.exec(value)
  return m !== null && isoFromParts(Number(m[1]), Number(m[2]), Number(m[3])) === value
}

/** The calendar date of a Date in UTC (exceljs gives dates as UTC midnight). */
export function isoFromUtcDate(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null
  return isoFromParts(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())
}

/**
 * Subtracts whole months, clamping to the month's end (31 Aug minus 6 months is 28/29 Feb),
 * which is how people count "the six months before".
 */
export function minusMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) - months
  const year = Math.floor(total / 12)
  const month = (total % 12) + 1
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`
}

/** Whole years from `birth` to `on` (the age a person would give). */
export function ageInYears(birth: string, on: string): number {
  // Both are 'YYYY-MM-DD', so 'MM-DD' compares as text: no arrays in this per-row path.
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4))
  return on.slice(5) < birth.slice(5) ? years - 1 : years
}

/** 'dd/mm/yyyy' for messages and the Ofsted workbook. */
export function ukDate(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`
}

const MONTH_NAMES = [
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
]

/** 'YYYY-MM-DD' → "3 April 2024": a date nobody can read the wrong way round. */
export function longUkDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTH_NAMES[Number(iso.slice(5, 7)) - 1] ?? ''} ${iso.slice(0, 4)}`
}

const EXCEL_EPOCH_1900 = Date.UTC(1899, 11, 30)
const EXCEL_EPOCH_1904 = Date.UTC(1904, 0, 1)
const DAY_MS = 86_400_000

/**
 * An Excel serial day number as a calendar date. The 1900 system's epoch of 30/12/1899 absorbs Excel's
 * fictitious 29/02/1900 for every date after it; the 1904 system counts from 01/01/1904.
 */
export function isoFromExcelSerial(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null
  return isoFromEpochDays((date1904 ? EXCEL_EPOCH_1904 : EXCEL_EPOCH_1900) / DAY_MS + Math.floor(serial))
}

/** The date `days` after `iso`. */
export function plusDays(iso: string, days: number): string {
  return isoFromUtcDate(new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS)) ?? iso
}
