import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDays, fromDayNumber, toDayNumber } from './isoDate'
import { NotAWorkingDayError, WorkingDayCalendar } from './workingDayCalendar'

const calendar = WorkingDayCalendar.bundled()

// Dates from 2014 to 2032, where the bundled list is checked.
const anyDate = fc.integer({ min: toDayNumber('2014-01-01'), max: toDayNumber('2032-12-31') }).map(fromDayNumber)
const offset = fc.integer({ min: -400, max: 400 })
// Pairs of dates up to about two years apart: the span an inspection timeline can cover.
const datePair = fc
  .tuple(anyDate, fc.integer({ min: -700, max: 700 }))
  .map(([a, days]) => [a, addDays(a, days)] as const)

describe('WorkingDayCalendar', () => {
  it('knows weekends, bank holidays and their names', () => {
    expect(calendar.isWorkingDay('2023-01-09')).toBe(true)
    expect(calendar.isWorkingDay('2023-01-07')).toBe(false)
    expect(calendar.isWorkingDay('2023-05-08')).toBe(false)
    expect(calendar.holidayName('2023-05-08')).toMatch(/coronation/)
    expect(calendar.holidayName('2023-01-07')).toBeNull()
    expect(calendar.holidayName('2023-01-09')).toBeNull()
  })

  it('adds working days over Easter and Christmas', () => {
    expect(calendar.addWorkingDays('2024-03-28', 1)).toBe('2024-04-02')
    expect(calendar.addWorkingDays('2024-04-02', -1)).toBe('2024-03-28')
    expect(calendar.addWorkingDays('2021-12-24', 1)).toBe('2021-12-29')
    expect(calendar.addWorkingDays('2022-12-23', 1)).toBe('2022-12-28')
    expect(calendar.addWorkingDays('2023-01-09', 0)).toBe('2023-01-09')
    expect(calendar.addWorkingDays('2023-01-07', 0)).toBe('2023-01-09')
    expect(calendar.nextWorkingDay('2020-12-24')).toBe('2020-12-29')
    expect(calendar.previousWorkingDay('2020-12-29')).toBe('2020-12-24')
    expect(calendar.workingDayOnOrAfter('2020-12-25')).toBe('2020-12-29')
  })

  it('counts working days between dates in both directions', () => {
    expect(calendar.workingDaysBetween('2023-01-09', '2023-01-13')).toBe(4)
    expect(calendar.workingDaysBetween('2023-01-13', '2023-01-09')).toBe(-4)
    expect(calendar.workingDaysBetween('2023-01-09', '2023-01-09')).toBe(0)
    expect(calendar.workingDaysBetween('2022-12-23', '2022-12-28')).toBe(1)
  })

  it('numbers inspection days from notification as day 1', () => {
    expect(calendar.inspectionDay('2023-01-09', '2023-01-09')).toBe(1)
    expect(calendar.inspectionDay('2023-01-09', '2023-01-23')).toBe(11)
    expect(calendar.inspectionDay('2023-01-09', '2023-01-06')).toBe(0)
    expect(calendar.inspectionDay('2023-01-09', '2023-01-14')).toBeNull()
    expect(calendar.dateOfInspectionDay('2023-01-09', 11)).toBe('2023-01-23')
    expect(calendar.dateOfInspectionDay('2023-01-09', 15)).toBe('2023-01-27')
    // Easter 2024 inside the notice period pushes fieldwork back by two days.
    expect(calendar.dateOfInspectionDay('2024-03-18', 11)).toBe('2024-04-03')
  })

  it('refuses to count from a notification date that is not a working day', () => {
    expect(() => calendar.dateOfInspectionDay('2023-01-08', 1)).toThrow(NotAWorkingDayError)
    expect(() => calendar.inspectionDay('2023-05-08', '2023-05-09')).toThrow(
      /not a working day \(Bank holiday for the coronation/,
    )
    expect(() => calendar.addWorkingDays('2023-02-30', 1)).toThrow(/not a real date/)
  })

  it('lets imported dates replace the bundled ones for the years they cover', () => {
    const withImport = new WorkingDayCalendar({
      importedHolidays: [
        { date: '2027-01-01', title: 'New Year’s Day' },
        { date: '2027-06-07', title: 'An imagined extra bank holiday' },
      ],
    })
    expect(withImport.isWorkingDay('2027-06-07')).toBe(false)
    // The bundled rules say 2027-05-03 is the early May bank holiday; the loaded list does not.
    expect(calendar.isWorkingDay('2027-05-03')).toBe(false)
    expect(withImport.isWorkingDay('2027-05-03')).toBe(true)
    expect(withImport.isWorkingDay('2026-05-04')).toBe(false)
    expect(withImport.importedYears()).toEqual([2027])
    expect(withImport.bankHolidays(2027)).toHaveLength(2)
  })

  it('treats local closure days as non-working', () => {
    const withClosure = new WorkingDayCalendar({ closures: [{ date: '2024-12-27', title: 'Office closed' }] })
    expect(withClosure.isWorkingDay('2024-12-27')).toBe(false)
    expect(withClosure.holidayName('2024-12-27')).toBe('Office closed')
    expect(withClosure.addWorkingDays('2024-12-24', 1)).toBe('2024-12-30')
  })

  describe('properties', () => {
    it('addWorkingDays always lands on a working day (n ≠ 0, or any n from a working day)', () => {
      fc.assert(
        fc.property(anyDate, offset, (date, n) => {
          expect(calendar.isWorkingDay(calendar.addWorkingDays(date, n))).toBe(true)
        }),
      )
    })

    it('addWorkingDays is monotonic in n', () => {
      fc.assert(
        fc.property(anyDate, offset, offset, (date, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a]
          expect(calendar.addWorkingDays(date, lo) <= calendar.addWorkingDays(date, hi)).toBe(true)
          if (lo < hi && lo !== 0 && hi !== 0)
            expect(calendar.addWorkingDays(date, lo) < calendar.addWorkingDays(date, hi)).toBe(true)
        }),
      )
    })

    it('workingDaysBetween is the inverse of addWorkingDays', () => {
      fc.assert(
        fc.property(anyDate, offset, (date, n) => {
          fc.pre(n !== 0 || calendar.isWorkingDay(date))
          expect(calendar.workingDaysBetween(date, calendar.addWorkingDays(date, n))).toBe(n)
        }),
      )
      fc.assert(
        fc.property(datePair, ([a, b]) => {
          fc.pre(calendar.isWorkingDay(b))
          expect(calendar.addWorkingDays(a, calendar.workingDaysBetween(a, b))).toBe(b)
        }),
      )
    })

    it('workingDaysBetween is antisymmetric between working days and moves by one per working day', () => {
      fc.assert(
        fc.property(datePair, ([a, b]) => {
          // Counting is (from, to] forwards and [to, from) backwards, so it is symmetric only between working days.
          if (calendar.isWorkingDay(a) && calendar.isWorkingDay(b))
            expect(calendar.workingDaysBetween(a, b) + calendar.workingDaysBetween(b, a)).toBe(0)
          fc.pre(b >= a)
          const next = addDays(b, 1)
          expect(calendar.workingDaysBetween(a, next) - calendar.workingDaysBetween(a, b)).toBe(
            calendar.isWorkingDay(next) ? 1 : 0,
          )
        }),
      )
    })
  })
})
