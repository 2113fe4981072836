import { mkdir, mkdtemp, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { unzipToMap, zipFromMap } from '../../../../test/support/zip'
import { malformedMessage } from './readCsvFile'
import { ilacsLibrary } from './specCache'
import { writeTempCsv } from '../../../../test/support/annexA'
import { validateAnnexAFile } from './validateAnnexAFile'

const NOTIFIED = '2024-04-01'
const L3 = [
  'Child Unique ID',
  'Gender',
  'Ethnicity',
  'Date of Birth',
  'Age of Child (Years)',
  'Date of referral',
  'Referral Source',
  'Referral NFA?',
  'Number of Referrals in Last 12 Months',
  'Allocated Team',
  'Allocated Worker',
]
const L3_ROW = ['C1', 'a) Male', 'a) WBRI', '13/02/2015', '9', '10/03/2024', 'q) 6: Police', 'b) No', '0', 'Duty', 'Jo']

type Result = Awaited<ReturnType<typeof validateAnnexAFile>>
const withRule = (r: Result, rule: string) => r.problems.filter((p) => p.rule === rule)

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'annex-a-rules-'))
}

/** A CSV for a list with every column of the spec, filled from `values` (by column label); other cells blank. */
function fullListRows(listNumber: number, rows: Array<Record<string, string>>): string[][] {
  const list = ilacsLibrary('ilacs-2023').lists.find((l) => l.number === listNumber)!
  const headers = list.columns.map((c) => c.label)
  return [headers, ...rows.map((values) => headers.map((h) => values[h] ?? ''))]
}

async function workbook(name: string, sheets: Record<string, unknown[][]>): Promise<string> {
  const wb = new ExcelJS.Workbook()
  for (const [sheet, rows] of Object.entries(sheets)) wb.addWorksheet(sheet).addRows(rows)
  const path = join(await tempDir(), name)
  await wb.xlsx.writeFile(path)
  return path
}

describe('malformed CSV', () => {
  it('names the spreadsheet row where an unclosed quotation mark starts', async () => {
    const rows = `${L3.join(',')}\r\n${L3_ROW.join(',')}\r\nC2,"a) Male,a) WBRI,13/02/2015\r\n${L3_ROW.join(',')}\r\n${L3_ROW.join(',')}\r\n`
    const path = join(await tempDir(), 'List 3.csv')
    await writeFile(path, rows)
    const r = await validateAnnexAFile(path, { notified: NOTIFIED })
    expect(r.readable).toBe(false)
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({ rule: 'csv.malformed' })
    expect(r.problems[0]?.message).toContain('from row 3')
    expect(r.problems[0]?.message).toContain('quotation mark')
    expect(r.problems[0]?.message).not.toContain('row 0')
  })
  it('falls back to the rows already read when the parser gives no count', () => {
    expect(malformedMessage(new Error('odd'), 7)).toContain('from row 8')
    expect(malformedMessage({ code: 'CSV_QUOTE_NOT_CLOSED', records: 1 }, 0)).toContain('from row 2')
  })
})

