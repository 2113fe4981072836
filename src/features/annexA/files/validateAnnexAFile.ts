import { basename } from 'node:path'
import { isIsoDate } from '../../../domain/annexA/calendarDates'
import { londonDateOf } from '../../../domain/calendar'
import {
  acceptedOutsideFile,
  checkChildrenAgainstAccepted,
  checkCpChildrenInCin,
  type AcceptedChild,
} from '../../../domain/annexA/crossListChecks'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'
import { ListValidator } from '../../../domain/annexA/listValidator'
import type { IlacsSpecVersion } from '../../../domain/annexA/loadSpec'
import { detectHeader, listNumberFromName } from '../../../domain/annexA/matchHeaders'
import { normaliseValue } from '../../../domain/annexA/normaliseText'
import type { RawRow } from '../../../domain/annexA/rawCell'
import { readCsvFile } from './readCsvFile'
import { readXlsxSheets } from './readXlsxFile'
import type {
  AnnexAValidationResult,
  FileInfo,
  RequestedLists,
  RuleSummary,
  ValidationProgress,
} from '../../../domain/annexA/resultModel'
import { isRuleId, RULES, type RuleId } from '../../../domain/annexA/rules'
import { sniffFileType } from './sniffFileType'
import type { ReadProgress, SheetSource } from '../../../domain/annexA/sheetSource'
import { ilacsLibrary, specVersionFor } from './specCache'
import type { ListLibrary } from '../../../domain/annexA/specSchema'
import { loadSeed } from './synonymSeedStore'
import { ValidationContext, type RememberedMappings } from '../../../domain/annexA/validationContext'
import { DEFAULT_ZIP_LIMITS, precheckWorkbookZip, type ZipLimits } from './zipPrecheck'

export interface ValidateOptions {
  /** The inspection's notification date ('YYYY-MM-DD'); defaults to today in London. */
  notified?: string
  /** Lists to validate against (ILACS plus any theme lists); defaults to ILACS for the notification date. */
  library?: ListLibrary
  specVersion?: IlacsSpecVersion
  /** The partnership's earlier answers: column id → spelling → code (spellings are normalised here). */
  remembered?: Map<string, Map<string, string>>
  /** The name the file was uploaded as (uploads are stored under other names); used for its extension and list hints. */
  fileName?: string
  zipLimits?: Partial<ZipLimits>
  /** "Now", for the default notification date. */
  now?: Date
  /**
   * Children on the partnership's currently accepted lists, so the cross-list rules (child protection
   * children in List 6; one date of birth and sex per child) also check lists uploaded in separate files.
   * Rows of a list that is in this file are ignored: the file's list replaces the accepted one.
   * Plain data, so it passes to the worker thread.
   */
  acceptedChildren?: AcceptedChild[]
  /**
   * The lists (by key) the inspection's framework asks for. When given, a list found in the file that is
   * not asked for is reported as ignored rather than checked, the lists asked for but not found are named,
   * and no other list is reported missing. Omitted: ILACS behaviour (any list is checked; Lists 1–11 expected).
   */
  requiredLists?: string[]
}

const HEADER_BUFFER_ROWS = 30
const PROGRESS_EVERY = 2_000

function normaliseRemembered(input: Map<string, Map<string, string>> | undefined): RememberedMappings {
  const out: RememberedMappings = new Map()
  for (const [column, spellings] of input ?? [])
    out.set(column, new Map([...spellings].map(([k, v]) => [normaliseValue(k), v])))
  return out
}

function summariseByRule(result: AnnexAValidationResult): RuleSummary[] {
  const counts = new Map<RuleId, number>()
  for (const p of result.problems) counts.set(p.rule, (counts.get(p.rule) ?? 0) + 1)
  return [...counts]
    .map(([rule, count]) => ({ rule, severity: RULES[rule].severity, title: RULES[rule].title, count }))
    .sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1))
}

