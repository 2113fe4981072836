import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { writeTempCsv } from '../../../../test/support/annexA'
import { MAX_LIST_ROWS, readInspectorsList } from './listFile'

const TODAY = '2026-03-10'

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook()
  build(wb)
  const dir = await mkdtemp(join(tmpdir(), 'case-list-test-'))
  const path = join(dir, 'list.xlsx')
  await wb.xlsx.writeFile(path)
  return path
}

describe('reading the inspectors’ list', () => {
  it('reads a CSV with heading variants, split names, several date formats and other columns kept', async () => {
    const path = await writeTempCsv('inspectors.csv', [
      ['Child Unique ID', 'Forename', 'Surname', 'D.O.B.', 'NHS No', 'Home address', 'Social worker'],
      ['C100', 'Amy', 'Stone', '14/05/2012', '943 476 5919', '1 High Street, Town', 'J Smith'],
      ['C101', 'Ben', 'Hall', '2013-01-02', '', '', ''],
      ['C102', 'Cara', 'Iles', '3 Apr 2011', '', '', 'K Jones'],
      ['C103', 'Dan', 'Jay', '04/25/2010', '', '', ''],
      ['C104', 'Eve', 'King', '', '', '', ''],
      ['', '', '', '', '', '', ''],
      ['C105', 'Fay', 'Lee', '5/6/09', '', '', ''],
    ])
    const list = await readInspectorsList(path, 'inspectors.csv', TODAY)
    expect(list.refusal).toBeNull()
    expect(list.headerRow).toBe(1)
    expect(list.recognised).toEqual(
      expect.arrayContaining(['Child ID', 'Date of birth', 'First name', 'Last name', 'NHS number', 'Address']),
    )
    expect(list.unreadable).toEqual([])
    expect(list.rows.map((r) => [r.row, r.childRef, r.name, r.dateOfBirth])).toEqual([
      [2, 'C100', 'Amy Stone', '2012-05-14'],
      [3, 'C101', 'Ben Hall', '2013-01-02'],
      [4, 'C102', 'Cara Iles', '2011-04-03'],
      [5, 'C103', 'Dan Jay', '2010-04-25'],
      [6, 'C104', 'Eve King', null],
      [8, 'C105', 'Fay Lee', '2009-06-05'],
    ])
    expect(list.rows[0]).toMatchObject({
      nhsNumber: '943 476 5919',
      address: '1 High Street, Town',
      other: { 'Social worker': 'J Smith' },
    })
    expect(list.rows[3]!.notes).toEqual(['The date of birth 04/25/2010 was read month first, as 25 April 2010'])
    expect(list.rows[5]!.notes[0]).toMatch(/two-digit year/)
  })

  it('lists the rows that cannot be read, each with its row number, and keeps the rest', async () => {
    const path = await writeTempCsv('list.csv', [
      ['Child ID', 'Name', 'Date of birth'],
      ['C1', 'Amy Stone', '31/02/2012'],
      ['', 'No Id', '01/01/2012'],
      ['C3', 'Cy Dee', 'next Tuesday'],
      ['C4', 'Di Eve', '01/01/2012'],
      ['X'.repeat(51), 'Long Id', '01/01/2012'],
    ])
    const list = await readInspectorsList(path, 'list.csv', TODAY)
    expect(list.rows.map((r) => r.childRef)).toEqual(['C4'])
    expect(list.unreadable).toEqual([
      { row: 2, message: 'Row 2: the date of birth "31/02/2012" is not a real calendar date' },
      { row: 3, message: 'Row 3: there is no child ID' },
      { row: 4, message: 'Row 4: the date of birth "next Tuesday" is not a date we can read' },
      { row: 6, message: 'Row 6: the child ID is longer than 50 characters' },
    ])
  })

  it('reads a workbook below title rows, with real date cells, from the first sheet that has the list', async () => {
    const path = await xlsx((wb) => {
      wb.addWorksheet('Notes').addRow(['Selected by the lead inspector'])
      const ws = wb.addWorksheet('Selection')
      ws.addRow(['JTAI: children selected for tracking'])
      ws.addRow([])
      ws.addRow(['LA child ID', 'Child name', 'Date of Birth', 'Address'])
      ws.addRow([20001, 'Gus Moe', new Date(Date.UTC(2014, 6, 9)), '2 Low Road'])
      ws.addRow(['20002', 'Hal Noe', 41000, ''])
    })
    const list = await readInspectorsList(path, 'list.xlsx', TODAY)
    expect(list.refusal).toBeNull()
    expect(list).toMatchObject({ sheet: 'Selection', headerRow: 3 })
    expect(list.rows.map((r) => [r.row, r.childRef, r.name, r.dateOfBirth, r.address])).toEqual([
      [4, '20001', 'Gus Moe', '2014-07-09', '2 Low Road'],
      [5, '20002', 'Hal Noe', '2012-04-01', null],
    ])
  })

  it('refuses a file with no child ID heading, an empty file, a PDF and a file far too long, saying why', async () => {
    const noHeading = await writeTempCsv('x.csv', [
      ['Name', 'Date of birth'],
      ['Amy Stone', '01/01/2012'],
    ])
    expect((await readInspectorsList(noHeading, 'x.csv', TODAY)).refusal).toMatch(
      /No row of column headings with a child ID/,
    )

    const dir = await mkdtemp(join(tmpdir(), 'case-list-test-'))
    await writeFile(join(dir, 'empty.csv'), '')
    expect((await readInspectorsList(join(dir, 'empty.csv'), 'empty.csv', TODAY)).refusal).toBe(
      'The file is empty: save the inspectors’ list again and upload it.',
    )
    await writeFile(join(dir, 'list.pdf'), '%PDF-1.7\n%%EOF\n')
    expect((await readInspectorsList(join(dir, 'list.pdf'), 'list.pdf', TODAY)).refusal).toMatch(
      /must be an Excel workbook/,
    )

    const long = await writeTempCsv('long.csv', [
      ['Child ID', 'Name', 'Date of birth'],
      ...Array.from({ length: MAX_LIST_ROWS + 1 }, (_, i) => [`C${i}`, 'A B', '01/01/2012']),
    ])
    const tooLong = await readInspectorsList(long, 'long.csv', TODAY)
    expect(tooLong.refusal).toMatch(/more than 500 rows/)
    expect(tooLong.rows).toEqual([])
  })
})
