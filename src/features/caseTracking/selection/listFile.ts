import { FileRefusal } from '../../../domain/annexA/fileRefusal'
import { matchHeaders } from '../../../domain/annexA/matchHeaders'
import { normaliseHeader } from '../../../domain/annexA/normaliseText'
import { parseDateCell } from '../../../domain/annexA/parseDateCell'
import { cellDisplay, type RawCell, type RawRow } from '../../../domain/annexA/rawCell'
import type { SheetSource } from '../../../domain/annexA/sheetSource'
import type { ColumnSpec, ListSpec } from '../../../domain/annexA/specSchema'
import { longUkDate } from '../../../domain/annexA/calendarDates'
import { readCsvFile } from '../../annexA/files/readCsvFile'
import { readXlsxSheets } from '../../annexA/files/readXlsxFile'
import { sniffFileType } from '../../annexA/files/sniffFileType'
import { ilacsLibrary } from '../../annexA/files/specCache'
import { precheckWorkbookZip } from '../../annexA/files/zipPrecheck'

/**
 * Reading the inspectors' list of children (an .xlsx workbook or a CSV file): a child ID, name and
 * date of birth, the NHS number and address where given, and any other columns kept by their
 * headings. Headings and dates are recognised as the Annex A import recognises them: the child ID
 * and date of birth columns are the Annex A spec's own (same spellings and patterns), dates are read
 * by the same parser (Excel dates and serials, 03/04/2012, 2012-04-03, 3 Apr 2012 …).
 */

/** One readable row of the list. */
export interface ListRow {
  /** The spreadsheet row number. */
  row: number
  childRef: string
  name: string | null
  /** YYYY-MM-DD. */
  dateOfBirth: string | null
  nhsNumber: string | null
  address: string | null
  other: Record<string, string>
  /** What a person should check even though the row was read (a date read month first …). */
  notes: string[]
}

/** A row that cannot be read, with its row number and why. */
export interface UnreadableRow {
  row: number
  message: string
}

export interface ReadList {
  /** Why the whole file cannot be used (no heading row, not a spreadsheet …); then there are no rows. */
  refusal: string | null
  /** Where the headings were found, and which columns were recognised. */
  headerRow: number | null
  sheet: string | null
  recognised: string[]
  rows: ListRow[]
  unreadable: UnreadableRow[]
}

/** Far more than the inspectors' 20–30 children: a file this long is the wrong file. */
export const MAX_LIST_ROWS = 500
const HEADER_SEARCH_ROWS = 30
const MAX_OTHER_COLUMNS = 30
const MAX_CHILD_REF = 50
const MAX_TEXT = 500

function column(id: string, label: string, aliases: string[], patterns: RegExp[]): ColumnSpec {
  return {
    id,
    label,
    type: 'text',
    required: false,
    aliases: aliases.map(normaliseHeader),
    patterns,
    codeList: null,
    min: null,
    allowDecimal: false,
  }
}

/** The inspectors' list as a list the Annex A header matching understands. */
function inspectorsList(): ListSpec {
  const annexA = ilacsLibrary('ilacs-2026').lists.find((l) => l.number === 1)!
  const fromAnnexA = (id: string) => annexA.columns.find((c) => c.id === id)!
  const childId = fromAnnexA('child_unique_id')
  const dob = fromAnnexA('date_of_birth')
  return {
    key: 'Inspectors’ list',
    number: null,
    title: 'The inspectors’ selection',
    scope: '',
    columns: [
      {
        ...childId,
        label: 'Child ID',
        aliases: [...childId.aliases, 'la child id', 'local authority child id', 'child ref', 'child reference', 'id'],
      },
      { ...dob, label: 'Date of birth' },
      column(
        'name',
        'Name',
        ['name', 'child name', 'childs name', 'child s name', 'full name', 'child full name'],
        [/name/i],
      ),
      column('first_name', 'First name', ['first name', 'forename', 'forenames', 'given name', 'first names'], []),
      column('last_name', 'Last name', ['last name', 'surname', 'family name'], []),
      column('nhs_number', 'NHS number', ['nhs number', 'nhs no', 'nhs', 'nhs num', 'nhs id'], [/\bnhs\b/i]),
      column(
        'address',
        'Address',
        ['address', 'home address', 'current address', 'address and postcode'],
        [/address/i],
      ),
    ],
    period: null,
    dateOrder: [],
    childIdColumn: 'child_unique_id',
    specVersion: '',
  }
}

const LIST = inspectorsList()

const text = (cell: RawCell | undefined): string => (cell ? cellDisplay(cell).trim() : '')

