import { describe, expect, it } from 'vitest'
import {
  addDays,
  dayOfWeek,
  formatDateTime,
  formatIsoDate,
  isIsoDate,
  londonDateOf,
  toDayNumber,
  fromDayNumber,
} from './isoDate'

describe('ISO calendar dates', () => {
  it('accepts only real dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true)
    expect(isIsoDate('2023-02-29')).toBe(false)
    expect(isIsoDate('2023-1-9')).toBe(false)
    expect(isIsoDate('2023-01-09T00:00')).toBe(false)
    expect(isIsoDate(20230109)).toBe(false)
  })

  it('adds days across the clock changes without drifting', () => {
    expect(addDays('2024-03-30', 1)).toBe('2024-03-31')
    expect(addDays('2024-03-31', 1)).toBe('2024-04-01')
    expect(addDays('2024-10-26', 2)).toBe('2024-10-28')
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31')
    expect(fromDayNumber(toDayNumber('1999-12-31'))).toBe('1999-12-31')
  })

  it('knows the day of the week and formats GOV.UK style', () => {
    expect(dayOfWeek('2023-01-09')).toBe(1)
    expect(dayOfWeek('1969-12-31')).toBe(3)
    expect(formatIsoDate('2023-01-09')).toBe('Monday 9 January 2023')
    expect(formatIsoDate('2023-01-09', true)).toBe('Mon 9 Jan 2023')
  })
})

describe('londonDateOf', () => {
  it('gives the date on UK clocks: 23:30 UTC in summer is already the next day in London', () => {
    expect(londonDateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01')
    expect(londonDateOf(new Date('2026-12-31T23:30:00Z'))).toBe('2026-12-31')
  })
})

describe('formatDateTime', () => {
  it('is the one page style, on UK clocks: "4 March 2026 at 9:30am", BST included, half past midnight as 12:30am', () => {
    expect(formatDateTime(new Date('2026-03-04T09:30:00Z'))).toBe('4 March 2026 at 9:30am')
    expect(formatDateTime('2026-06-30T23:30:00Z')).toBe('1 July 2026 at 12:30am')
    expect(formatDateTime('2026-06-01T11:00:00Z')).toBe('1 June 2026 at midday')
    expect(formatDateTime('2026-12-01T17:45:00Z')).toBe('1 December 2026 at 5:45pm')
    expect(formatDateTime(null)).toBe('')
    expect(formatDateTime('not a time')).toBe('')
  })
})