function emptyResult(file: FileInfo, notified: string, specVersion: string): AnnexAValidationResult {
  return {
    readable: true,
    specVersion,
    notified,
    file,
    lists: [],
    problemsByRule: [],
    problems: [],
    unmapped: [],
    rows: [],
    mappingMethods: {},
  }
}

/** One plain sentence for an error nobody anticipated: the details stay in logs, not in front of the user. */
export function unexpectedErrorSentence(): string {
  return 'Something unexpected went wrong while checking this file, so it was not validated: try again, and if it happens again send the file to your system administrator.'
}

/** Errors from the file system itself (the file vanished, is a folder, or cannot be opened or read). */
const FILE_SYSTEM_CODES = new Set([
  'ENOENT',
  'EISDIR',
  'ENOTDIR',
  'EACCES',
  'EPERM',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EBUSY',
])

/** The file could not be opened or read at all: one sentence (file.unreadable) rather than "something unexpected". */
function asFileRefusal(error: unknown): unknown {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  if (typeof code === 'string' && FILE_SYSTEM_CODES.has(code)) {
    return new FileRefusal(
      'file.unreadable',
      'The file could not be opened or read (it may have been moved or deleted, or be a folder rather than a file): upload the file again.',
    )
  }
  return error
}

/**
 * Validates an Annex A workbook (.xlsx, one sheet per list) or a CSV file holding one list.
 * Never throws: a file that cannot be read gives `readable: false` and one problem saying why.
 */
export async function validateAnnexAFile(
  filePath: string,
  options: ValidateOptions = {},
  onProgress: (progress: ValidationProgress) => void = () => {},
): Promise<AnnexAValidationResult> {
  const fileName = options.fileName ?? basename(filePath)
  const notified =
    options.notified && isIsoDate(options.notified) ? options.notified : londonDateOf(options.now ?? new Date())
  const library = options.library ?? ilacsLibrary(options.specVersion ?? specVersionFor(notified))
  const file: FileInfo = { fileName, format: null, encoding: null, date1904: false, ignoredSheets: [] }
  const result = emptyResult(file, notified, library.specVersion)
  try {
    const read: ReadProgress = { read: 0, total: 0 }
    // Never 100 before the end: the cross-list checks and the summary still follow the last row.
    const percent = (): number | null =>
      read.total > 0 ? Math.min(99, Math.floor((100 * read.read) / read.total)) : null
    const ctx = new ValidationContext(
      notified,
      false,
      loadSeed().seed,
      normaliseRemembered(options.remembered),
      (rowsRead, list) => {
        if (rowsRead % PROGRESS_EVERY === 0) onProgress({ rowsRead, list, percent: percent() })
      },
    )
    const kind = await sniffFileType(filePath, fileName)
    let sheets: AsyncIterable<SheetSource>
    if (kind === 'zip') {
      const facts = await precheckWorkbookZip(filePath, { ...DEFAULT_ZIP_LIMITS, ...options.zipLimits })
      file.format = 'xlsx'
      file.date1904 = facts.date1904
      ctx.date1904 = facts.date1904
      if (facts.date1904) {
        ctx.add('workbook.date1904', {
          list: null,
          row: null,
          column: null,
          value: null,
          message:
            'The workbook uses the 1904 date system (older Mac Excel); we converted its dates to the usual calendar, but check a few against the original.',
        })
      }
      sheets = readXlsxSheets(filePath, facts, read)
    } else {
      const csv = await readCsvFile(filePath, fileName, read)
      file.format = 'csv'
      file.encoding = csv.encoding
      sheets = (async function* () {
        yield csv.sheet
      })()
    }
    const validators: ListValidator[] = []
    const requested = options.requiredLists ? requestedLists(options.requiredLists, library) : undefined
    for await (const sheet of sheets)
      await validateSheet(sheet, library, ctx, validators, file, kind === 'text', requested)
    for (const v of validators) v.finish()
    const accepted = acceptedOutsideFile(options.acceptedChildren, validators)
    checkCpChildrenInCin(validators, ctx, library, accepted)
    checkChildrenAgainstAccepted(validators, ctx, accepted)
    if (requested) {
      requested.missing = requested.asked.filter((a) => !validators.some((v) => v.key === a.list))
      result.requested = requested
    }
    if (validators.length === 0 && kind === 'zip' && requested?.ignored.length) {
      ctx.add('workbook.no-lists', {
        list: null,
        row: null,
        column: null,
        value: null,
        message: `None of the lists this inspection's framework asks for (${requested.asked.map((a) => a.title).join(', ')}) was found in this workbook: add them, each on its own sheet with the template's column headings.`,
      })
    } else if (validators.length === 0 && kind === 'zip') {
      ctx.add('workbook.no-lists', {
        list: null,
        row: null,
        column: null,
        value: null,
        message:
          'No Annex A list was found in this workbook: each list needs its own sheet with the template\'s column headings (e.g. "Child Unique ID", "Gender", "Ethnicity").',
      })
    }
    if (kind === 'zip' && validators.length > 0 && !requested) {
      for (const list of library.lists) {
        if (list.number === null || validators.some((v) => v.list === list)) continue
        ctx.add('workbook.list-missing', {
          list: list.key,
          row: null,
          column: null,
          value: null,
          message: `There is no sheet for ${list.key} (${list.title}): add it, or confirm the list is deliberately left out.`,
        })
      }
    }
    finaliseResult(result, ctx, validators, library)
    onProgress({ rowsRead: ctx.rowsRead, list: null, percent: 100 })
    return result
  } catch (thrown) {
    const error = asFileRefusal(thrown)
    const refusal = error instanceof FileRefusal && isRuleId(error.rule) ? error : null
    const rule: RuleId = refusal && isRuleId(refusal.rule) ? refusal.rule : 'internal.error'
    const message = refusal ? refusal.message : unexpectedErrorSentence()
    return {
      ...emptyResult(file, notified, library.specVersion),
      readable: false,
      problems: [{ rule, severity: 'error', list: null, row: null, column: null, value: null, message }],
      problemsByRule: [{ rule, severity: 'error', title: RULES[rule].title, count: 1 }],
    }
  }
}

