import ExcelJS from 'exceljs'
import { ukDate } from '../../../domain/annexA/calendarDates'
import type { NormalisedRow } from '../../../domain/annexA/resultModel'
import { safeCellText } from '../../../domain/annexA/safeCellText'
import type { ListLibrary } from '../../../domain/annexA/specSchema'

/**
 * Writes an Ofsted-ready Annex A workbook from normalised rows: one sheet per list named "List N" (theme lists by
 * title), the spec's column order and headings, Ofsted codes, dates as dd/mm/yyyy text (so no locale can flip them),
 * and every text cell made formula-safe. Lists with no rows still get a sheet with headings.
 */
export async function writeOfstedWorkbook(
  rows: Iterable<NormalisedRow>,
  library: ListLibrary,
  outputPath: string,
): Promise<void> {
  const byList = new Map<string, NormalisedRow[]>()
  for (const row of rows) {
    const bucket = byList.get(row.list) ?? []
    bucket.push(row)
    byList.set(row.list, bucket)
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: outputPath,
    useStyles: true,
    useSharedStrings: false,
  })
  for (const list of library.lists) {
    // Excel sheet names: at most 31 characters, none of : \ / ? * [ ].
    const name = (list.number !== null ? list.key : list.title).replace(/[:\\/?*[\]]/g, ' ').slice(0, 31)
    const sheet = workbook.addWorksheet(name)
    sheet.columns = list.columns.map((c) => ({ header: c.label, width: Math.min(40, Math.max(12, c.label.length)) }))
    sheet.getRow(1).font = { bold: true }
    for (const row of (byList.get(list.key) ?? []).sort((a, b) => a.row - b.row)) {
      const cells = list.columns.map((c) => {
        const value = row.values[c.id]
        if (value === null || value === undefined) return null
        if (typeof value === 'number') return value
        return c.type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? ukDate(value) : safeCellText(value)
      })
      sheet.addRow(cells).commit()
    }
    // A streamed worksheet's commit() is synchronous; only the workbook's returns a promise.
    sheet.commit()
  }
  await workbook.commit()
}
