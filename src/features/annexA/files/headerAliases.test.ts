import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { buildListLibrary, parseExtraHeaderAliases } from '../../../domain/annexA/loadSpec'
import { EXTRA_HEADER_ALIASES_URL, loadExtraHeaderAliases, loadIlacsLibrary } from './bundledSpec'
import { normaliseHeader } from '../../../domain/annexA/normaliseText'
import { validateAnnexAFile } from './validateAnnexAFile'

const HEADER_RULES = [
  'header.missing-required',
  'header.missing-optional',
  'header.unmatched',
  'header.duplicate',
  'sheet.header-not-found',
]

describe('extra header aliases (product-owned data)', () => {
  it('a workbook with common case-management headings matches the Annex A columns', async () => {
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet('Referrals').addRows([
      ['Referrals export 01/04/2024'],
      [
        'Child ID',
        'Gender',
        'Ethnic Origin',
        'D.O.B.',
        'Age',
        'Date of referral',
        'Referral Source',
        'Referral NFA?',
        'Number of Referrals in Last 12 Months',
        'Allocated Team',
        'Allocated Worker',
      ],
      ['C1', 'a) Male', 'a) WBRI', '01/02/2015', '9', '10/03/2024', 'q) 6: Police', 'b) No', '0', 'Duty', 'Jo'],
    ])
    wb.addWorksheet('CIN').addRows([
      [
        'Child Unique Identifier',
        'Sex',
        'Ethnic Group',
        'DOB',
        'Child Age',
        'Disabled',
        'CIN Start Date',
        'Primary Need Code',
        'Case Status',
        'Allocated Team',
        'Allocated Worker',
      ],
      ['C1', 'a) Male', 'a) WBRI', '01/02/2015', '9', 'b) No', '01/03/2024', 'N1', 'c) Child in need plan', 'T', 'W'],
    ])
    const path = join(await mkdtemp(join(tmpdir(), 'aliases-')), 'drift.xlsx')
    await wb.xlsx.writeFile(path)
    const r = await validateAnnexAFile(path, { notified: '2024-04-01' })
    expect(r.lists.map((l) => [l.list, l.sheet, l.headerRow])).toEqual([
      ['List 3', 'Referrals', 2],
      ['List 6', 'CIN', 1],
    ])
    const headerProblems = r.problems.filter((p) => HEADER_RULES.includes(p.rule))
    // Only columns the export really lacks are reported (List 6 has optional columns not in this sheet).
    expect(headerProblems.filter((p) => p.list === 'List 3')).toEqual([])
    expect(headerProblems.filter((p) => p.rule !== 'header.missing-optional')).toEqual([])
    const l3 = r.rows.find((x) => x.list === 'List 3')!
    expect(l3.values).toMatchObject({
      child_unique_id: 'C1',
      ethnicity: 'a) WBRI',
      date_of_birth: '2015-02-01',
      age_of_child_years: 9,
    })
    const l6 = r.rows.find((x) => x.list === 'List 6')!
    expect(l6.values).toMatchObject({
      child_unique_id: 'C1',
      gender: 'a) Male',
      ethnicity: 'a) WBRI',
      date_of_birth: '2015-02-01',
      age_of_child_years: 9,
      does_the_child_have_a_disability: 'b) No',
    })
  })

  it('every alias names a real column id, means one column only, and never overrides a spelling the spec uses', () => {
    const extra = parseExtraHeaderAliases(readFileSync(EXTRA_HEADER_ALIASES_URL, 'utf8'))
    const lib = loadIlacsLibrary()
    const ids = new Set(lib.lists.flatMap((l) => l.columns.map((c) => c.id)))
    const seen = new Map<string, string>()
    for (const [id, spellings] of extra) {
      expect(ids.has(id), id).toBe(true)
      for (const s of spellings) {
        expect(seen.get(s), `"${s}" is listed for ${seen.get(s) ?? 'nothing'} and ${id}`).toBeUndefined()
        seen.set(s, id)
      }
    }
    // In every list, each extra spelling is taken by its own column (none was dropped for clashing with the spec).
    for (const list of lib.lists) {
      for (const column of list.columns) {
        for (const s of extra.get(column.id) ?? []) {
          const owners = list.columns.filter((c) => c.aliases.includes(s))
          expect(
            owners.map((c) => c.id),
            `${list.key}: "${s}"`,
          ).toEqual([column.id])
        }
      }
    }
    expect(extra.get('date_of_birth')).toEqual(expect.arrayContaining(['dob', 'd o b']))
  })

  it('applies to both spec versions and to theme lists, and the theme list’s own names win', () => {
    expect(loadIlacsLibrary('ilacs-2026').lists[0]?.columns.find((c) => c.id === 'date_of_birth')?.aliases).toContain(
      normaliseHeader('DOB'),
    )
    const theme = `lists:\n  Theme:\n    title: A theme list\n    columns:\n    - {name: Child Unique ID, type: text, required: true}\n    - {name: Date of Birth, type: date, required: false}\n    - {name: Age, type: text, required: false}\n`
    const list = buildListLibrary(loadIlacsLibrary(), [theme], loadExtraHeaderAliases()).lists.find(
      (l) => l.key === 'Theme',
    )!
    expect(list.columns.find((c) => c.id === 'date_of_birth')?.aliases).toContain('dob')
    expect(list.columns.find((c) => c.id === 'child_unique_id')?.aliases).toContain('child id')
    // "Age" is the theme's own column here, not an alias of anything else.
    expect(list.columns.filter((c) => c.aliases.includes('age')).map((c) => c.id)).toEqual(['age'])
  })

  it('refuses a malformed aliases file', () => {
    expect(() => parseExtraHeaderAliases('columns: {Bad Id: [x]}')).toThrow()
    expect(() => parseExtraHeaderAliases('columns: {date_of_birth: DOB}')).toThrow()
  })
})