describe('file-level refusals', () => {
  it('file.too-large: a CSV over 300 MB is refused before it is read', async () => {
    const dir = await tempDir()
    const path = join(dir, 'List 3.csv')
    // Text first (so it is sniffed as a CSV), then a sparse tail: no disk space is used.
    await writeFile(path, `${L3.join(',')}\n${`${L3_ROW.join(',')}\n`.repeat(400)}`)
    await truncate(path, 301 * 1024 * 1024)
    const r = await validateAnnexAFile(path, { notified: NOTIFIED })
    expect(r.readable).toBe(false)
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'file.too-large', severity: 'error' })])
    expect(r.problems[0]?.message).toContain('larger than 300 MB')
  })
  it('file.unreadable: a path that cannot be opened or read gives one sentence, not an internal error', async () => {
    const dir = await tempDir()
    const folder = join(dir, 'annex.xlsx')
    await mkdir(folder)
    for (const path of [folder, join(dir, 'gone.csv')]) {
      const r = await validateAnnexAFile(path, { notified: NOTIFIED })
      expect(r.readable).toBe(false)
      expect(r.problems).toEqual([expect.objectContaining({ rule: 'file.unreadable', severity: 'error' })])
      expect(r.problems[0]?.message).toContain('could not be opened or read')
    }
  })
  it('zip.too-large: a workbook that would expand past the limit is refused before inflating it', async () => {
    const path = await workbook('big.xlsx', { 'List 3': [L3, L3_ROW] })
    const r = await validateAnnexAFile(path, { notified: NOTIFIED, zipLimits: { maxUncompressedBytes: 2_000 } })
    expect(r.readable).toBe(false)
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'zip.too-large' })])
    expect(r.problems[0]?.message).toContain('would expand to more than')
  })
  it('zip.encrypted: entries flagged as encrypted are refused', async () => {
    const path = await workbook('locked.xlsx', { 'List 3': [L3, L3_ROW] })
    const { readFile } = await import('node:fs/promises')
    const buf = await readFile(path)
    // Set the "encrypted" bit in every central directory header (signature PK\x01\x02, flags at offset 8).
    for (
      let i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      i !== -1;
      i = buf.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 4)
    )
      buf[i + 8] = (buf[i + 8] ?? 0) | 0x01
    const locked = join(await tempDir(), 'locked.xlsx')
    await writeFile(locked, buf)
    const r = await validateAnnexAFile(locked, { notified: NOTIFIED })
    expect(r.readable).toBe(false)
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'zip.encrypted' })])
    expect(r.problems[0]?.message).toContain('encrypted')
  })
  it('xlsx.unreadable: a worksheet whose XML is broken', async () => {
    const path = await workbook('ok.xlsx', { 'List 3': [L3, L3_ROW] })
    const entries = await unzipToMap(path)
    const sheet = [...entries.keys()].find((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k))!
    entries.set(
      sheet,
      Buffer.from(
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Child Unique ID</t></is></c></row><row r="2"><c r="A2"<<<>>></sheetData>',
      ),
    )
    const broken = join(await tempDir(), 'broken.xlsx')
    await zipFromMap(entries, broken)
    const r = await validateAnnexAFile(broken, { notified: NOTIFIED })
    expect(r.readable).toBe(false)
    expect(r.problems).toEqual([expect.objectContaining({ rule: 'xlsx.unreadable' })])
    expect(r.problems[0]?.message).toContain('could not be read')
  })
})

describe('rules by id', () => {
  it('header.missing-optional: an optional column left out is a query on the header row', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 3.csv', [
        L3.filter((h) => h !== 'Age of Child (Years)'),
        L3_ROW.filter((_, i) => i !== 4),
      ]),
      { notified: NOTIFIED },
    )
    expect(r.problems).toEqual([
      expect.objectContaining({
        rule: 'header.missing-optional',
        severity: 'query',
        list: 'List 3',
        row: 1,
        column: 'Age of Child (Years)',
      }),
    ])
    expect(r.problems[0]?.message).toContain('optional column "Age of Child (Years)" is missing')
  })
  it('cell.date-month-first: a date only readable month first is read that way and queried', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 3.csv', [L3, L3_ROW.map((v, i) => (i === 5 ? '03/25/2024' : v))]),
      { notified: NOTIFIED },
    )
    const [p] = withRule(r, 'cell.date-month-first')
    expect(p).toMatchObject({ severity: 'query', row: 2, column: 'Date of referral', value: '03/25/2024' })
    expect(p?.message).toContain('we read it as 25 March 2024')
    expect(r.rows[0]?.values.date_of_referral).toBe('2024-03-25')
  })
  it('date.order: an end date before its start date', async () => {
    const rows = fullListRows(6, [
      {
        'Child Unique ID': 'C1',
        Gender: 'a) Male',
        Ethnicity: 'a) WBRI',
        'Does the Child have a Disability': 'b) No',
        'CIN Start Date': '01/03/2024',
        'CIN Closure Date': '15/02/2024',
        'Primary Need Code': 'N1',
        'Case Status': 'e) Closed episode',
        'Allocated Team': 'T',
        'Allocated Worker': 'W',
      },
    ])
    const r = await validateAnnexAFile(await writeTempCsv('List 6.csv', rows), { notified: NOTIFIED })
    const [p] = withRule(r, 'date.order')
    expect(p).toMatchObject({ severity: 'error', row: 2, column: 'CIN Closure Date', value: '15/02/2024' })
    expect(p?.message).toContain('is before CIN Start Date (1 March 2024)')
  })
  it('child.inconsistent-sex across two lists in one workbook names the other list and row', async () => {
    const L6 = ['Child Unique ID', 'Gender', 'Ethnicity', 'Primary Need Code', 'Case Status']
    const path = await workbook('two.xlsx', {
      'List 3': [L3, L3_ROW],
      'List 6': [L6, ['C1', 'b) Female', 'a) WBRI', 'N1', 'c) Child in need plan']],
    })
    const r = await validateAnnexAFile(path, { notified: NOTIFIED })
    const sex = withRule(r, 'child.inconsistent-sex')
    expect(sex).toHaveLength(1)
    expect(sex[0]).toMatchObject({ list: 'List 6', row: 2, column: 'Gender', value: 'b) Female', severity: 'query' })
    expect(sex[0]?.message).toContain('recorded as Female here but Male in List 3 row 2')
  })
})

