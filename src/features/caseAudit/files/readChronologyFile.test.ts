import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { ChronologyFileRefusal, readAndMergeChronologies } from './readChronologyFile'

const TODAY = '2026-03-10'

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'chronology-test-'))
}

/** Writes a workbook whose sheets are given as rows of cell values; answers its path. */
async function writeXlsx(
  dir: string,
  name: string,
  sheets: Record<string, unknown[][]>,
  formats: Record<number, string> = {},
): Promise<string> {
  const workbook = new ExcelJS.Workbook()
  for (const [sheetName, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(sheetName)
    for (const row of rows) sheet.addRow(row)
    for (const [col, numFmt] of Object.entries(formats)) sheet.getColumn(Number(col)).numFmt = numFmt
  }
  const path = join(dir, name)
  await workbook.xlsx.writeFile(path)
  return path
}

async function writeText(dir: string, name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

const utc = (iso: string): Date => new Date(`${iso}Z`)

async function merge(...paths: string[]) {
  return readAndMergeChronologies(
    paths.map((path) => ({ path, name: path.split('/').pop() ?? path })),
    TODAY,
  )
}

async function refusal(...paths: string[]): Promise<string> {
  try {
    await merge(...paths)
  } catch (error) {
    if (error instanceof ChronologyFileRefusal) return error.message
    throw error
  }
  throw new Error('not refused')
}

describe('reading chronology workbooks', () => {
  it('finds the heading row below title rows and reads Excel dates, date-times and times', async () => {
    const dir = await tempDir()
    const path = await writeXlsx(
      dir,
      'Police chronology.xlsx',
      {
        Chronology: [
          ['Chronology of significant events'],
          ['Child A, Police'],
          [],
          [
            'Date of event',
            'Time',
            'What happened',
            'Recorded by',
            'System',
            'Significance for the child',
            'Action taken',
          ],
          [
            utc('2026-03-03T00:00:00'),
            utc('1899-12-30T14:05:00'),
            'Child seen at home',
            'PC Smith',
            'Niche',
            'Seen safe',
            'None',
          ],
          [utc('2026-03-02T09:15:00'), null, 'Referral received', 'PC Jones', 'Niche', null, 'Strategy discussion'],
          [],
          ['3 March 2026', null, 'Strategy discussion', null, null, null, null],
        ],
      },
      { 1: 'dd/mm/yyyy hh:mm', 2: 'hh:mm' },
    )
    const { entries, problems } = await merge(path)
    expect(problems).toEqual([])
    expect(entries.map((e) => [e.date, e.time, e.agency, e.description, e.row])).toEqual([
      ['2026-03-02', '09:15', 'Police', 'Referral received', 6],
      ['2026-03-03', '14:05', 'Police', 'Child seen at home', 5],
      ['2026-03-03', null, 'Police', 'Strategy discussion', 8],
    ])
    expect(entries[1]).toMatchObject({
      recordedBy: 'PC Smith',
      system: 'Niche',
      significance: 'Seen safe',
      actionTaken: 'None',
      file: 'Police chronology.xlsx',
    })
  })

  it('reads the first sheet with a heading row, whatever sheets come before it', async () => {
    const dir = await tempDir()
    const path = await writeXlsx(dir, 'csc.xlsx', {
      Guidance: [['How to fill in this chronology'], ['Use one row per event']],
      Events: [
        ['Event date', 'Details', 'Organisation'],
        ['04/03/2026', 'Visit', 'Children’s social care'],
      ],
      Later: [
        ['Date', 'What happened'],
        ['05/03/2026', 'Not read'],
      ],
    })
    const { entries } = await merge(path)
    expect(entries.map((e) => [e.date, e.agency, e.description])).toEqual([
      ['2026-03-04', 'Children’s social care', 'Visit'],
    ])
  })

  it('lists every row it cannot read by spreadsheet row, column and reason, and keeps them out of the entries', async () => {
    const dir = await tempDir()
    const path = await writeXlsx(dir, 'health.xlsx', {
      Sheet1: [
        ['Health visiting: chronology'],
        ['Date', 'Time', 'Description'],
        ['31/02/2026', null, 'Visit'],
        [null, null, 'Phone call'],
        ['01/03/2026', '25:00', 'Clinic'],
        ['01/03/2026', null, null],
        [{ error: '#N/A' }, null, 'Letter'],
        ['02/03/2026', null, 'Read'],
      ],
    })
    const { entries, problems } = await merge(path)
    expect(entries.map((e) => e.row)).toEqual([8])
    expect(problems).toEqual([
      { file: 'health.xlsx', row: 3, column: 'Date', message: "'31/02/2026' is not a real date" },
      { file: 'health.xlsx', row: 4, column: 'Date', message: 'there is no date' },
      { file: 'health.xlsx', row: 5, column: 'Time', message: "'25:00' is not a time of day (write it as 14:05)" },
      { file: 'health.xlsx', row: 6, column: 'Description', message: 'there is no description of what happened' },
      { file: 'health.xlsx', row: 7, column: 'Date', message: '#N/A is an Excel error, not a date' },
    ])
  })
})

describe('reading chronology CSV files', () => {
  it('reads title rows, heading variants and every date form, in UTF-8, Windows-1252 and with semicolons', async () => {
    const dir = await tempDir()
    const good = await writeText(
      dir,
      'school_chronology.csv',
      [
        'St Mary’s School chronology,,',
        ',,',
        'Event date,Event,Who recorded',
        '03/03/2026,Attended,Head',
        '4/3/26,"Absent, parent called",Office',
        '2026-03-05,Attended,Head',
        '6 March 2026,Exclusion meeting,Head',
        '07/03/2026 14:30,Meeting with mother,DSL',
        '46089,Serial date,Office',
      ].join('\r\n'),
    )
    const cp1252 = await writeText(
      dir,
      'gp.csv',
      Buffer.from('Date;What happened\r\n03/03/2026;Seen by GP \u0096 £10 prescription\r\n', 'latin1'),
    )
    const { entries, problems } = await merge(good, cp1252)
    expect(problems).toEqual([])
    expect(entries.map((e) => [e.date, e.time, e.agency, e.description, e.file, e.row])).toEqual([
      ['2026-03-03', null, 'school', 'Attended', 'school_chronology.csv', 4],
      ['2026-03-03', null, 'gp', 'Seen by GP – £10 prescription', 'gp.csv', 2],
      ['2026-03-04', null, 'school', 'Absent, parent called', 'school_chronology.csv', 5],
      ['2026-03-05', null, 'school', 'Attended', 'school_chronology.csv', 6],
      ['2026-03-06', null, 'school', 'Exclusion meeting', 'school_chronology.csv', 7],
      ['2026-03-07', '14:30', 'school', 'Meeting with mother', 'school_chronology.csv', 8],
      ['2026-03-08', null, 'school', 'Serial date', 'school_chronology.csv', 9],
    ])
  })

  it('merges files in date order, then time, then the order given, and flags possible duplicates across agencies', async () => {
    const dir = await tempDir()
    const police = await writeText(
      dir,
      'police.csv',
      'Date,Time,What happened\n03/03/2026,,Strategy discussion held\n03/03/2026,10:00,Child seen at home by officers\n',
    )
    const csc = await writeText(
      dir,
      'csc.csv',
      'Date,Time,Details\n03/03/2026,,Strategy discussion held with police\n03/03/2026,10:00,Officers saw the child at home\n02/03/2026,,Referral\n',
    )
    const { entries } = await merge(police, csc)
    expect(entries.map((e) => `${e.date} ${e.time ?? '-'} ${e.file} ${e.row}`)).toEqual([
      '2026-03-02 - csc.csv 4',
      '2026-03-03 10:00 police.csv 3',
      '2026-03-03 10:00 csc.csv 3',
      '2026-03-03 - police.csv 2',
      '2026-03-03 - csc.csv 2',
    ])
    expect(entries.map((e) => e.possibleDuplicates)).toEqual([[], [2], [1], [4], [3]])
  })
})

describe('files that cannot be read at all', () => {
  it('refuses a missing file, a folder, an empty file, a PDF, an .xls and a file without headings, in one sentence', async () => {
    const dir = await tempDir()
    await mkdir(join(dir, 'folder.xlsx'))
    const cases: Array<[string, string]> = [
      [join(dir, 'missing.csv'), 'missing.csv cannot be read: there is no such file: check the path.'],
      [join(dir, 'folder.xlsx'), 'folder.xlsx cannot be read: it is a folder, not a file.'],
      [await writeText(dir, 'empty.csv', ''), 'empty.csv cannot be read: the file is empty'],
      [await writeText(dir, 'report.pdf', '%PDF-1.7\n…'), 'report.pdf cannot be read: it is not a spreadsheet'],
      [
        await writeText(dir, 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])),
        'old.xls cannot be read: it is an old-style Excel 97–2003 (.xls) file',
      ],
      [
        await writeText(dir, 'notes.csv', 'Name,Address\nA,B\n'),
        'notes.csv cannot be read: no heading row with a date and what happened',
      ],
      [await writeXlsx(dir, 'blank.xlsx', { Sheet1: [['Just a title']] }), 'blank.xlsx cannot be read: no heading row'],
    ]
    for (const [path, start] of cases) {
      const message = await refusal(path)
      expect(message.startsWith(start), message).toBe(true)
      expect(message).not.toContain('\n')
    }
  })

  it('refuses the whole merge when one of the files cannot be read', async () => {
    const dir = await tempDir()
    const good = await writeText(dir, 'police.csv', 'Date,What happened\n03/03/2026,Seen\n')
    expect(await refusal(good, join(dir, 'gone.xlsx'))).toContain('gone.xlsx cannot be read')
  })
})
