import { createRequire } from 'node:module'
import type { Readable } from 'node:stream'
import { isoFromEpochDays, plusDays } from '../../../domain/annexA/calendarDates'
import { BLANK, type RawCell, type RawRow } from '../../../domain/annexA/rawCell'
import { WorksheetXmlScanner } from '../../../domain/annexA/worksheetXmlScanner'

/**
 * The rows of one worksheet, tokenised by WorksheetXmlScanner (saxes, which exceljs uses, was most of the
 * reading time), without exceljs's Row and Cell objects: a 100,000-row workbook has well over a million cells,
 * and building an exceljs Cell (with its style and value wrapper) and then a RawCell for each was most of the
 * rest. The result is cell for cell what exceljs's WorksheetReader gives (same value rules, including its
 * quirks, noted below), converted as toRawCell would, and repeated values share one frozen RawCell. One
 * difference: a value written as CDATA (Excel never does) is read, where exceljs drops it.
 */

const requireFromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'))

const colCache = requireFromExceljs('./lib/utils/col-cache') as { decodeAddress(ref: unknown): { col: number } }
const excelUtils = requireFromExceljs('./lib/utils/utils') as {
  isDateFmt(fmt: unknown): boolean
  xmlDecode(text: string): string
}

/** What the sheet parser needs from exceljs's WorkbookReader once rels, workbook, strings and styles are parsed. */
export interface WorkbookParts {
  sharedStrings?: unknown[]
  styles: { getStyleModel(id: number): { numFmt?: unknown } | null | undefined }
  properties?: { model?: { date1904?: boolean } }
}

/** Converts an exceljs-shaped value (formulas, rich text, errors…) into a RawCell: see toRawCell in readXlsxFile. */
export type ToRawCell = (value: unknown, shiftDays: number) => RawCell

const MS_PER_DAY = 86_400_000
/** Per-sheet caches stop growing here; values past it are still converted, just not remembered. */
const CACHE_LIMIT = 50_000

function columnOf(ref: string | undefined): number {
  // "AB12" → 28, without allocating; anything unusual goes to exceljs's own decoder (which may throw, as before).
  if (typeof ref === 'string') {
    let col = 0
    let i = 0
    for (; i < ref.length && i < 3; i++) {
      const ch = ref.charCodeAt(i)
      if (ch < 65 || ch > 90) break
      col = col * 26 + (ch - 64)
    }
    if (i > 0 && i < ref.length) {
      let digits = true
      for (let j = i; j < ref.length; j++) {
        const ch = ref.charCodeAt(j)
        if (ch < 48 || ch > 57) {
          digits = false
          break
        }
      }
      if (digits) return col
    }
  }
  return colCache.decodeAddress(ref).col
}

/** 'HH:MM' of a date cell's time of day (to the nearest second, then the minute), or undefined at midnight. */
function timeOfDay(ms: number): string | undefined {
  const seconds = Math.round((ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY) / 1000) % 86_400
  if (seconds === 0) return undefined
  const minutes = Math.floor(seconds / 60)
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

function xmlDecode(text: string): string {
  return text.includes('&') ? excelUtils.xmlDecode(text) : text
}

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size < CACHE_LIMIT) cache.set(key, value)
  return value
}

/**
 * Streams one worksheet's rows. `parts` is the WorkbookReader after its rels, workbook, shared strings and styles
 * have been parsed; `shiftDays` corrects native dates in 1904 workbooks exceljs misreads.
 */
