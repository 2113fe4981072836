import { describe, expect, it } from 'vitest'
import { parseGovUkBankHolidays } from './govukBankHolidays'

const sample = {
  'england-and-wales': {
    division: 'england-and-wales',
    events: [
      { title: 'Christmas Day', date: '2027-12-27', notes: 'Substitute day', bunting: true },
      { title: 'New Year’s Day', date: '2027-01-01', notes: '', bunting: true },
    ],
  },
  scotland: {
    division: 'scotland',
    events: [{ title: 'St Andrew’s Day', date: '2027-11-30', notes: '', bunting: true }],
  },
  'northern-ireland': { division: 'northern-ireland', events: [] },
}

describe('parseGovUkBankHolidays', () => {
  it('takes the England and Wales events in date order, ignoring other divisions', () => {
    expect(parseGovUkBankHolidays(JSON.stringify(sample))).toEqual({
      ok: true,
      holidays: [
        { date: '2027-01-01', title: 'New Year’s Day' },
        { date: '2027-12-27', title: 'Christmas Day' },
      ],
    })
  })

  it('accepts already-parsed JSON', () => {
    expect(parseGovUkBankHolidays(sample).ok).toBe(true)
  })

  it('explains what is wrong in plain words', () => {
    expect(parseGovUkBankHolidays('{nope')).toEqual({ ok: false, problems: [expect.stringMatching(/not valid JSON/)] })
    expect(parseGovUkBankHolidays('[]')).toEqual({ ok: false, problems: [expect.stringMatching(/JSON object/)] })
    expect(parseGovUkBankHolidays({ scotland: sample.scotland })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/no "england-and-wales" section/)],
    })
    const bad = parseGovUkBankHolidays({
      'england-and-wales': {
        division: 'england-and-wales',
        events: [{ title: 'X', date: '2027-02-30' }, { date: '2027-01-01' }],
      },
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.problems).toContain('england-and-wales.events[0].date: is not a real date in the form YYYY-MM-DD')
      expect(bad.problems.some((p) => p.startsWith('england-and-wales.events[1].title: should be text'))).toBe(true)
    }
  })

  it('refuses a title longer than any bank holiday’s name', () => {
    const long = parseGovUkBankHolidays({
      'england-and-wales': { division: 'england-and-wales', events: [{ title: 'x'.repeat(5000), date: '2027-01-01' }] },
    })
    expect(long).toEqual({ ok: false, problems: [expect.stringMatching(/^england-and-wales\.events\[0\]\.title: /)] })
  })

  it('rejects duplicate dates and empty lists', () => {
    const dup = parseGovUkBankHolidays({
      'england-and-wales': {
        events: [
          { title: 'A', date: '2027-01-01' },
          { title: 'B', date: '2027-01-01' },
        ],
      },
    })
    expect(dup).toEqual({ ok: false, problems: ['2027-01-01 is listed twice ("A" and "B").'] })
    expect(parseGovUkBankHolidays({ 'england-and-wales': { events: [] } }).ok).toBe(false)
  })
})
