import { describe, expect, it } from 'vitest'
import { BLANK, type RawCell } from '../annexA/rawCell'
import { agencyFromFileName, chronologyHeader } from './chronologyColumns'

const cells = (...texts: string[]): RawCell[] => texts.map((text) => (text ? { kind: 'text', text } : BLANK))

describe('chronologyHeader', () => {
  it.each([
    [['Date', 'Time', 'What happened', 'Recorded by', 'System', 'Significance', 'Action taken', 'Agency'], 2],
    [['Date of event', 'Event', 'Who recorded', 'Significance for the child', 'Organisation'], 1],
    [['EVENT DATE', 'details', 'recorded  by', 'Action taken'], 1],
    [['Event date', 'Description', 'System', 'Organization'], 1],
    [['Date/time', 'Details of event'], 1],
  ])('recognises the heading variants %j', (headings, description) => {
    const header = chronologyHeader(cells(...headings))
    expect(header).not.toBeNull()
    expect(header?.positions.get('date')).toBe(0)
    expect(header?.positions.get('description')).toBe(description)
    expect(header?.headings).toEqual(headings)
  })

  it('places every column it knows, whatever the order, and leaves other columns alone', () => {
    const header = chronologyHeader(
      cells(
        'Ref',
        'Agency',
        'Action taken',
        'Significance for the child',
        'System',
        'Recorded by',
        'Details',
        'Time',
        'Date',
      ),
    )
    expect(Object.fromEntries(header?.positions ?? [])).toEqual({
      agency: 1,
      actionTaken: 2,
      significance: 3,
      system: 4,
      recordedBy: 5,
      description: 6,
      time: 7,
      date: 8,
    })
  })

  it('is not a heading row without both a date and what happened (title rows, data rows)', () => {
    expect(chronologyHeader(cells('Chronology of significant events: Child A'))).toBeNull()
    expect(chronologyHeader(cells('Date', '', 'Recorded by'))).toBeNull()
    expect(chronologyHeader(cells('What happened', 'Recorded by'))).toBeNull()
    expect(chronologyHeader(cells('03/03/2026', 'Child seen at home'))).toBeNull()
    expect(chronologyHeader([])).toBeNull()
  })
})

describe('agencyFromFileName', () => {
  it.each([
    ['police.xlsx', 'police'],
    ['/tmp/returns/police.xlsx', 'police'],
    ['Health_visiting-chronology.csv', 'Health visiting'],
    ['Chronology - Children’s social care.xlsx', 'Children’s social care'],
    ['school  chronologies.v2.csv', 'school v2'],
    ['chronology.xlsx', 'chronology'],
    ['C:\\Users\\me\\ICB.xlsx', 'ICB'],
  ])('%s → %s', (name, agency) => {
    expect(agencyFromFileName(name)).toBe(agency)
  })
})
