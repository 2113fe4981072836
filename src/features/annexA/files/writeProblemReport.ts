import ExcelJS from 'exceljs'
import type { AnnexAValidationResult } from '../../../domain/annexA/resultModel'
import { safeCellText } from '../../../domain/annexA/safeCellText'
import { isIsoDate, longUkDate } from '../../../domain/annexA/calendarDates'

function safe(value: string | number | null): string | number {
  if (value === null) return ''
  return typeof value === 'number' ? value : safeCellText(value)
}

/**
 * Writes the validation findings as an .xlsx a person can work through: a summary per list, the problems grouped
 * by rule, every problem, and the values to map once per column. Streams rows, so large reports stay small in memory.
 */
export async function writeProblemReport(
  result: AnnexAValidationResult,
  outputPath: string,
  /** Once the file is accepted: why each kind of query was accepted, by rule. */
  reasons: readonly { rule: string; reason: string }[] = [],
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: outputPath,
    useStyles: true,
    useSharedStrings: false,
  })
  const summary = workbook.addWorksheet('Summary')
  summary.columns = [
    { header: 'List', width: 10 },
    { header: 'Title', width: 32 },
    { header: 'Sheet', width: 20 },
    { header: 'Rows read', width: 12 },
    { header: 'Rows accepted', width: 14 },
    { header: 'Rows with problems', width: 18 },
    { header: 'Errors', width: 10 },
    { header: 'Queries', width: 10 },
  ]
  for (const l of result.lists)
    summary
      .addRow([
        safe(l.list),
        safe(l.title),
        safe(l.sheet),
        l.rowsRead,
        l.rowsAccepted,
        l.rowsWithProblems,
        l.errors,
        l.queries,
      ])
      .commit()
  summary.addRow([]).commit()
  summary
    .addRow([
      safe(`File: ${result.file.fileName}`),
      safe(`Notification date: ${isIsoDate(result.notified) ? longUkDate(result.notified) : result.notified}`),
      safe(`Specification: ${result.specVersion}`),
    ])
    .commit()
  // A streamed worksheet's commit() is synchronous; only the workbook's returns a promise.
  summary.commit()

  const byRule = workbook.addWorksheet('By rule')
  byRule.columns = [
    { header: 'Rule', width: 28 },
    { header: 'Severity', width: 10 },
    { header: 'What it means', width: 60 },
    { header: 'Count', width: 10 },
    ...(reasons.length ? [{ header: 'Why it was accepted', width: 60 }] : []),
  ]
  for (const r of result.problemsByRule) {
    const why = reasons.find((q) => q.rule === r.rule)?.reason
    byRule.addRow([r.rule, r.severity, safe(r.title), r.count, ...(reasons.length ? [safe(why ?? null)] : [])]).commit()
  }
  byRule.commit()

  const problems = workbook.addWorksheet('Problems')
  problems.columns = [
    { header: 'Severity', width: 10 },
    { header: 'List', width: 10 },
    { header: 'Row', width: 8 },
    { header: 'Column', width: 36 },
    { header: 'Value', width: 24 },
    { header: 'What to do', width: 100 },
    { header: 'Rule', width: 26 },
  ]
  for (const p of result.problems)
    problems
      .addRow([p.severity, safe(p.list), p.row ?? '', safe(p.column), safe(p.value), safe(p.message), p.rule])
      .commit()
  problems.commit()

  const unmapped = workbook.addWorksheet('Values to map')
  unmapped.columns = [
    { header: 'List', width: 10 },
    { header: 'Column', width: 40 },
    { header: 'Value', width: 36 },
    { header: 'Times', width: 8 },
    { header: 'Example rows', width: 30 },
  ]
  for (const u of result.unmapped)
    unmapped.addRow([safe(u.list), safe(u.column), safe(u.value), u.count, u.rows.slice(0, 10).join(', ')]).commit()
  unmapped.commit()
  await workbook.commit()
}
