import type { ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import ExcelJS from 'exceljs'
import type { CellValue } from './csv'
import { whenClientGone } from './clientGone'
import { clearDownloadHeaders, setDownloadHeaders } from './downloadHeaders'
import { neutraliseFormula } from './formulaSafe'
import { HoldBack } from './holdBack'

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** Excel refuses to open a workbook with a longer cell. */
const MAX_CELL_TEXT = 32_767
/** Bytes held back while `build` runs, so a failure early on can still become an error page. */
const HOLD_BACK_BYTES = 256 * 1024

export type XlsxWorkbook = ExcelJS.stream.xlsx.WorkbookWriter

/**
 * A value safe to put in an exceljs cell: text that a spreadsheet would read as a formula gets a
 * leading single quote (the same rule as CSV, for when the cell is edited or re-saved as CSV),
 * and over-long text is cut to Excel's limit. Numbers, booleans and dates stay typed.
 */
export function safeXlsxValue(value: CellValue): ExcelJS.CellValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return neutraliseFormula(String(value))
  if (typeof value === 'boolean' || value instanceof Date) return value
  return neutraliseFormula(value).slice(0, MAX_CELL_TEXT)
}

/**
 * Streams a workbook to the response as an .xlsx download (headers as {@link setDownloadHeaders}).
 * `build` adds sheets and rows to the streaming writer; call `row.commit()` as rows are finished
 * so they are written out rather than held in memory. Only values passed through
 * {@link safeXlsxValue} are formula-safe. If `build` fails before the first 256 KB are sent, the
 * download headers are removed and the error is rethrown, so the app's error page is shown; after
 * that the response is destroyed, so the client sees a failed download rather than a truncated
 * workbook. Rejects with ClientClosedError if the client goes away first.
 */
export async function sendXlsx(
  res: ServerResponse,
  filename: string,
  build: (workbook: XlsxWorkbook) => Promise<void> | void,
): Promise<void> {
  setDownloadHeaders(res, { filename, mime: XLSX_MIME })
  let piping: Promise<void> | undefined
  const startSending = (): void => {
    if (piping) return
    piping = pipeline(output, res)
    piping.catch(() => undefined)
  }
  const output = new HoldBack(HOLD_BACK_BYTES, startSending)
  // Shared strings would keep every distinct string in memory until the end.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const client = whenClientGone(res)
  try {
    await Promise.race([build(workbook), client.gone])
    startSending()
    // commit resolves when `output` has taken everything; `piping` when the client has it too.
    await Promise.race([workbook.commit(), client.gone])
    await Promise.race([piping, client.gone])
  } catch (error) {
    output.destroy()
    if (res.headersSent) res.destroy()
    else clearDownloadHeaders(res)
    throw error
  } finally {
    client.dispose()
  }
}
