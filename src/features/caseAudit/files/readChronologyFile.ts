import { stat } from 'node:fs/promises'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'
import type { SheetSource } from '../../../domain/annexA/sheetSource'
import { agencyFromFileName, chronologyHeader } from '../../../domain/caseAudit/chronologyColumns'
import {
  readChronologyRow,
  type ChronologyEntry,
  type ChronologyProblem,
  type RowContext,
} from '../../../domain/caseAudit/chronologyRow'
import { mergeChronologies, type MergedEntry } from '../../../domain/caseAudit/mergeChronologies'
import { readCsvFile } from '../../annexA/files/readCsvFile'
import { readXlsxSheets } from '../../annexA/files/readXlsxFile'
import { sniffFileType } from '../../annexA/files/sniffFileType'
import { precheckWorkbookZip } from '../../annexA/files/zipPrecheck'

/**
 * Reading agencies' chronology files (.xlsx or .csv) with the Annex A readers: the same type sniffing,
 * zip checks, streaming workbook reader and CSV decoding, and the Annex A date parser (through
 * src/domain/caseAudit). In a workbook the chronology is the first sheet with a heading row (a date
 * and what happened) in its first 30 rows; the rows above the heading row are title rows.
 */

/** A file that cannot be read at all, with the one sentence a person needs. */
export class ChronologyFileRefusal extends Error {
  readonly file: string
  constructor(file: string, message: string) {
    super(message)
    this.name = 'ChronologyFileRefusal'
    this.file = file
  }
}

const HEADER_SEARCH_ROWS = 30

const HEADINGS_NEEDED =
  'no heading row with a date and what happened was found in the first 30 rows: the chronology needs headings such as “Date” and “What happened” above its events.'

/** The Annex A readers' refusals, said about a chronology rather than an Annex A workbook. */
const REFUSALS: Record<string, string> = {
  'file.empty': 'the file is empty: save the chronology again and give the new file.',
  'file.not-spreadsheet': 'it is not a spreadsheet: give the chronology as an Excel workbook (.xlsx) or a CSV file.',
  'file.too-large': 'the file is far larger than a chronology: check it is the right file.',
  'file.legacy-xls':
    'it is an old-style Excel 97–2003 (.xls) file: open it in Excel, save it as an Excel Workbook (.xlsx) and give that.',
}

interface FileReading {
  entries: ChronologyEntry[]
  problems: ChronologyProblem[]
}

/** Reads one sheet's rows into `out`; false when no heading row is found near its top (its rows are then read past). */
async function readSheet(
  sheet: SheetSource,
  context: { file: string; fileIndex: number; date1904: boolean; pivotYear: number },
  out: FileReading,
): Promise<boolean> {
  let rowContext: RowContext | null = null
  let seen = 0
  for await (const raw of sheet.rows) {
    if (!rowContext) {
      if (seen++ >= HEADER_SEARCH_ROWS) continue
      const header = chronologyHeader(raw.cells)
      if (header) rowContext = { ...context, header, agencyFromName: agencyFromFileName(context.file) }
      continue
    }
    const read = readChronologyRow(raw, rowContext)
    if (read === null) continue
    if ('entry' in read) out.entries.push(read.entry)
    else out.problems.push(...read.problems)
  }
  return rowContext !== null
}

/** Why a path cannot be read (missing, a folder), in a sentence, or null. */
async function pathProblem(path: string): Promise<string | null> {
  try {
    const info = await stat(path)
    if (info.isDirectory()) return 'it is a folder, not a file.'
    return info.isFile() ? null : 'it is not an ordinary file.'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'there is no such file: check the path.'
    return 'it cannot be opened: check the path and that you may read it.'
  }
}

/**
 * Reads one chronology file: its entries and the problems of the rows that could not be read. Throws
 * ChronologyFileRefusal when the file cannot be read at all. `file` is the name as given (kept on every
 * entry and problem, and the agency's name when the file has no Agency column); `today` (YYYY-MM-DD)
 * decides the century of a two-digit year.
 */
async function readChronologyFile(path: string, file: string, fileIndex: number, today: string): Promise<FileReading> {
  const refuse = (message: string): never => {
    throw new ChronologyFileRefusal(file, `${file} cannot be read: ${message}`)
  }
  const problem = await pathProblem(path)
  if (problem) refuse(problem)
  const out: FileReading = { entries: [], problems: [] }
  const pivotYear = Number(today.slice(2, 4))
  try {
    const kind = await sniffFileType(path, file)
    let found = false
    if (kind === 'zip') {
      const facts = await precheckWorkbookZip(path)
      for await (const sheet of readXlsxSheets(path, facts)) {
        if (found) {
          for await (const _ of sheet.rows) {
            // Only read past: the chronology is the first sheet that has one.
          }
          continue
        }
        found = await readSheet(sheet, { file, fileIndex, date1904: facts.date1904, pivotYear }, out)
      }
    } else {
      const { sheet } = await readCsvFile(path, file)
      found = await readSheet(sheet, { file, fileIndex, date1904: false, pivotYear }, out)
    }
    if (!found) refuse(HEADINGS_NEEDED)
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error
    const message = REFUSALS[error.rule] ?? error.message
    refuse(message.charAt(0).toLowerCase() + message.slice(1))
  }
  return out
}

/** The merged chronology of several files, and every row that could not be read. */
export interface MergedChronology {
  entries: MergedEntry[]
  problems: ChronologyProblem[]
}

/**
 * Reads every file (in the order given, `name` as the person gave it) and merges their entries; problems
 * are listed file by file in row order. Throws ChronologyFileRefusal for the first file that cannot be
 * read at all.
 */
export async function readAndMergeChronologies(
  files: ReadonlyArray<{ path: string; name: string }>,
  today: string,
): Promise<MergedChronology> {
  const entries: ChronologyEntry[] = []
  const problems: ChronologyProblem[] = []
  for (const [index, f] of files.entries()) {
    const read = await readChronologyFile(f.path, f.name, index, today)
    for (const e of read.entries) entries.push(e)
    for (const p of read.problems) problems.push(p)
  }
  return { entries: mergeChronologies(entries), problems }
}
