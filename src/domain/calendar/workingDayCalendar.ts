import type { ClosureDay, Holiday } from './holiday'
import { addDays, assertIsoDate, fromDayNumber, isWeekend, toDayNumber, yearOf, type IsoDate } from './isoDate'
import { bundledBankHolidays } from './rules'

/** What a {@link WorkingDayCalendar} is built from. */
export interface WorkingDayCalendarOptions {
  /** Bank holidays loaded from a gov.uk list; for each year they cover, they replace the bundled dates. */
  importedHolidays?: readonly Holiday[]
  /** The partnership's own closure days, on top of bank holidays. */
  closures?: readonly ClosureDay[]
}

// A generous bound so a mistaken huge offset fails fast instead of looping for ever.
const MAX_STEPS = 366 * 200

/**
 * Working days for one partnership: Monday to Friday, excluding England and Wales bank holidays
 * and local closure days. Immutable; build a new one when the imported list or closures change.
 */
export class WorkingDayCalendar {
  private readonly imported = new Map<number, Map<IsoDate, string>>()
  private readonly closures = new Map<IsoDate, string>()
  private readonly yearCache = new Map<number, Map<IsoDate, string>>()

  constructor(options: WorkingDayCalendarOptions = {}) {
    for (const holiday of options.importedHolidays ?? []) {
      assertIsoDate(holiday.date, 'imported bank holiday')
      const year = yearOf(holiday.date)
      const forYear = this.imported.get(year) ?? new Map<IsoDate, string>()
      forYear.set(holiday.date, holiday.title)
      this.imported.set(year, forYear)
    }
    for (const closure of options.closures ?? []) {
      assertIsoDate(closure.date, 'closure day')
      this.closures.set(closure.date, closure.title)
    }
  }

  /** A calendar with only the bundled bank holidays. */
  static bundled(): WorkingDayCalendar {
    return new WorkingDayCalendar()
  }

  /** Years whose bank holidays come from an imported list rather than the bundled rules. */
  importedYears(): number[] {
    return [...this.imported.keys()].sort((a, b) => a - b)
  }

  /** Bank holidays for `year` in date order ("loaded dates win" over the bundled rules). */
  bankHolidays(year: number): Holiday[] {
    return [...this.bankHolidayMap(year)]
      .map(([date, title]) => ({ date, title }))
      .sort((a, b) => (a.date < b.date ? -1 : 1))
  }

  /** True on a weekday that is neither a bank holiday nor a local closure day. */
  isWorkingDay(date: IsoDate): boolean {
    assertIsoDate(date)
    return this.working(date)
  }

  /** The bank holiday or closure name for `date`, or null (weekends are not named). */
  holidayName(date: IsoDate): string | null {
    assertIsoDate(date)
    return this.bankHolidayMap(yearOf(date)).get(date) ?? this.closures.get(date) ?? null
  }

  /**
   * The date `n` working days after `date` (before, when n is negative). With n = 0 it returns
   * `date` itself when that is a working day, otherwise the next working day.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    assertIsoDate(date)
    if (!Number.isInteger(n)) throw new RangeError(`Working days must be a whole number, not ${n}.`)
    if (Math.abs(n) > MAX_STEPS) throw new RangeError(`${n} working days is too far to count.`)
    if (n === 0) return this.working(date) ? date : this.nextWorkingDay(date)
    const step = n > 0 ? 1 : -1
    let remaining = Math.abs(n)
    let current = date
    while (remaining > 0) {
      current = addDays(current, step)
      if (this.working(current)) remaining -= 1
    }
    return current
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: IsoDate): IsoDate {
    return this.addWorkingDays(date, 1)
  }

  /** The last working day strictly before `date`. */
  previousWorkingDay(date: IsoDate): IsoDate {
    return this.addWorkingDays(date, -1)
  }

  /** `date` when it is a working day, otherwise the next one. */
  workingDayOnOrAfter(date: IsoDate): IsoDate {
    return this.addWorkingDays(date, 0)
  }

  /**
   * Signed count of working days from `from` to `to`: the working days in (from, to] when `to` is
   * later, minus those in [to, from) when earlier. So addWorkingDays(a, workingDaysBetween(a, b))
   * is b whenever b is a working day.
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    assertIsoDate(from)
    assertIsoDate(to)
    const span = toDayNumber(to) - toDayNumber(from)
    if (Math.abs(span) > MAX_STEPS) throw new RangeError(`${from} and ${to} are too far apart to count.`)
    const [first, last, sign] =
      span > 0 ? [toDayNumber(from) + 1, toDayNumber(to), 1] : [toDayNumber(to), toDayNumber(from) - 1, -1]
    let count = 0
    for (let day = first; day <= last; day += 1) if (this.working(fromDayNumber(day))) count += 1
    // Avoid -0, which would surprise callers comparing with Object.is.
    return count === 0 ? 0 : sign * count
  }

  /**
   * The inspection working-day number of `date` when notification was on `notified` (day 1).
   * Earlier working days count 0, -1, … (older guidance called the day before "day 0").
   * Returns null when `date` is not a working day.
   */
  inspectionDay(notified: IsoDate, date: IsoDate): number | null {
    this.assertNotificationDay(notified)
    if (!this.isWorkingDay(date)) return null
    return this.workingDaysBetween(notified, date) + 1
  }

  /** The date of inspection working day `n`, where `notified` is day 1. */
  dateOfInspectionDay(notified: IsoDate, n: number): IsoDate {
    this.assertNotificationDay(notified)
    return this.addWorkingDays(notified, n - 1)
  }

  /** Throws a readable error unless `notified` is a working day (an inspection is never notified on one). */
  assertNotificationDay(notified: IsoDate): void {
    assertIsoDate(notified, 'notification date')
    if (!this.isWorkingDay(notified)) {
      const why = this.holidayName(notified) ?? 'a weekend'
      throw new NotAWorkingDayError(
        `The notification date ${notified} is not a working day (${why}), so inspection days cannot be counted from it.`,
        notified,
      )
    }
  }

  // Unchecked version for the counting loops, which only ever produce valid dates.
  private working(date: IsoDate): boolean {
    return !isWeekend(date) && !this.bankHolidayMap(yearOf(date)).has(date) && !this.closures.has(date)
  }

  private bankHolidayMap(year: number): Map<IsoDate, string> {
    const imported = this.imported.get(year)
    if (imported) return imported
    let cached = this.yearCache.get(year)
    if (!cached) {
      cached = new Map(bundledBankHolidays(year).map((h) => [h.date, h.title]))
      this.yearCache.set(year, cached)
    }
    return cached
  }
}

/** Raised when inspection days are counted from a date that is not a working day. */
export class NotAWorkingDayError extends Error {
  constructor(
    message: string,
    readonly date: IsoDate,
  ) {
    super(message)
    this.name = 'NotAWorkingDayError'
  }
}
