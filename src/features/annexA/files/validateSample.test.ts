import { describe, expect, it } from 'vitest'
import { validateAnnexAFile } from './validateAnnexAFile'

const SAMPLE = new URL('../../../../test/fixtures/annex-a/Annex_A_2024_Jan.xlsx', import.meta.url).pathname

describe('the sample workbook', async () => {
  const result = await validateAnnexAFile(SAMPLE, { notified: '2021-03-10' })
  const find = (rule: string, list: string, row: number, column?: string) =>
    result.problems.find(
      (p) => p.rule === rule && p.list === list && p.row === row && (column === undefined || p.column === column),
    )

  it('reads all eleven lists with their row counts', () => {
    expect(result.readable).toBe(true)
    expect(result.lists.map((l) => [l.list, l.rowsRead])).toEqual([
      ['List 1', 5],
      ['List 2', 5],
      ['List 3', 6],
      ['List 4', 5],
      ['List 5', 5],
      ['List 6', 5],
      ['List 7', 7],
      ['List 8', 5],
      ['List 9', 6],
      ['List 10', 5],
      ['List 11', 5],
    ])
  })

  it('maps synonyms and liia-style codes to Ofsted codes', () => {
    const row = result.rows.find((r) => r.list === 'List 1' && r.row === 2)
    expect(row?.values).toMatchObject({
      gender: 'b) Female',
      ethnicity: 'a) WBRI',
      date_of_birth: '2015-01-25',
      age_of_child_years: 6,
      contact_source: 'q) 6: Police',
    })
    // "s) NOBT" uses liia's duplicate letter; the text after it decides.
    expect(result.rows.find((r) => r.list === 'List 1' && r.row === 4)?.values.ethnicity).toBe('t) NOBT')
    expect(
      result.rows.find((r) => r.list === 'List 10' && r.row === 4)?.values
        .reason_why_child_no_longer_placed_for_adoption,
    ).toBe('RD2 - The Court did not make a placement order')
  })

  it('flags #N/A lookups, unmapped needs codes, bad postcodes and blank required cells', () => {
    expect(find('cell.excel-error', 'List 6', 2, 'Allocated Team')?.message).toContain('#N/A')
    expect(find('cell.unmapped', 'List 6', 2, 'Primary Need Code')?.value).toBe(
      'PSRMEM - Support with memory and cognition',
    )
    expect(find('cell.postcode', 'List 8', 3, 'Placement postcode')?.value).toBe('nope')
    expect(find('cell.required', 'List 8', 4, 'Ethnicity')).toBeDefined()
    expect(result.unmapped.find((u) => u.column.startsWith('Was the child assessed'))?.count).toBe(5)
  })

  it('uses cached formula values in Lists 10 and 11 and raises one query per column', () => {
    const formulas = result.problems.filter((p) => p.rule === 'cell.formula' && p.list === 'List 11')
    expect(formulas.length).toBe(10)
    expect(result.rows.find((r) => r.list === 'List 11' && r.row === 2)?.values.date_stage_1_started).toBe('2009-08-19')
  })

  it('finds cross-list inconsistencies', () => {
    expect(find('child.inconsistent-dob', 'List 10', 2)?.message).toContain('List 9 row 2')
    expect(find('cp.missing-from-cin', 'List 7', 2)?.message).toContain('10721552')
    expect(find('date.before-birth', 'List 7', 2)?.message).toContain('before the date of birth 4 January 2021')
  })

  it('counts rows accepted and with problems', () => {
    const list6 = result.lists.find((l) => l.list === 'List 6')
    expect(list6).toMatchObject({ rowsRead: 5, rowsAccepted: 0, rowsWithProblems: 5 })
    expect(result.problemsByRule.find((r) => r.rule === 'cell.excel-error')?.count).toBe(10)
  })
})
