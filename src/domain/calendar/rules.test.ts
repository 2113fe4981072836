import { describe, expect, it } from 'vitest'
import { bundledBankHolidays, easterSunday, ruleBankHolidays } from './rules'

// The England and Wales lists as published on gov.uk (https://www.gov.uk/bank-holidays), 2015–2026.
const GOV_UK_ENGLAND_AND_WALES: Record<number, string[]> = {
  2015: [
    '2015-01-01',
    '2015-04-03',
    '2015-04-06',
    '2015-05-04',
    '2015-05-25',
    '2015-08-31',
    '2015-12-25',
    '2015-12-28',
  ],
  2016: [
    '2016-01-01',
    '2016-03-25',
    '2016-03-28',
    '2016-05-02',
    '2016-05-30',
    '2016-08-29',
    '2016-12-26',
    '2016-12-27',
  ],
  2017: [
    '2017-01-02',
    '2017-04-14',
    '2017-04-17',
    '2017-05-01',
    '2017-05-29',
    '2017-08-28',
    '2017-12-25',
    '2017-12-26',
  ],
  2018: [
    '2018-01-01',
    '2018-03-30',
    '2018-04-02',
    '2018-05-07',
    '2018-05-28',
    '2018-08-27',
    '2018-12-25',
    '2018-12-26',
  ],
  2019: [
    '2019-01-01',
    '2019-04-19',
    '2019-04-22',
    '2019-05-06',
    '2019-05-27',
    '2019-08-26',
    '2019-12-25',
    '2019-12-26',
  ],
  2020: [
    '2020-01-01',
    '2020-04-10',
    '2020-04-13',
    '2020-05-08',
    '2020-05-25',
    '2020-08-31',
    '2020-12-25',
    '2020-12-28',
  ],
  2021: [
    '2021-01-01',
    '2021-04-02',
    '2021-04-05',
    '2021-05-03',
    '2021-05-31',
    '2021-08-30',
    '2021-12-27',
    '2021-12-28',
  ],
  2022: [
    '2022-01-03',
    '2022-04-15',
    '2022-04-18',
    '2022-05-02',
    '2022-06-02',
    '2022-06-03',
    '2022-08-29',
    '2022-09-19',
    '2022-12-26',
    '2022-12-27',
  ],
  2023: [
    '2023-01-02',
    '2023-04-07',
    '2023-04-10',
    '2023-05-01',
    '2023-05-08',
    '2023-05-29',
    '2023-08-28',
    '2023-12-25',
    '2023-12-26',
  ],
  2024: [
    '2024-01-01',
    '2024-03-29',
    '2024-04-01',
    '2024-05-06',
    '2024-05-27',
    '2024-08-26',
    '2024-12-25',
    '2024-12-26',
  ],
  2025: [
    '2025-01-01',
    '2025-04-18',
    '2025-04-21',
    '2025-05-05',
    '2025-05-26',
    '2025-08-25',
    '2025-12-25',
    '2025-12-26',
  ],
  2026: [
    '2026-01-01',
    '2026-04-03',
    '2026-04-06',
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28',
  ],
}

const dates = (year: number) => bundledBankHolidays(year).map((h) => h.date)
const titleOn = (date: string) => bundledBankHolidays(Number(date.slice(0, 4))).find((h) => h.date === date)?.title

describe('bundled England and Wales bank holidays', () => {
  for (const [year, expected] of Object.entries(GOV_UK_ENGLAND_AND_WALES)) {
    it(`matches gov.uk for ${year}`, () => {
      expect(dates(Number(year))).toEqual(expected)
    })
  }

  it('finds Easter Sunday for known years', () => {
    expect(easterSunday(2000)).toBe('2000-04-23')
    expect(easterSunday(2038)).toBe('2038-04-25')
    expect(easterSunday(2285)).toBe('2285-03-22')
  })

  it('moves weekend holidays to the next weekday that is not already a holiday', () => {
    expect(titleOn('2020-12-28')).toBe('Boxing Day (substitute day)')
    expect(titleOn('2021-12-27')).toBe('Christmas Day (substitute day)')
    expect(titleOn('2021-12-28')).toBe('Boxing Day (substitute day)')
    // Christmas on a Sunday: Boxing Day keeps the Monday, Christmas moves to Tuesday.
    expect(titleOn('2022-12-26')).toBe('Boxing Day')
    expect(titleOn('2022-12-27')).toBe('Christmas Day (substitute day)')
    expect(titleOn('2022-01-03')).toBe('New Year’s Day (substitute day)')
    expect(titleOn('2023-01-02')).toBe('New Year’s Day (substitute day)')
  })

  it('applies the one-off exceptions', () => {
    expect(dates(2011)).toContain('2011-04-29')
    expect(dates(2012)).toEqual(expect.arrayContaining(['2012-06-04', '2012-06-05']))
    expect(dates(2012)).not.toContain('2012-05-28')
    expect(dates(2020)).not.toContain('2020-05-04')
    expect(titleOn('2020-05-08')).toBe('Early May bank holiday (VE day)')
    expect(dates(2022)).not.toContain('2022-05-30')
    expect(titleOn('2022-09-19')).toMatch(/State Funeral/)
    expect(titleOn('2023-05-08')).toMatch(/coronation/)
  })

  it('covers years past the published list from the rules (2027: Christmas on a Saturday)', () => {
    expect(dates(2027)).toEqual([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27',
      '2027-12-28',
    ])
    expect(dates(2028)).toEqual([
      '2028-01-03',
      '2028-04-14',
      '2028-04-17',
      '2028-05-01',
      '2028-05-29',
      '2028-08-28',
      '2028-12-25',
      '2028-12-26',
    ])
  })

  it('uses only the rules where there is no exception', () => {
    expect(bundledBankHolidays(2030)).toEqual(ruleBankHolidays(2030))
    expect(ruleBankHolidays(2012).map((h) => h.date)).toContain('2012-05-28')
  })

  it('gives eight holidays, all on weekdays, for any year from the rules', () => {
    for (let year = 1990; year <= 2100; year += 1) {
      const holidays = ruleBankHolidays(year)
      expect(holidays).toHaveLength(8)
      expect(new Set(holidays.map((h) => h.date)).size).toBe(8)
      for (const h of holidays) {
        const dow = new Date(`${h.date}T00:00:00Z`).getUTCDay()
        expect(dow === 0 || dow === 6).toBe(false)
      }
    }
  })
})
