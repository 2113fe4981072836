import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { clearDownloadHeaders, setDownloadHeaders } from './downloadHeaders'
import { neutraliseFormula } from './formulaSafe'

/** What a cell can hold. Dates are written as ISO 8601; format them first if people will read them. */
export type CellValue = string | number | bigint | boolean | Date | null | undefined
export type CsvRow = readonly CellValue[]

/** Excel only reads a CSV as UTF-8 when it starts with a byte order mark. */
export const UTF8_BOM = '\uFEFF'

/**
 * One CSV field: formula-injection safe (text starting with = + - @ tab or CR gets a leading
 * single quote) and quoted per RFC 4180 when it holds a comma, quote or line break. Numbers are
 * written as numbers, so -5 stays -5.
 */
export function csvCell(value: CellValue): string {
  let text: string
  if (value === null || value === undefined) return ''
  else if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  else if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  else if (value instanceof Date) text = Number.isNaN(value.getTime()) ? '' : value.toISOString()
  else text = neutraliseFormula(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export function csvRow(row: CsvRow): string {
  return `${row.map(csvCell).join(',')}\r\n`
}

/** A whole CSV document, BOM first so Excel opens it as UTF-8. */
export function toCsv(rows: Iterable<CsvRow>, options: { bom?: boolean } = {}): string {
  let out = options.bom === false ? '' : UTF8_BOM
  for (const row of rows) out += csvRow(row)
  return out
}

/**
 * Streams rows to the response as a CSV download (headers as {@link setDownloadHeaders}). Rows are
 * pulled only as fast as the client reads, so a large export never sits in memory.
 */
export async function sendCsv(
  res: ServerResponse,
  filename: string,
  rows: Iterable<CsvRow> | AsyncIterable<CsvRow>,
): Promise<void> {
  setDownloadHeaders(res, { filename, mime: 'text/csv; charset=utf-8' })
  async function* lines(): AsyncGenerator<string> {
    yield UTF8_BOM
    for await (const row of rows) yield csvRow(row)
  }
  try {
    await pipeline(Readable.from(lines()), res)
  } catch (error) {
    if (!res.headersSent) clearDownloadHeaders(res)
    throw error
  }
}
