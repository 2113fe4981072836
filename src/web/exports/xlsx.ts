import type { ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import ExcelJS from 'exceljs'
import { isIsoDate, londonDateOf, londonNow, type IsoDate } from '../../domain/calendar'
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

/** How a date cell is shown: "2 December 2026". */
export const XLSX_DATE_FORMAT = 'd mmmm yyyy'
/** How a date-and-time cell is shown: "2 December 2026 09:05". */
export const XLSX_DATE_TIME_FORMAT = 'd mmmm yyyy hh:mm'

/**
 * The value for a real date cell: a calendar date ('YYYY-MM-DD', or an instant taken as its date on
 * UK clocks) as a JS Date at UTC midnight of that date. Excel has no time zones and exceljs writes a
 * Date by its UTC fields, so the cell holds exactly that day whatever the server's zone. Null (an
 * empty cell) for nothing or for text that is not a date. Give the cell {@link XLSX_DATE_FORMAT}
 * (or use {@link setXlsxDateCell}) so it reads "2 December 2026", not a serial number.
 */
export function xlsxDate(value: IsoDate | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  let iso: string
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null
    iso = londonDateOf(value)
  } else {
    iso = value.slice(0, 10)
    if (!isIsoDate(iso)) return null
    // A timestamp written as text ('2026-12-02T23:30:00Z') is an instant: take its date on UK clocks.
    if (value.length > 10) {
      const at = new Date(value)
      if (Number.isNaN(at.getTime())) return null
      iso = londonDateOf(at)
    }
  }
  return new Date(`${iso}T00:00:00Z`)
}

/**
 * The value for a real date-and-time cell: an instant as the wall-clock time on UK clocks (British
 * Summer Time included), stored in the Date's UTC fields for the reason given at {@link xlsxDate}.
 * Give the cell {@link XLSX_DATE_TIME_FORMAT} (or use {@link setXlsxDateTimeCell}).
 */
export function xlsxDateTime(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  const at = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(at.getTime())) return null
  const { date, time } = londonNow(at)
  return new Date(`${date}T${time}:00Z`)
}

/** Makes `cell` a real date cell showing "2 December 2026" (empty when there is no date). */
export function setXlsxDateCell(cell: ExcelJS.Cell, value: IsoDate | Date | null | undefined): void {
  cell.value = xlsxDate(value)
  cell.numFmt = XLSX_DATE_FORMAT
}

/** Makes `cell` a real date-and-time cell on UK clocks showing "2 December 2026 09:05". */
export function setXlsxDateTimeCell(cell: ExcelJS.Cell, value: Date | string | null | undefined): void {
  cell.value = xlsxDateTime(value)
  cell.numFmt = XLSX_DATE_TIME_FORMAT
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