/** The lists asked for, in the order the framework gives them (a key the library lacks keeps its key as title). */
function requestedLists(keys: string[], library: ListLibrary): RequestedLists {
  const asked = keys.map((key) => ({ list: key, title: library.lists.find((l) => l.key === key)?.title ?? key }))
  return { asked, missing: [], ignored: [] }
}

async function validateSheet(
  sheet: SheetSource,
  library: ListLibrary,
  ctx: ValidationContext,
  validators: ListValidator[],
  file: FileInfo,
  isCsv: boolean,
  requested: RequestedLists | undefined,
): Promise<void> {
  const buffer: RawRow[] = []
  let validator: ListValidator | null = null
  let decided = false
  const decide = (): void => {
    decided = true
    const detected = detectHeader(buffer, library, sheet.name)
    if (!detected) {
      const hinted = listNumberFromName(sheet.name)
      if (isCsv || hinted !== null) {
        const list = hinted !== null ? (library.lists.find((l) => l.number === hinted)?.key ?? null) : null
        ctx.add('sheet.header-not-found', {
          list,
          row: null,
          column: null,
          value: sheet.name,
          message:
            buffer.length === 0
              ? `"${sheet.name}" has no rows: export the list again with its column headings.`
              : `No row of column headings was found in the first ${HEADER_BUFFER_ROWS} rows of "${sheet.name}": the list must have a heading row such as "Child Unique ID", "Gender", "Ethnicity" above its data.`,
        })
      } else file.ignoredSheets.push(sheet.name)
      return
    }
    const { match, nameDisagrees } = detected
    // Recognised, but not one the inspection asks for: named as ignored, its rows read past unchecked.
    if (requested && !requested.asked.some((a) => a.list === match.list.key)) {
      requested.ignored.push({ list: match.list.key, title: match.list.title, sheet: sheet.name })
      return
    }
    if (validators.some((v) => v.list === match.list)) {
      ctx.add('sheet.duplicate-list', {
        list: match.list.key,
        row: null,
        column: null,
        value: sheet.name,
        message: `The sheet "${sheet.name}" is a second copy of ${match.list.key}, so we ignored it: combine the rows into one sheet.`,
      })
      return
    }
    validator = new ListValidator(match, ctx, sheet.name)
    validators.push(validator)
    if (nameDisagrees) {
      ctx.add('sheet.name-mismatch', {
        list: match.list.key,
        row: match.headerRow,
        column: null,
        value: sheet.name,
        message: `The sheet is named "${sheet.name}" but its columns are those of ${match.list.key} (${match.list.title}), so we read it as ${match.list.key}: rename the sheet if that is right.`,
      })
    }
    validator.reportHeaders()
    for (const row of buffer) if (row.row > match.headerRow) validator.processRow(row)
  }
  for await (const row of sheet.rows) {
    if (!decided) {
      buffer.push(row)
      if (buffer.length >= HEADER_BUFFER_ROWS) decide()
      continue
    }
    // Rows of ignored sheets are still read: the streaming reader must pass them to reach the next sheet.
    if (validator) (validator as ListValidator).processRow(row)
  }
  if (!decided) decide()
}

