import ExcelJS from 'exceljs'
import { loadSeed } from '../../src/features/annexA/files/synonymSeedStore'
import type { ListLibrary } from '../../src/domain/annexA/specSchema'
import { mulberry32 } from '../support/measure'

/** Rows per list roughly in proportion to a mid-sized authority's Annex A (contacts and referrals dominate). */
const SHARE: Record<number, number> = {
  1: 0.3,
  2: 0.08,
  3: 0.15,
  4: 0.12,
  5: 0.06,
  6: 0.12,
  7: 0.05,
  8: 0.06,
  9: 0.04,
  10: 0.01,
  11: 0.01,
}

function ukDate(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`
}

/** What the generator deliberately put in the workbook, for checking the validator against it. */
export interface GeneratedStats {
  /** Data rows per list key. */
  rows: Record<string, number>
  /** Junk the validator must report as an error, by rule id. */
  junk: { 'cell.date': number; 'cell.integer': number; 'cell.postcode': number }
}

/**
 * Writes a realistic, messy Annex A workbook: title rows above the headers, real case-management spellings from
 * the synonyms seed mixed with Ofsted codes, dates as native cells, dd/mm/yyyy text, serials and some junk.
 */
export async function generateMessyWorkbook(
  path: string,
  library: ListLibrary,
  totalRows: number,
  stats?: GeneratedStats,
): Promise<number> {
  const random = mulberry32(20240101)
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T
  const { seed } = loadSeed()
  const spellings = new Map<string, string[]>()
  for (const [column, map] of seed) spellings.set(column, [...map.keys()])
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true })
  const base = Date.UTC(2023, 6, 1)
  let written = 0
  for (const list of library.lists) {
    const rows = Math.round(totalRows * (SHARE[list.number ?? 0] ?? 0))
    const sheet = writer.addWorksheet(list.key)
    sheet.addRow([`Annex A ${list.key}: ${list.title}`]).commit()
    sheet.addRow(['Extracted from the case management system']).commit()
    sheet.addRow(list.columns.map((c) => c.label)).commit()
    for (let r = 0; r < rows; r++) {
      // Children recur across lists with the same date of birth and sex, as in a real return.
      const childNo = Math.floor(random() * 40_000)
      const birth = base - ((childNo * 7919) % 6000) * 86_400_000 - 200 * 86_400_000
      let eventDay = base - Math.floor(random() * 170) * 86_400_000
      const values = list.columns.map((c) => {
        const roll = random()
        if (!c.required && roll < 0.15) return null
        switch (c.type) {
          case 'date': {
            if (c.id !== 'date_of_birth') eventDay = Math.min(base, eventDay + Math.floor(random() * 6) * 86_400_000)
            const d = new Date(c.id === 'date_of_birth' ? birth : eventDay)
            if (roll < 0.8) return d
            if (roll < 0.985) return ukDate(d)
            if (roll < 0.99) return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${String(d.getUTCFullYear()).slice(2)}`
            if (stats) stats.junk['cell.date']++
            return pick(['unknown', '31/02/2023', 'TBC', '2023-13-01'])
          }
          case 'integer':
            if (c.allowDecimal) return (base - birth) / (365.25 * 86_400_000)
            if (roll < 0.98) return Math.floor(random() * 5)
            if (stats) stats.junk['cell.integer']++
            return 'n/a'
          case 'postcode':
            if (roll < 0.95)
              return `${pick(['SW1A', 'M1', 'B33', 'LS6', 'NE1'])} ${Math.floor(random() * 9)}${pick(['AA', 'BD', 'XY'])}`
            if (stats) stats.junk['cell.postcode']++
            return 'unknown'
          case 'code':
          case 'text_or_code': {
            const codes = c.codeList?.entries ?? []
            if (c.id === 'gender') return codes[childNo % 2]?.code ?? 'a) Male'
            const real = spellings.get(c.id) ?? []
            if (roll < 0.55 || real.length === 0) return pick(codes)?.code ?? 'x'
            if (roll < 0.98) return pick(real)
            return pick(['Other', 'see notes', '?', 'N/K'])
          }
          default:
            return c.id === 'child_unique_id' || c.id === 'individual_adopter_identifier'
              ? String(100000 + childNo)
              : pick(['Locality 1 Duty Team', 'MASH', 'Children in Care Team 2', 'Jo Bloggs', 'A. Worker'])
        }
      })
      sheet.addRow(values).commit()
      written++
      if (stats) stats.rows[list.key] = (stats.rows[list.key] ?? 0) + 1
    }
    sheet.commit()
  }
  await writer.commit()
  return written
}