describe('list periods', () => {
  const l10 = (adoptionOrder: string) => ({
    'Child Unique ID': 'C1',
    Gender: 'a) Male',
    Ethnicity: 'a) WBRI',
    'Does the Child have a Disability': 'b) No',
    'Date the Child Entered Care': '01/01/2022',
    'Date of Decision that Child Should be Placed for Adoption': '01/02/2022',
    'Date Placed for Adoption': '01/03/2022',
    'Date of Adoption Order': adoptionOrder,
  })
  it('List 10: a closed row 13 months old is outside its 12-month period; 11 months old is inside', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 10.csv', fullListRows(10, [l10('01/03/2023'), l10('01/05/2023')])),
      { notified: NOTIFIED },
    )
    const outside = withRule(r, 'period.outside')
    expect(outside.map((p) => p.row)).toEqual([2])
    expect(outside[0]?.message).toContain('before 1 April 2023, the start of the 12-month period for List 10')
  })
  const l11 = (left: string) => ({
    'Individual adopter identifier': 'A1',
    Gender: 'a) Male',
    Ethnicity: 'a) WBRI',
    Disability: 'b) No',
    'Is the (prospective) adopter fostering for adoption?': 'b) No',
    'Date enquiry received': '01/01/2023',
    'Date of leaving adoption process': left,
  })
  it('List 11 uses a 12-month period too, and an open row (no end date) is always in scope', async () => {
    expect(ilacsLibrary('ilacs-2023').lists.find((l) => l.number === 11)?.period?.months).toBe(12)
    const r = await validateAnnexAFile(
      await writeTempCsv('List 11.csv', fullListRows(11, [l11('01/03/2023'), l11('01/05/2023'), l11('')])),
      { notified: NOTIFIED },
    )
    const outside = withRule(r, 'period.outside')
    expect(outside.map((p) => p.row)).toEqual([2])
    expect(outside[0]?.message).toContain('12-month period for List 11')
  })
})

describe('dates whose day and month could be either way round', () => {
  const referral = (date: string, dob = '') => L3_ROW.map((v, i) => (i === 5 ? date : i === 3 ? dob : i === 4 ? '' : v))
  it('queries a date when nothing in the column or the list settles the order, saying both readings', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 3.csv', [L3, referral('03/02/2024'), referral('05/03/2024')]),
      { notified: NOTIFIED },
    )
    const amb = withRule(r, 'cell.date-ambiguous')
    expect(amb.map((p) => [p.row, p.column, p.value, p.severity])).toEqual([
      [2, 'Date of referral', '03/02/2024', 'query'],
      [3, 'Date of referral', '05/03/2024', 'query'],
    ])
    expect(amb[0]?.message).toContain('no date in this list settles which')
    expect(amb[0]?.message).toContain('we read it day first, as 3 February 2024')
    expect(amb[0]?.message).toContain('if it is really 2 March 2024')
    expect(r.rows[0]?.values.date_of_referral).toBe('2024-02-03')
  })
  it('is settled by a day above 12 in the same column', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 3.csv', [L3, referral('03/02/2024'), referral('25/03/2024')]),
      { notified: NOTIFIED },
    )
    expect(withRule(r, 'cell.date-ambiguous')).toEqual([])
  })
  it('is settled by the list’s other date columns when the column itself says nothing', async () => {
    const r = await validateAnnexAFile(await writeTempCsv('List 3.csv', [L3, referral('03/02/2024', '13/02/2015')]), {
      notified: NOTIFIED,
    })
    expect(withRule(r, 'cell.date-ambiguous')).toEqual([])
  })
  it('is not settled when the list has dates written both ways', async () => {
    const r = await validateAnnexAFile(
      await writeTempCsv('List 3.csv', [
        L3,
        referral('03/02/2024', '02/13/2015'),
        referral('05/03/2024', '13/02/2015'),
      ]),
      { notified: NOTIFIED },
    )
    const amb = withRule(r, 'cell.date-ambiguous')
    expect(amb.map((p) => p.row)).toEqual([2, 3])
    expect(amb[0]?.message).toContain('both day first and month first (e.g. "02/13/2015" in row 2)')
  })
  it('a two-digit year is always queried, with the date spelt out so day and month can be checked too', async () => {
    const r = await validateAnnexAFile(await writeTempCsv('List 3.csv', [L3, referral('25/03/24', '13/02/2015')]), {
      notified: NOTIFIED,
    })
    const [p] = withRule(r, 'cell.date-two-digit-year')
    expect(p).toMatchObject({ severity: 'query', row: 2, value: '25/03/24' })
    expect(p?.message).toContain('25/03/2024 (25 March 2024)')
    expect(withRule(r, 'cell.date-ambiguous')).toEqual([])
  })
})