function finaliseResult(
  result: AnnexAValidationResult,
  ctx: ValidationContext,
  validators: ListValidator[],
  library: ListLibrary,
): void {
  const order = new Map(library.lists.map((l, i) => [l.key, i]))
  const columnOrder = new Map<string, number>()
  for (const l of library.lists) l.columns.forEach((c, i) => columnOrder.set(`${l.key}\u0000${c.label}`, i))
  // Sort keys computed once per problem: most arrive in order, but list-end and cross-list findings do not.
  const keyed = ctx.problems.map((p) => ({
    p,
    list: p.list === null ? -1 : (order.get(p.list) ?? 99),
    row: p.row ?? 0,
    column: p.column === null ? -1 : p.list === null ? 999 : (columnOrder.get(`${p.list}\u0000${p.column}`) ?? 999),
  }))
  keyed.sort((a, b) => a.list - b.list || a.row - b.row || a.column - b.column)
  ctx.problems.length = 0
  for (const k of keyed) ctx.problems.push(k.p)
  result.problems = ctx.problems
  const tally = new Map<string, { errors: number; queries: number }>()
  for (const p of ctx.problems) {
    if (p.list === null) continue
    const t = tally.get(p.list) ?? { errors: 0, queries: 0 }
    if (p.severity === 'error') t.errors++
    else t.queries++
    tally.set(p.list, t)
  }
  validators.sort((a, b) => (order.get(a.key) ?? 99) - (order.get(b.key) ?? 99))
  result.lists = validators.map((v) => {
    let accepted = 0
    let withProblems = 0
    for (const row of v.rowsByNumber.values()) {
      if (row.errors === 0) accepted++
      if (row.errors + row.queries > 0) withProblems++
    }
    const errors = tally.get(v.key)?.errors ?? 0
    const queries = tally.get(v.key)?.queries ?? 0
    return {
      list: v.key,
      title: v.list.title,
      sheet: v.sheetName,
      headerRow: v.headerRow,
      rowsRead: v.rowsRead,
      rowsAccepted: accepted,
      rowsWithProblems: withProblems,
      errors,
      queries,
    }
  })
  result.rows = ctx.rows.sort((a, b) => (order.get(a.list) ?? 99) - (order.get(b.list) ?? 99) || a.row - b.row)
  result.unmapped = [...ctx.unmapped.values()].sort((a, b) => b.count - a.count)
  result.mappingMethods = ctx.mappingMethods
  result.problemsByRule = summariseByRule(result)
}
