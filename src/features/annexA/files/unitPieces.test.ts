import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isoFromExcelSerial, minusMonths } from '../../../domain/annexA/calendarDates'
import { CodeMatcher } from '../../../domain/annexA/codeMatcher'
import { generateSeedJson } from './generateSynonymSeed'
import { buildListLibrary } from '../../../domain/annexA/loadSpec'
import { loadExtraHeaderAliases, loadIlacsLibrary } from './bundledSpec'
import { detectHeader, listNumberFromName } from '../../../domain/annexA/matchHeaders'
import { parseDateText } from '../../../domain/annexA/parseDateCell'
import { safeCellText } from '../../../domain/annexA/safeCellText'
import { loadSeed, SEED_JSON_URL } from './synonymSeedStore'

const lib = loadIlacsLibrary()

describe('specification as data', () => {
  it('loads 11 ILACS lists with periods (12 months for lists 10 and 11)', () => {
    expect(lib.lists.map((l) => l.key)).toHaveLength(11)
    expect(lib.lists.find((l) => l.number === 10)?.period?.months).toBe(12)
    expect(lib.lists.find((l) => l.number === 3)?.period?.months).toBe(6)
    expect(lib.lists.find((l) => l.number === 9)?.period).toBeNull()
  })
  it('2026 renames Gender to Sex but keeps the column id and accepts both headings', () => {
    const v26 = loadIlacsLibrary('ilacs-2026')
    const col = v26.lists[0]?.columns.find((c) => c.id === 'gender')
    expect(col?.label).toBe('Sex')
    expect(col?.aliases).toEqual(expect.arrayContaining(['gender', 'sex']))
  })
  it('adds theme lists in the same format, validated by zod', () => {
    const theme = `lists:\n  Criminal exploitation:\n    title: Children at risk of criminal exploitation\n    columns:\n    - {name: Child Unique ID, type: text, required: true}\n    - {name: Gender, type: code, required: true, codelist: gender}\n    - {name: Date identified, type: date, required: true}\n    - {name: Risk level, type: code, required: true, codelist: risk}\n    period: {months: 6, event_columns: [Date identified]}\ncodelists:\n  risk:\n  - {code: a) High, label: High}\n  - {code: b) Medium, label: Medium}\n`
    const combined = buildListLibrary(lib, [theme], loadExtraHeaderAliases())
    const list = combined.lists.find((l) => l.key === 'Criminal exploitation')
    expect(list?.columns.find((c) => c.id === 'gender')?.codeList?.entries).toHaveLength(4)
    expect(list?.period?.eventColumns).toEqual(['date_identified'])
    expect(() =>
      buildListLibrary(
        lib,
        ['lists: {Bad: {title: x, columns: [{name: A, type: colour, required: true}]}}'],
        loadExtraHeaderAliases(),
      ),
    ).toThrow()
  })
})

describe('value normalisation', () => {
  const gender = new CodeMatcher(lib.lists[0]!.columns.find((c) => c.id === 'gender')!.codeList!)
  const source = new CodeMatcher(lib.lists[0]!.columns.find((c) => c.id === 'contact_source')!.codeList!)
  const need = new CodeMatcher(lib.lists[5]!.columns.find((c) => c.id === 'primary_need_code')!.codeList!)
  it('exact, bare, letter-prefixed and label matches', () => {
    expect(gender.matchStructural('a) male')).toEqual({ code: 'a) Male', method: 'exact' })
    expect(source.matchStructural('6')).toEqual({ code: 'q) 6: Police', method: 'bare-code' })
    expect(source.matchStructural('6) police')).toEqual({ code: 'q) 6: Police', method: 'bare-code' })
    expect(need.matchStructural('n1')?.code).toBe('N1 - Abuse or neglect')
    expect(need.matchStructural('3')?.code).toBe('N3 - Parental disability or illness')
    expect(gender.matchStructural('b)')).toEqual({ code: 'b) Female', method: 'letter-prefix' })
  })
  it('never guesses: ambiguous digits and foreign letter schemes stay unmapped', () => {
    expect(source.matchStructural('1')).toBeNull() // 1A–1D
    expect(gender.matchStructural('d) black or black british')).toBeNull()
  })
  it('the committed seed matches the reference files and only maps to real codes', () => {
    expect(readFileSync(SEED_JSON_URL, 'utf8')).toBe(generateSeedJson())
    const { seed, stats } = loadSeed()
    expect(stats.seeded).toBeGreaterThan(2000)
    expect(seed.get('gender')?.get('2 - female')).toBe('b) Female')
    expect(seed.get('ethnicity')?.get('british')).toBeUndefined() // "White" is five Ofsted codes
    const allCodes = new Set(
      lib.lists.flatMap((l) => l.columns.flatMap((c) => c.codeList?.entries.map((e) => e.code) ?? [])),
    )
    for (const spellings of seed.values()) for (const code of spellings.values()) expect(allCodes.has(code)).toBe(true)
  }, 30_000)
})

describe('dates', () => {
  it('reads the formats areas send', () => {
    expect(parseDateText('3/4/2024', false, 24)).toEqual({ iso: '2024-04-03', flags: ['day-month-ambiguous'] })
    expect(parseDateText('25/12/2023', false, 24)).toEqual({ iso: '2023-12-25', flags: [], dayFirst: true })
    expect(parseDateText('2024-02-29', false, 24)).toEqual({ iso: '2024-02-29', flags: [] })
    expect(parseDateText('1 Sept 2023', false, 24)).toEqual({ iso: '2023-09-01', flags: [] })
    expect(parseDateText('05/06/98', false, 24)).toEqual({
      iso: '1998-06-05',
      flags: ['two-digit-year', 'day-month-ambiguous'],
    })
    expect(parseDateText('45292', false, 24)).toEqual({ iso: '2024-01-01', flags: [] })
    expect(parseDateText('29/02/2023', false, 24).iso).toBeNull()
  })
  it('Excel serials in both date systems, and month arithmetic', () => {
    expect(isoFromExcelSerial(45292, false)).toBe('2024-01-01')
    expect(isoFromExcelSerial(45292 - 1462, true)).toBe('2024-01-01')
    expect(minusMonths('2024-08-31', 6)).toBe('2024-02-29')
  })
})

describe('headers and safety', () => {
  it('finds the header below title rows and names the list', () => {
    const rows = [
      { row: 1, cells: [{ kind: 'text' as const, text: 'Annex A' }] },
      {
        row: 2,
        cells: ['CHILD UNIQUE ID', 'gender', 'Ethnicity', 'Date of Contact', 'Contact source'].map((text) => ({
          kind: 'text' as const,
          text,
        })),
      },
    ]
    const found = detectHeader(rows, lib, 'Sheet1')
    expect(found?.match.list.key).toBe('List 1')
    expect(found?.match.headerRow).toBe(2)
    expect(listNumberFromName('Annex A - List 10 adoption')).toBe(10)
  })
  it('prefixes formula triggers', () => {
    expect(['=HYPERLINK("x")', '+1', '-2', '@SUM', '\tx', '\rx', 'ok'].map(safeCellText)).toEqual([
      '\'=HYPERLINK("x")',
      "'+1",
      "'-2",
      "'@SUM",
      "'\tx",
      "'\rx",
      'ok',
    ])
  })
})
