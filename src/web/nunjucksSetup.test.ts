import { describe, expect, it } from 'vitest'
import { dateFilter, dateTimeFilter } from './nunjucksSetup'

describe('the date filters pages use', () => {
  it('shows a calendar date as "2 December 2026", as it is', () => {
    expect(dateFilter('2026-12-02')).toBe('2 December 2026')
    expect(dateFilter('2026-06-01')).toBe('1 June 2026')
    expect(dateFilter(null)).toBe('')
    expect(dateFilter(undefined)).toBe('')
  })

  it('shows an instant as its date on UK clocks', () => {
    // 23:30 UTC on 1 June is 00:30 on 2 June in London (British Summer Time).
    expect(dateFilter(new Date('2026-06-01T23:30:00Z'))).toBe('2 June 2026')
    expect(dateFilter('2026-06-01T23:30:00Z')).toBe('2 June 2026')
    expect(dateFilter(new Date('2026-12-01T23:30:00Z'))).toBe('1 December 2026')
  })

  it('shows a date and time as "2 December 2026 at 9:05am" on UK clocks', () => {
    expect(dateTimeFilter(new Date('2026-12-02T09:05:00Z'))).toBe('2 December 2026 at 9:05am')
    expect(dateTimeFilter(new Date('2026-06-02T16:30:00Z'))).toBe('2 June 2026 at 5:30pm')
    expect(dateTimeFilter('2026-06-01T23:30:00Z')).toBe('2 June 2026 at 12:30am')
    expect(dateTimeFilter(new Date('2026-12-02T12:00:00Z'))).toBe('2 December 2026 at midday')
    expect(dateTimeFilter(new Date('2026-12-02T00:00:00Z'))).toBe('2 December 2026 at midnight')
    expect(dateTimeFilter(null)).toBe('')
  })
})
