import type { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import type { Entry, ZipFile } from 'yauzl'
import { isoFromUtcDate, plusDays } from '../../../domain/annexA/calendarDates'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'
import { BLANK, type FormulaFlag, type RawCell, type RawRow } from '../../../domain/annexA/rawCell'
import { xlsxSheetRows, type WorkbookParts } from './xlsxSheetRows'
import type { ReadProgress, SheetSource } from '../../../domain/annexA/sheetSource'
import { openZip, type WorkbookFacts } from './zipPrecheck'

/** Days between the 1900 and 1904 date systems, for workbooks whose 1904 flag exceljs does not recognise. */
const DAYS_1900_TO_1904 = 1462

const DAMAGED =
  'Part of the workbook could not be read (it may be damaged or saved by an unusual program): open it in Excel, save it as a new .xlsx and upload that.'

/**
 * exceljs's WorkbookReader parsers, driven directly. Its own zip loop reads entries in file order and, when
 * worksheets come before sharedStrings.xml (as in many real exports), emits early sheets without their strings
 * and can stall; feeding it yauzl streams in dependency order avoids both and keeps its streaming SAX parsing.
 */
interface WorkbookReaderParsers {
  _parseRels(entry: Readable): Promise<void>
  _parseWorkbook(entry: Readable): Promise<void>
  _parseSharedStrings(entry: Readable): AsyncGenerator
  _parseStyles(entry: Readable): Promise<void>
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** Converts an exceljs cell value into a RawCell; `shiftDays` corrects native dates in 1904 workbooks exceljs misread. */
export function toRawCell(value: unknown, shiftDays: number, formula?: FormulaFlag): RawCell {
  if (value === null || value === undefined) return formula ? { kind: 'blank', formula } : BLANK
  if (typeof value === 'string') {
    const text = value.trim()
    if (text === '') return formula ? { kind: 'blank', formula } : BLANK
    return formula ? { kind: 'text', text, formula } : { kind: 'text', text }
  }
  if (typeof value === 'number') return formula ? { kind: 'number', value, formula } : { kind: 'number', value }
  if (typeof value === 'boolean') return { kind: 'bool', value, formula }
  if (value instanceof Date) {
    const iso = isoFromUtcDate(value)
    if (!iso) return { kind: 'error', text: '#INVALID-DATE', formula }
    return { kind: 'date', iso: shiftDays ? plusDays(iso, shiftDays) : iso, formula }
  }
  if (isRecord(value)) {
    if ('formula' in value || 'sharedFormula' in value) {
      const result = value.result
      if (result === undefined || result === null) return { kind: 'blank', formula: 'no-result' }
      if (isRecord(result) && 'error' in result) return { kind: 'error', text: String(result.error), formula: 'cached' }
      return toRawCell(result, shiftDays, 'cached')
    }
    if ('error' in value) return { kind: 'error', text: String(value.error), formula }
    if (Array.isArray(value.richText)) {
      return toRawCell(
        value.richText.map((r: unknown) => (isRecord(r) && typeof r.text === 'string' ? r.text : '')).join(''),
        shiftDays,
        formula,
      )
    }
    if ('text' in value) return toRawCell(value.text, shiftDays, formula)
  }
  return { kind: 'text', text: unrecognisedText(value), formula }
}

/**
 * The text of a value that is none of exceljs's cell values: what String() makes of it, as it always has been. The
 * one known case is exceljs's placeholder for a shared string the workbook does not have ({ sharedString: n }, from
 * a workbook without sharedStrings.xml), which therefore reads as the text "[object Object]".
 */
function unrecognisedText(value: unknown): string {
  return String(value)
}

async function* sheetRows(
  stream: Readable,
  parts: WorkbookParts,
  shiftDays: number,
  progress: ReadProgress,
): AsyncGenerator<RawRow> {
  try {
    yield* xlsxSheetRows(stream, parts, shiftDays, toRawCell, (chars) => {
      progress.read += chars
    })
  } catch {
    throw new FileRefusal('xlsx.unreadable', DAMAGED)
  }
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>()
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName.toLowerCase(), entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve(entries))
    zip.on('error', reject)
    zip.readEntry()
  })
}

function entryStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'))
      // Decode as UTF-8 text here: exceljs decodes each chunk alone, which would split characters across chunks.
      stream.setEncoding('utf8')
      resolve(stream)
    })
  })
}

/**
 * Streams an .xlsx workbook sheet by sheet (constant memory per row): exceljs's parsers for the strings and
 * styles, the worksheet scanner for the sheets, over yauzl entries. Must only be called after
 * precheckWorkbookZip has accepted the file. `progress` counts the worksheet XML read (characters against
 * bytes: close enough for a progress bar).
 */
export async function* readXlsxSheets(
  filePath: string,
  facts: WorkbookFacts,
  progress: ReadProgress = { read: 0, total: 0 },
): AsyncGenerator<SheetSource> {
  progress.total = facts.sheets.reduce((n, s) => n + s.bytes, 0)
  let zip: ZipFile
  try {
    zip = await openZip(filePath)
  } catch {
    throw new FileRefusal('zip.broken', DAMAGED)
  }
  const shiftDays = facts.date1904 && !facts.exceljsAppliesDate1904 ? DAYS_1900_TO_1904 : 0
  try {
    let entries: Map<string, Entry>
    const parsers = new ExcelJS.stream.xlsx.WorkbookReader(filePath, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
    }) as unknown as WorkbookReaderParsers
    try {
      entries = await listEntries(zip)
      const open = async (name: string): Promise<Readable | null> => {
        const entry = entries.get(name)
        return entry ? entryStream(zip, entry) : null
      }
      const rels = await open('xl/_rels/workbook.xml.rels')
      if (rels) await parsers._parseRels(rels)
      const workbook = await open('xl/workbook.xml')
      if (workbook) await parsers._parseWorkbook(workbook)
      const strings = await open('xl/sharedstrings.xml')
      if (strings)
        for await (const _ of parsers._parseSharedStrings(strings)) {
          // Only drained: the parser keeps the strings itself.
        }
      const styles = await open('xl/styles.xml')
      if (styles) await parsers._parseStyles(styles)
    } catch {
      throw new FileRefusal('xlsx.unreadable', DAMAGED)
    }
    for (const sheet of facts.sheets) {
      const entry = entries.get(sheet.path.toLowerCase())
      if (!entry) continue
      let stream: Readable
      try {
        stream = await entryStream(zip, entry)
      } catch {
        throw new FileRefusal('xlsx.unreadable', DAMAGED)
      }
      yield { name: sheet.name, rows: sheetRows(stream, parsers as unknown as WorkbookParts, shiftDays, progress) }
    }
  } finally {
    zip.close()
  }
}
