import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { decodeCsvText, detectDelimiter, type CsvEncoding } from '../../../domain/annexA/decodeCsvText'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'
import { BLANK, type RawCell, type RawRow } from '../../../domain/annexA/rawCell'
import type { ReadProgress, SheetSource } from '../../../domain/annexA/sheetSource'

const MAX_CSV_BYTES = 300 * 1024 * 1024

/** Repeated values share one RawCell (the validator caches lookups by cell), up to this many distinct values. */
const CELL_CACHE_LIMIT = 50_000

function toCell(text: string, cache: Map<string, RawCell>): RawCell {
  const cached = cache.get(text)
  if (cached) return cached
  const trimmed = text.trim()
  const cell: RawCell = trimmed === '' ? BLANK : { kind: 'text', text: trimmed }
  if (cache.size < CELL_CACHE_LIMIT) cache.set(text, cell)
  return cell
}

/** The text in pieces of this many characters, fed to the parser as it asks for more. */
const SLICE_CHARS = 64 * 1024

function* slices(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += SLICE_CHARS) yield text.slice(i, i + SLICE_CHARS)
}

/**
 * The file's records, parsed as they are asked for: the text goes to csv-parse a slice at a time, so
 * only the records not yet taken are held (a 300,000-row list parsed in one go held all of them, some
 * hundreds of megabytes, before the first was taken). Progress is the share of the text up to the
 * record taken.
 */
async function* csvRows(text: string, delimiter: string, progress: ReadProgress): AsyncGenerator<RawRow> {
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: false,
    // Each record with how far into the text it ends, for progress.
    info: true,
  })
  Readable.from(slices(text)).pipe(parser)
  progress.total = Buffer.byteLength(text)
  let row = 0
  const cache = new Map<string, RawCell>()
  try {
    for await (const { info, record } of parser as AsyncIterable<{ info: { bytes: number }; record: string[] }>) {
      row++
      progress.read = Math.min(info.bytes, progress.total)
      yield { row, cells: record.map((text) => toCell(text, cache)) }
    }
  } catch (error) {
    throw new FileRefusal('csv.malformed', malformedMessage(error, row))
  }
  progress.read = progress.total
}

/**
 * Says where a CSV stops making sense, as the spreadsheet row (one record = one row, as Excel shows it):
 * csv-parse's error counts the records it completed (it may have parsed ahead of the rows taken), and
 * the problem starts in the next one.
 */
export function malformedMessage(error: unknown, rowsYielded: number): string {
  const info = typeof error === 'object' && error !== null ? (error as { code?: unknown; records?: unknown }) : {}
  const completed = typeof info.records === 'number' && Number.isInteger(info.records) ? info.records : rowsYielded
  const row = Math.max(completed, rowsYielded) + 1
  if (info.code === 'CSV_QUOTE_NOT_CLOSED') {
    return `The CSV file cannot be read from row ${row}: a quotation mark in that row is never closed, so the rest of the file runs into one cell. Fix that row (remove the stray " or close it) or export the list again.`
  }
  return `The CSV file cannot be read from row ${row} (often a quotation mark that is never closed): fix that row or export the list again.`
}

/** Reads a CSV file holding one list; the file name (e.g. "List 3 referrals.csv") hints which list. */
export async function readCsvFile(
  filePath: string,
  displayName: string,
  progress: ReadProgress = { read: 0, total: 0 },
): Promise<{ sheet: SheetSource; encoding: CsvEncoding }> {
  const { size } = await stat(filePath)
  if (size > MAX_CSV_BYTES) {
    throw new FileRefusal(
      'file.too-large',
      `The CSV file is larger than ${MAX_CSV_BYTES / 1024 ** 2} MB, far more than one Annex A list: check it is the right file.`,
    )
  }
  const { text, encoding } = decodeCsvText(await readFile(filePath))
  if (text.trim() === '')
    throw new FileRefusal('file.empty', 'The CSV file has no content: export the list again and upload the new file.')
  return {
    sheet: {
      name: basename(displayName).replace(/\.[^.]+$/, ''),
      rows: csvRows(text, detectDelimiter(text), progress),
    },
    encoding,
  }
}
