import { describe, expect, it } from 'vitest'
import { BLANK, type RawCell } from '../annexA/rawCell'
import { chronologyHeader } from './chronologyColumns'
import { readChronologyRow, type RowContext } from './chronologyRow'

const text = (t: string): RawCell => (t ? { kind: 'text', text: t } : BLANK)

function context(...headings: string[]): RowContext {
  const header = chronologyHeader(headings.map(text))
  if (!header) throw new Error('not a heading row')
  return { header, file: 'police.xlsx', fileIndex: 0, agencyFromName: 'police', date1904: false, pivotYear: 26 }
}

const DATE_WHAT = context('Date', 'What happened')
const DATE_TIME_WHAT = context('Date of event', 'Time', 'Details', 'Agency')

function entryOf(cells: RawCell[], ctx = DATE_WHAT) {
  const read = readChronologyRow({ row: 5, cells }, ctx)
  if (!read || !('entry' in read)) throw new Error(`not read: ${JSON.stringify(read)}`)
  return read.entry
}

function problemsOf(cells: RawCell[], ctx = DATE_WHAT) {
  const read = readChronologyRow({ row: 7, cells }, ctx)
  if (!read || !('problems' in read)) throw new Error(`read: ${JSON.stringify(read)}`)
  return read.problems
}

describe('readChronologyRow: dates', () => {
  it.each([
    ['03/03/2026', '2026-03-03', null],
    ['3/3/26', '2026-03-03', null],
    ['3.3.2026', '2026-03-03', null],
    ['2026-03-03', '2026-03-03', null],
    ['3 March 2026', '2026-03-03', null],
    ['3rd Mar 2026', '2026-03-03', null],
    ['03/03/2026 14:05', '2026-03-03', '14:05'],
    ['3/3/26 9:30', '2026-03-03', '09:30'],
    ['2026-03-03T14:05:00Z', '2026-03-03', '14:05'],
    ['2026-03-03 14:05', '2026-03-03', '14:05'],
    ['3 March 2026 2.05pm', '2026-03-03', '14:05'],
    ['3 March 2026, 14:05', '2026-03-03', '14:05'],
    ['3 March 2026 at 12am', '2026-03-03', '00:00'],
    ['46084', '2026-03-03', null],
  ])('reads %s as %s at %s', (written, date, time) => {
    const e = entryOf([text(written), text('Child seen')])
    expect([e.date, e.time]).toEqual([date, time])
  })

  it('reads Excel date cells, with their time of day, and Excel serial numbers', () => {
    expect(entryOf([{ kind: 'date', iso: '2026-03-03' }, text('x')])).toMatchObject({ date: '2026-03-03', time: null })
    expect(entryOf([{ kind: 'date', iso: '2026-03-03', time: '16:45' }, text('x')])).toMatchObject({
      date: '2026-03-03',
      time: '16:45',
    })
    expect(entryOf([{ kind: 'number', value: 46084 }, text('x')])).toMatchObject({ date: '2026-03-03', time: null })
  })

  it('takes the Time column over a time in the date cell, in any of its forms', () => {
    const at = (cell: RawCell) =>
      entryOf([{ kind: 'date', iso: '2026-03-03', time: '08:00' }, cell, text('x')], DATE_TIME_WHAT).time
    expect(at(text('14:05'))).toBe('14:05')
    expect(at(text('9.30'))).toBe('09:30')
    expect(at(text('2pm'))).toBe('14:00')
    expect(at(text('12:15 am'))).toBe('00:15')
    expect(at(text('14:05:59'))).toBe('14:05')
    expect(at({ kind: 'date', iso: '1899-12-30', time: '10:20' })).toBe('10:20')
    expect(at({ kind: 'number', value: 0.5 })).toBe('12:00')
    expect(at(BLANK)).toBe('08:00')
  })

  it.each([
    ['31/02/2026', "'31/02/2026' is not a real date"],
    ['29/02/2025', "'29/02/2025' is not a real date"],
    ['13/13/2026', "'13/13/2026' is not a real date"],
    ['next Tuesday', "'next Tuesday' is not a date we can read (write it as dd/mm/yyyy, for example 03/03/2026)"],
    ['03/03/2226', "'03/03/2226' is outside the years 1900–2100"],
  ])('a Date of %s is a problem: %s', (written, message) => {
    expect(problemsOf([text(written), text('Child seen')])).toEqual([
      { file: 'police.xlsx', row: 7, column: 'Date', message },
    ])
  })

  it('names each column that stops the row being read, with the heading as the file writes it', () => {
    expect(problemsOf([BLANK, text('25:00'), BLANK, text('Police')], DATE_TIME_WHAT)).toEqual([
      { file: 'police.xlsx', row: 7, column: 'Date of event', message: 'there is no date' },
      { file: 'police.xlsx', row: 7, column: 'Time', message: "'25:00' is not a time of day (write it as 14:05)" },
      { file: 'police.xlsx', row: 7, column: 'Details', message: 'there is no description of what happened' },
    ])
    expect(problemsOf([{ kind: 'error', text: '#N/A' }, text('x')])[0]?.message).toBe(
      '#N/A is an Excel error, not a date',
    )
    expect(problemsOf([text('03/03/2026'), text('x'), { kind: 'number', value: 3 }], DATE_TIME_WHAT)).toHaveLength(1)
  })
})

describe('readChronologyRow: the rest of the row', () => {
  it('skips a blank row', () => {
    expect(readChronologyRow({ row: 9, cells: [BLANK, text(' '), BLANK] }, DATE_WHAT)).toBeNull()
    expect(readChronologyRow({ row: 9, cells: [] }, DATE_WHAT)).toBeNull()
  })

  it('reads every column, the agency from its column or else the file name', () => {
    const ctx = context(
      'Date',
      'Time',
      'What happened',
      'Recorded by',
      'System',
      'Significance',
      'Action taken',
      'Agency',
    )
    const row = ['03/03/2026', '14:05', ' Child seen at home ', 'PC Smith', 'Niche', 'Seen safe', 'Referral', 'Police']
    expect(entryOf(row.map(text), ctx)).toEqual({
      date: '2026-03-03',
      time: '14:05',
      agency: 'Police',
      description: 'Child seen at home',
      recordedBy: 'PC Smith',
      system: 'Niche',
      significance: 'Seen safe',
      actionTaken: 'Referral',
      file: 'police.xlsx',
      fileIndex: 0,
      row: 5,
    })
    expect(entryOf([...row.slice(0, 7).map(text), BLANK], ctx).agency).toBe('police')
  })
})
