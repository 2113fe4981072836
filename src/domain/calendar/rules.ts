import { z } from 'zod'
import exceptionsFile from './bank-holiday-exceptions.json'
import type { Holiday } from './holiday'
import { addDays, dayOfWeek, isIsoDate, isoDateOf, isWeekend, yearOf, type IsoDate } from './isoDate'

const isoDate = z.string().refine(isIsoDate, 'must be a real date in the form YYYY-MM-DD')

const exceptionsSchema = z.object({
  checkedFrom: z.number().int(),
  checkedTo: z.number().int(),
  exceptions: z.array(
    z.object({
      year: z.number().int(),
      reason: z.string(),
      remove: z.array(isoDate),
      add: z.array(z.object({ date: isoDate, title: z.string().min(1) })),
    }),
  ),
})

/** The one-off changes shipped with the app; parsed once so a bad edit fails loudly at start-up. */
export const BANK_HOLIDAY_EXCEPTIONS = exceptionsSchema.parse(exceptionsFile)

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): IsoDate {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return isoDateOf(year, month, day)
}

function firstMonday(year: number, month: number): IsoDate {
  const first = isoDateOf(year, month, 1)
  return addDays(first, (8 - dayOfWeek(first)) % 7)
}

function lastMonday(year: number, month: number): IsoDate {
  const last = isoDateOf(year, month + 1, 0)
  return addDays(last, -((dayOfWeek(last) + 6) % 7))
}

/**
 * The England and Wales bank holidays that the standing rules give for `year`, before one-off
 * exceptions. A holiday on a weekend is replaced by the next weekday that is not already a
 * holiday, which is how 25–26 December 2021 became 27 and 28 December.
 */
export function ruleBankHolidays(year: number): Holiday[] {
  const easter = easterSunday(year)
  const nominal: Holiday[] = [
    { date: isoDateOf(year, 1, 1), title: 'New Year’s Day' },
    { date: addDays(easter, -2), title: 'Good Friday' },
    { date: addDays(easter, 1), title: 'Easter Monday' },
    { date: firstMonday(year, 5), title: 'Early May bank holiday' },
    { date: lastMonday(year, 5), title: 'Spring bank holiday' },
    { date: lastMonday(year, 8), title: 'Summer bank holiday' },
    { date: isoDateOf(year, 12, 25), title: 'Christmas Day' },
    { date: isoDateOf(year, 12, 26), title: 'Boxing Day' },
  ]
  const taken = new Set(nominal.filter((h) => !isWeekend(h.date)).map((h) => h.date))
  const result: Holiday[] = []
  for (const holiday of nominal) {
    if (!isWeekend(holiday.date)) {
      result.push(holiday)
      continue
    }
    let substitute = addDays(holiday.date, 1)
    while (isWeekend(substitute) || taken.has(substitute)) substitute = addDays(substitute, 1)
    taken.add(substitute)
    result.push({ date: substitute, title: `${holiday.title} (substitute day)` })
  }
  return result.sort((x, y) => (x.date < y.date ? -1 : 1))
}

/** England and Wales bank holidays for `year`: the rules plus the bundled one-off exceptions. */
export function bundledBankHolidays(year: number): Holiday[] {
  let holidays = ruleBankHolidays(year)
  for (const exception of BANK_HOLIDAY_EXCEPTIONS.exceptions.filter((e) => e.year === year)) {
    const removed = new Set(exception.remove)
    holidays = holidays.filter((h) => !removed.has(h.date)).concat(exception.add)
  }
  return holidays.filter((h) => yearOf(h.date) === year).sort((x, y) => (x.date < y.date ? -1 : 1))
}