export async function* xlsxSheetRows(
  stream: Readable,
  parts: WorkbookParts,
  shiftDays: number,
  toRawCell: ToRawCell,
  onChunk: (chars: number) => void = () => {},
): AsyncGenerator<RawRow> {
  const { sharedStrings, styles } = parts
  const date1904 = Boolean(parts.properties?.model?.date1904)
  const dateOffsetDays = 25_569 - (date1904 ? 1462 : 0)

  // Caches: shared string index → cell; text → cell; number text → cell (dates and plain numbers apart).
  const sharedCells: Array<RawCell | undefined> = []
  const textCells = new Map<string, RawCell>()
  const numberCells = new Map<string, RawCell>()
  const dateCells = new Map<string, RawCell>()
  const isDateStyle = new Map<unknown, boolean>()

  const dateFromText = (text: string): RawCell => {
    const cached = dateCells.get(text)
    if (cached) return cached
    // exceljs: new Date(Math.round((v - 25569 + 1462?) * 86400000)), then its UTC calendar date.
    const ms = Math.round((Number.parseFloat(text) - dateOffsetDays) * MS_PER_DAY)
    const iso = Math.abs(ms) <= 8.64e15 ? isoFromEpochDays(Math.floor(ms / MS_PER_DAY)) : null
    const time = iso ? timeOfDay(ms) : undefined
    const cell: RawCell = iso
      ? time
        ? { kind: 'date', iso: shiftDays ? plusDays(iso, shiftDays) : iso, time }
        : { kind: 'date', iso: shiftDays ? plusDays(iso, shiftDays) : iso }
      : { kind: 'error', text: '#INVALID-DATE', formula: undefined }
    return remember(dateCells, text, cell)
  }
  const numberFromText = (text: string): RawCell => {
    const cached = numberCells.get(text)
    if (cached) return cached
    return remember(numberCells, text, { kind: 'number', value: Number.parseFloat(text) })
  }
  const textCell = (raw: string): RawCell => {
    const cached = textCells.get(raw)
    if (cached) return cached
    const text = raw.trim()
    return remember(textCells, raw, text === '' ? BLANK : { kind: 'text', text })
  }
  const sharedCell = (index: number): RawCell => {
    if (!sharedStrings) return toRawCell({ sharedString: index }, shiftDays)
    let cell = sharedCells[index]
    if (cell === undefined) {
      cell = toRawCell(sharedStrings[index], shiftDays)
      if (index >= 0 && index < sharedStrings.length) sharedCells[index] = cell
    }
    return cell
  }
  const dateStyle = (numFmt: unknown): boolean => {
    let known = isDateStyle.get(numFmt)
    if (known === undefined) {
      known = excelUtils.isDateFmt(numFmt)
      isDateStyle.set(numFmt, known)
    }
    return known
  }

  // Parse state, as in exceljs's WorksheetReader.
  let inRows = false
  let rowNumber = 0
  let cells: RawCell[] | null = null
  let rowNumFmt: unknown = undefined
  let inCell = false
  let cellRef: string | undefined
  let cellStyle = 0
  let cellType: string | undefined
  // Text of the cell's <f> and <v>/<t>; `target` is where character data goes: 1 formula, 2 value, 0 nowhere
  // (exceljs appends to the last opened of them until the next one opens, text outside a cell going nowhere).
  let hasFormula = false
  let hasValue = false
  let formulaText = ''
  let valueText = ''
  let target = 0
  let done: RawRow[] = []

  const open = (name: string, attributes: Record<string, string>): void => {
    switch (name) {
      case 'sheetData':
        inRows = true
        break
      case 'row':
        if (inRows) {
          rowNumber = Number.parseInt(attributes.r ?? '', 10)
          cells = []
          rowNumFmt = undefined
          const s = attributes.s
          if (s) {
            const style = styles.getStyleModel(Number.parseInt(s, 10))
            if (style) rowNumFmt = style.numFmt
          }
        }
        break
      case 'c':
        if (cells) {
          inCell = true
          cellRef = attributes.r
          cellStyle = Number.parseInt(attributes.s ?? '', 10)
          cellType = attributes.t
          hasFormula = false
          hasValue = false
          target = 0
        }
        break
      case 'f':
        if (inCell) {
          hasFormula = true
          formulaText = ''
          target = 1
        }
        break
      case 'v':
      case 'is':
      case 't':
        if (inCell) {
          hasValue = true
          valueText = ''
          target = 2
        }
        break
      default:
        break
    }
  }
  const text = (chunk: string): void => {
    if (target === 2) valueText += chunk
    else if (target === 1) formulaText += chunk
  }
  const close = (name: string): void => {
    switch (name) {
      case 'sheetData':
        inRows = false
        break
      case 'row':
        if (cells) {
          for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = BLANK
          done.push({ row: rowNumber, cells })
        }
        cells = null
        break
      case 'c': {
        if (!cells || !inCell) break
        inCell = false
        target = 0
        const col = columnOf(cellRef)
        let numFmt = rowNumFmt
        if (cellStyle) {
          const style = styles.getStyleModel(cellStyle)
          if (style) numFmt = style.numFmt
        }
        let cell: RawCell | undefined
        if (hasFormula) {
          // exceljs keeps only truthy formula parts when the formula text is not empty (so a cached 0 or ''
          // result reads as "no result"), and the raw object when it is (shared-formula cells).
          const result = hasValue
            ? cellType === 'str'
              ? excelUtils.xmlDecode(valueText)
              : Number.parseFloat(valueText)
            : undefined
          const v: Record<string, unknown> = formulaText ? {} : { formula: formulaText, result }
          if (formulaText) {
            v.formula = formulaText
            if (result) v.result = result
          }
          cell = toRawCell(v, shiftDays)
        } else if (hasValue) {
          switch (cellType) {
            case 's':
              cell = sharedCell(Number.parseInt(valueText, 10))
              break
            case 'inlineStr':
            case 'str':
              cell = textCell(xmlDecode(valueText))
              break
            case 'e':
              cell = toRawCell({ error: valueText }, shiftDays)
              break
            case 'b':
              cell = Number.parseInt(valueText, 10) !== 0 ? TRUE_CELL : FALSE_CELL
              break
            default:
              cell = dateStyle(numFmt) ? dateFromText(valueText) : numberFromText(valueText)
              break
          }
        }
        // exceljs's row.values leaves out cells with no value; a later cell in the same column replaces it.
        if (cell !== undefined && col >= 1) cells[col - 1] = cell
        break
      }
      default:
        break
    }
  }

  const scanner = new WorksheetXmlScanner({ open, text, close })
  for await (const chunk of stream as AsyncIterable<string>) {
    scanner.write(chunk)
    onChunk(chunk.length)
    if (done.length > 0) {
      const batch = done
      done = []
      for (const row of batch) yield row
    }
  }
  scanner.end()
}

const TRUE_CELL: RawCell = { kind: 'bool', value: true, formula: undefined }
const FALSE_CELL: RawCell = { kind: 'bool', value: false, formula: undefined }
