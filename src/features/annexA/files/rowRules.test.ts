import { describe, expect, it } from 'vitest'
import { writeTempCsv } from '../../../../test/support/annexA'
import { validateAnnexAFile } from './validateAnnexAFile'

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
// The date of birth has a day above 12, which settles that the list's dates are written day first.
const ok = (id: string, overrides: Record<number, string> = {}): string[] =>
  [id, 'a) Male', 'a) WBRI', '13/02/2015', '9', '10/03/2024', 'q) 6: Police', 'b) No', '0', 'Duty', 'Jo'].map(
    (v, i) => overrides[i] ?? v,
  )

async function run(name: string, rows: string[][], notified = '2024-04-01') {
  return validateAnnexAFile(await writeTempCsv(name, rows), { notified })
}
const rules = (r: Awaited<ReturnType<typeof run>>) => r.problems.map((p) => p.rule)

describe('row rules', () => {
  it('accepts a clean row with no problems', async () => {
    const r = await run('List 3.csv', [L3, ok('C1')])
    expect(r.problems).toEqual([])
    expect(r.lists[0]).toMatchObject({ list: 'List 3', rowsRead: 1, rowsAccepted: 1 })
  })
  it('cell.required', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 9: '' })])
    expect(r.problems[0]).toMatchObject({ rule: 'cell.required', row: 2, column: 'Allocated Team', severity: 'error' })
  })
  it('period.outside (6 months)', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 5: '30/09/2023' })])
    expect(r.problems[0]).toMatchObject({ rule: 'period.outside', severity: 'query' })
    expect(r.problems[0]?.message).toContain('1 October 2023')
  })
  it('date.after-notification', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 5: '02/04/2024' })])
    expect(rules(r)).toContain('date.after-notification')
  })
  it('dob.future', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 3: '01/06/2024', 4: '' })])
    expect(rules(r)).toContain('dob.future')
  })
  it('age.mismatch', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 4: '3' })])
    expect(r.problems[0]).toMatchObject({ rule: 'age.mismatch', column: 'Age of Child (Years)' })
  })
  it('date.before-birth', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 3: '20/03/2024', 4: '0' })])
    expect(rules(r)).toContain('date.before-birth')
  })
  it('row.duplicate', async () => {
    const r = await run('List 3.csv', [L3, ok('C1'), ok('C1')])
    expect(r.problems[0]).toMatchObject({ rule: 'row.duplicate', row: 3 })
    expect(r.problems[0]?.message).toContain('row 2')
  })
  it('row.duplicate: only rows written identically, each pointing at its first copy, among thousands', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => ok(`C${i}`))
    // Same meaning, different spelling ("Male" maps to "a) Male"): not identical as written. Spaces around a
    // value are not part of it ("Jo " is "Jo"), so that row is a copy.
    rows.push(ok('C5', { 1: 'Male' }), ok('C1234'), ok('C2999'), ok('C12', { 10: 'Jo ' }))
    const r = await run('List 3.csv', [L3, ...rows])
    const duplicates = r.problems.filter((p) => p.rule === 'row.duplicate')
    expect(duplicates.map((p) => [p.row, p.message.match(/row (\d+)/)?.[1]])).toEqual([
      [3003, '1236'],
      [3004, '3001'],
      [3005, '14'],
    ])
  })
  it('child.inconsistent-dob and -sex within a list', async () => {
    const r = await run('List 3.csv', [L3, ok('C1'), ok('C1', { 1: 'b) Female', 3: '02/02/2015', 5: '11/03/2024' })])
    expect(rules(r)).toEqual(expect.arrayContaining(['child.inconsistent-dob', 'child.inconsistent-sex']))
  })
  it('cell.below-minimum and cell.integer', async () => {
    const r = await run('List 3.csv', [L3, ok('C1', { 8: '-1' }), ok('C2', { 8: '1.5' })])
    expect(rules(r)).toEqual(['cell.below-minimum', 'cell.integer'])
  })
  it('date.order: ICPC before the section 47 start', async () => {
    const L5 = [
      'Child Unique ID',
      'Gender',
      'Ethnicity',
      'Does the Child have a Disability',
      'Strategy discussion initiating Section 47 Enquiry Start Date',
      'Date of Initial Child Protection Conference',
      'Number of Section 47 Enquiries in the last 12 months',
      'Number of ICPCs in the last 12 months',
      'Allocated Team',
      'Allocated Worker',
    ]
    const r = await run('List 5.csv', [
      L5,
      ['C1', 'a) Male', 'a) WBRI', 'b) No', '10/03/2024', '01/03/2024', '1', '1', 'T', 'W'],
    ])
    const p = r.problems.find((x) => x.rule === 'date.order')
    expect(p).toMatchObject({ column: 'Date of Initial Child Protection Conference', severity: 'error' })
  })
  it('period: open CIN cases are in scope, closed old ones are not', async () => {
    const L6 = [
      'Child Unique ID',
      'Gender',
      'Ethnicity',
      'Does the Child have a Disability',
      'CIN Start Date',
      'Primary Need Code',
      'CIN Closure Date',
      'Case Status',
      'Allocated Team',
      'Allocated Worker',
    ]
    const r = await run('List 6.csv', [
      L6,
      ['C1', 'a) Male', 'a) WBRI', 'b) No', '01/01/2019', 'N1', '', 'c) Child in need plan', 'T', 'W'],
      ['C2', 'a) Male', 'a) WBRI', 'b) No', '01/01/2019', '1', '01/01/2020', 'e) Closed episode', 'T', 'W'],
    ])
    expect(r.problems.filter((p) => p.rule === 'period.outside').map((p) => p.row)).toEqual([3])
    expect(r.rows.map((x) => x.values.primary_need_code)).toEqual(['N1 - Abuse or neglect', 'N1 - Abuse or neglect'])
  })
  it('List 10 uses a 12-month period', async () => {
    const L10 = [
      'Child Unique ID',
      'Gender',
      'Ethnicity',
      'Does the Child have a Disability',
      'Date the Child Entered Care',
      'Date of Decision that Child Should be Placed for Adoption',
      'Date of Adoption Order',
    ]
    const r = await run('List 10.csv', [
      L10,
      ['C1', 'a) Male', 'a) WBRI', 'b) No', '01/01/2023', '01/06/2023', '01/07/2023'],
    ])
    expect(rules(r)).not.toContain('period.outside')
  })
  it('cp.missing-from-cin across lists in one workbook', async () => {
    const { default: ExcelJS } = await import('exceljs')
    const { mkdtemp } = await import('node:fs/promises')
    const { join } = await import('node:path').then((m) => ({ join: (...parts: string[]) => m.join(...parts) }))
    const { tmpdir } = await import('node:os')
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('List 6').addRows([
      ['Child Unique ID', 'Gender', 'Ethnicity', 'Primary Need Code', 'Case Status'],
      ['C1', 'a) Male', 'a) WBRI', 'N1', 'b) Child Protection plan'],
    ])
    wb.addWorksheet('List 7').addRows([
      ['Child Unique ID', 'Gender', 'Ethnicity', 'Child Protection Plan Start Date', 'Initial Category of Abuse'],
      ['C1', 'a) Male', 'a) WBRI', '01/03/2024', 'a) Neglect'],
      ['C2', 'a) Male', 'a) WBRI', '01/03/2024', 'Neglect'],
    ])
    const path = join(await mkdtemp(join(tmpdir(), 'cp-')), 'cp.xlsx')
    await wb.xlsx.writeFile(path)
    const r = await validateAnnexAFile(path, { notified: '2024-04-01' })
    expect(r.problems.filter((p) => p.rule === 'cp.missing-from-cin').map((p) => [p.list, p.row])).toEqual([
      ['List 7', 3],
    ])
    expect(r.problems.filter((p) => p.rule === 'workbook.list-missing').length).toBe(9)
  })
  it('remembered mappings apply after synonyms, keyed by column id', async () => {
    const path = await writeTempCsv('List 3.csv', [L3, ok('C1', { 1: 'Boy' })])
    const before = await validateAnnexAFile(path, { notified: '2024-04-01' })
    expect(before.unmapped[0]).toMatchObject({ columnId: 'gender', value: 'Boy', normalised: 'boy', count: 1 })
    const after = await validateAnnexAFile(path, {
      notified: '2024-04-01',
      remembered: new Map([['gender', new Map([['BOY', 'a) Male']])]]),
    })
    expect(after.problems).toEqual([])
    expect(after.mappingMethods['List 3/gender']).toEqual({ remembered: 1 })
  })
})

describe('progress on a CSV', () => {
  it('rises with the rows read and reaches 100 only at the end', async () => {
    const seen: Array<{ rowsRead: number; percent: number | null }> = []
    const rows = Array.from({ length: 6_000 }, (_, i) => ok(`C${i}`))
    await validateAnnexAFile(await writeTempCsv('List 3.csv', [L3, ...rows]), { notified: '2024-04-01' }, (p) =>
      seen.push({ rowsRead: p.rowsRead, percent: p.percent }),
    )
    expect(seen).toEqual([
      { rowsRead: 2_000, percent: 33 },
      { rowsRead: 4_000, percent: 66 },
      { rowsRead: 6_000, percent: 99 },
      { rowsRead: 6_000, percent: 100 },
    ])
  })
})