/** The rows of the first sheet whose headings include a child ID, read into children. */
async function readSheet(sheet: SheetSource, date1904: boolean, pivotYear: number, out: ReadList): Promise<boolean> {
  const buffer: RawRow[] = []
  let positions: Map<string, number> | null = null
  let unmatched: Array<{ position: number; header: string }> = []
  let headerRow = 0
  let gaveUp = false
  const take = (raw: RawRow) => {
    if (!positions || raw.row <= headerRow) return
    if (raw.cells.every((c) => text(c) === '')) return
    if (out.rows.length + out.unreadable.length >= MAX_LIST_ROWS) {
      out.refusal = `The list has more than ${MAX_LIST_ROWS} rows, far more than the inspectors’ 20 to 30 children: check it is the right file.`
      return
    }
    readRow(raw, positions, unmatched, date1904, pivotYear, out)
  }
  for await (const raw of sheet.rows) {
    if (out.refusal || gaveUp) continue
    if (positions) {
      take(raw)
      continue
    }
    buffer.push(raw)
    const headers = raw.cells.map((c) => text(c))
    const match = matchHeaders(headers, LIST)
    if (match.positions.has('child_unique_id') && match.positions.size >= 2) {
      positions = match.positions
      unmatched = match.unmatched
      headerRow = raw.row
      out.headerRow = raw.row
      out.sheet = sheet.name
      out.recognised = LIST.columns.filter((c) => match.positions.has(c.id)).map((c) => c.label)
    } else if (buffer.length >= HEADER_SEARCH_ROWS) {
      // Not this sheet: its rows are still read past, to reach the next sheet.
      gaveUp = true
    }
  }
  return positions !== null
}

function readRow(
  raw: RawRow,
  positions: Map<string, number>,
  unmatched: Array<{ position: number; header: string }>,
  date1904: boolean,
  pivotYear: number,
  out: ReadList,
): void {
  const at = (id: string): RawCell | undefined => {
    const p = positions.get(id)
    return p === undefined ? undefined : raw.cells[p]
  }
  const problems: string[] = []
  const notes: string[] = []
  const childRef = text(at('child_unique_id'))
  if (!childRef) problems.push('there is no child ID')
  else if (childRef.length > MAX_CHILD_REF) problems.push(`the child ID is longer than ${MAX_CHILD_REF} characters`)
  let dateOfBirth: string | null = null
  const dobCell = at('date_of_birth')
  if (dobCell && dobCell.kind !== 'blank') {
    const parsed = parseDateCell(dobCell, date1904, pivotYear)
    if (parsed.iso === null) problems.push(`the date of birth ${parsed.reason}`)
    else {
      dateOfBirth = parsed.iso
      const shown = text(dobCell)
      if (parsed.flags.includes('month-first'))
        notes.push(`The date of birth ${shown} was read month first, as ${longUkDate(parsed.iso)}`)
      if (parsed.flags.includes('two-digit-year'))
        notes.push(`The date of birth ${shown} has a two-digit year, read as ${longUkDate(parsed.iso)}`)
    }
  }
  const limited = (id: string, label: string): string | null => {
    const value = text(at(id))
    if (value.length > MAX_TEXT) problems.push(`the ${label} is longer than ${MAX_TEXT} characters`)
    return value || null
  }
  const fullName = limited('name', 'name')
  const parts = [limited('first_name', 'first name'), limited('last_name', 'last name')].filter(Boolean)
  const name = fullName ?? (parts.length ? parts.join(' ') : null)
  const nhsNumber = limited('nhs_number', 'NHS number')
  const address = limited('address', 'address')
  const other: Record<string, string> = {}
  for (const { position, header } of unmatched.slice(0, MAX_OTHER_COLUMNS)) {
    const value = text(raw.cells[position]).slice(0, MAX_TEXT)
    if (value) other[header.trim().slice(0, 100)] = value
  }
  if (problems.length) {
    out.unreadable.push({ row: raw.row, message: `Row ${raw.row}: ${problems.join(', and ')}` })
    return
  }
  out.rows.push({ row: raw.row, childRef, name, dateOfBirth, nhsNumber, address, other, notes })
}

/** Sentences for the file-level refusals, about the inspectors' list rather than an Annex A workbook. */
const REFUSALS: Record<string, string> = {
  'file.empty': 'The file is empty: save the inspectors’ list again and upload it.',
  'file.not-spreadsheet': 'The file must be an Excel workbook (.xlsx) or a CSV file holding the inspectors’ list.',
}

/**
 * Reads the inspectors' list. Never throws for a file it cannot use: `refusal` says why. `today`
 * (YYYY-MM-DD) decides the century of a two-digit year, as the Annex A import does.
 */
export async function readInspectorsList(path: string, fileName: string, today: string): Promise<ReadList> {
  const out: ReadList = { refusal: null, headerRow: null, sheet: null, recognised: [], rows: [], unreadable: [] }
  const pivotYear = Number(today.slice(2, 4))
  try {
    const kind = await sniffFileType(path, fileName)
    let found = false
    if (kind === 'zip') {
      const facts = await precheckWorkbookZip(path)
      for await (const sheet of readXlsxSheets(path, facts)) {
        if (found) {
          for await (const _ of sheet.rows) {
            // Only read past: the list is on the first sheet that has one.
          }
          continue
        }
        found = await readSheet(sheet, facts.date1904, pivotYear, out)
      }
    } else {
      const { sheet } = await readCsvFile(path, fileName)
      found = await readSheet(sheet, false, pivotYear, out)
    }
    if (!found && !out.refusal)
      out.refusal =
        'No row of column headings with a child ID was found in the first 30 rows: the list needs a heading row such as “Child ID”, “Name” and “Date of birth” above the children.'
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error
    out.refusal = REFUSALS[error.rule] || error.message
  }
  if (out.refusal) {
    out.rows = []
    out.unreadable = []
  }
  return out
}
