import type { AnnexAValidationResult, ListRef, Problem, RuleSummary } from '../../domain/annexA'
import type { ColumnType } from '../../domain/annexA/specSchema'
import { withoutCodeLetter } from '../../domain/annexA/normaliseText'
import { formatDate, formatDateTime } from '../../domain/calendar'
import type { ImportRow } from './repository'
import { foundLabel } from '../../domain/fileTypes'
import { countsOf, queryReasonField, type ValidationJob } from './service'
import type { UploadError } from '../../web/uploads'

export const STATUS_LABELS = {
  validated: 'Checked, not accepted',
  accepted: 'Accepted',
  superseded: 'Replaced by a later file',
} as const

/** The result page: per list, problems grouped by rule, and what the person can do next. */
/** "12,000 rows read so far (about 40% of the file), now reading List 3." */
export function progressSentence(
  job: Pick<ValidationJob, 'rowsRead' | 'percent' | 'list'> & Partial<Pick<ValidationJob, 'state' | 'ahead'>>,
): string {
  if (job.state === 'queued') {
    return !job.ahead
      ? 'Waiting to start: this file is next.'
      : `Waiting to start: ${job.ahead.toLocaleString('en-GB')} ${job.ahead === 1 ? 'file is' : 'files are'} being checked first.`
  }
  const rows = `${job.rowsRead.toLocaleString('en-GB')} ${job.rowsRead === 1 ? 'row' : 'rows'} read so far`
  const share = job.percent === null ? '' : ` (about ${job.percent}% of the file)`
  return `${rows}${share}${job.list ? `, now reading ${job.list}` : ''}.`
}

export function presentResult(imp: ImportRow, result: AnnexAValidationResult) {
  const counts = countsOf(result)
  const fileProblems = result.problems.filter((p) => p.list === null)
  return {
    importId: imp.id,
    fileName: imp.file_name,
    status: imp.status,
    statusLabel: STATUS_LABELS[imp.status],
    notifiedOn: imp.notified_on,
    acceptedAt: imp.accepted_at,
    acceptedBy: imp.accepted_by_name,
    queriesReason: imp.queries_reason,
    queriesReasons: imp.queries_reasons ?? [],
    /** Each kind of query still in the file, with the accept form's field for its reason. */
    queryRules: result.problemsByRule
      .filter((r) => r.severity === 'query')
      .map((r) => ({ rule: r.rule, title: r.title, count: r.count, field: queryReasonField(r.rule) })),
    requested: presentRequested(result),
    readable: result.readable,
    counts,
    lists: result.lists,
    rules: result.problemsByRule.map((r: RuleSummary) => ({
      ...r,
      lists: [...new Set(result.problems.filter((p) => p.rule === r.rule).map((p) => p.list ?? 'File'))],
    })),
    fileProblems,
    ignoredSheets: result.file.ignoredSheets,
    unmappedCount: new Set(result.unmapped.map((u) => `${u.columnId}|${u.normalised}`)).size,
    canAccept: imp.status === 'validated' && result.readable && counts.errors === 0 && result.lists.length > 0,
  }
}

/** The findings page's summary list: the file's notification date and counts, and its acceptance once accepted. */
export function resultRows(r: ReturnType<typeof presentResult>): { key: { text: string }; value: { text: string } }[] {
  const rows = [
    { key: { text: 'Notification date' }, value: { text: formatDate(r.notifiedOn) } },
    { key: { text: 'Rows read' }, value: { text: String(r.counts.rowsRead) } },
    { key: { text: 'Errors' }, value: { text: String(r.counts.errors) } },
    { key: { text: 'Queries' }, value: { text: String(r.counts.queries) } },
  ]
  if (r.acceptedAt)
    rows.push({
      key: { text: 'Accepted' },
      value: { text: `${formatDateTime(r.acceptedAt)}${r.acceptedBy ? ` by ${r.acceptedBy}` : ''}` },
    })
  if (r.queriesReason) rows.push({ key: { text: 'Why the queries were accepted' }, value: { text: r.queriesReason } })
  for (const q of r.queriesReasons)
    rows.push({
      key: { text: `Why ‘${q.title}’ was accepted (${q.count} ${q.count === 1 ? 'query' : 'queries'})` },
      value: { text: q.reason },
    })
  return rows
}

/**
 * For an import tied to an inspection whose framework says which lists it asks for: each list asked for
 * and whether the file has it, the lists not found, and the lists found but not asked for (ignored).
 */
function presentRequested(result: AnnexAValidationResult) {
  const requested = result.requested
  if (!requested) return null
  const missing = new Set(requested.missing.map((m) => m.list))
  const name = (l: ListRef) => (/^List \d+$/.test(l.list) ? `${l.list} (${l.title})` : l.title)
  return {
    asked: requested.asked.map((a) => ({ name: name(a), found: !missing.has(a.list) })),
    missingSentence: requested.missing.length
      ? `This inspection’s framework asks for ${listSentence(requested.missing.map(name))}: not found in the file.`
      : null,
    ignored: requested.ignored.map((i) => ({ name: name(i), sheet: i.sheet })),
  }
}

/** "A", "A and B", "A, B and C". */
function listSentence(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`
}

/** The flash after accepting: what reached the register, the milestone marked done, or what is still asked for. */
export function acceptedSentence(
  fileName: string,
  accepted: { rows: number; lists: string[]; milestone: string | null; stillNeeded: string[] },
): string {
  let sentence = `${fileName} has been accepted: ${accepted.rows} ${accepted.rows === 1 ? 'row' : 'rows'} from ${accepted.lists.join(', ')} ${accepted.rows === 1 ? 'is' : 'are'} now in the child register.`
  if (accepted.milestone) sentence += ` ‘${accepted.milestone}’ is marked done on the inspection timeline.`
  else if (accepted.stillNeeded.length) sentence += ` The inspection still needs ${listSentence(accepted.stillNeeded)}.`
  return sentence
}

/** A value as pages show it: an Ofsted code without its letter ("Female", not "b) Female"); dates as "2 December 2026". */
export function displayValue(value: string | number | null | undefined, type?: ColumnType): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  if (type === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(text)) return formatDate(text)
  return withoutCodeLetter(text)
}

export interface UnmappedChoice {
  key: string
  columnId: string
  column: string
  value: string
  normalised: string
  count: number
  lists: string[]
  rows: string
  codes: string[]
  /** The codes to choose from, each shown in plain words ("Yes" for "a) Yes"). */
  options: { value: string; text: string }[]
}

/** Values to map, once per column and spelling, however many lists they appear in. */
export function presentUnmapped(
  result: AnnexAValidationResult,
): { column: string; columnId: string; values: UnmappedChoice[] }[] {
  const byKey = new Map<string, UnmappedChoice>()
  for (const u of result.unmapped) {
    const key = `${u.columnId}|${u.normalised}`
    const existing = byKey.get(key)
    const where = `${u.list} row${u.rows.length === 1 ? '' : 's'} ${u.rows.slice(0, 5).join(', ')}${u.count > 5 ? '…' : ''}`
    if (existing) {
      existing.count += u.count
      existing.lists.push(u.list)
      existing.rows += `; ${where}`
    } else
      byKey.set(key, {
        key,
        columnId: u.columnId,
        column: u.column,
        value: u.value,
        normalised: u.normalised,
        count: u.count,
        lists: [u.list],
        rows: where,
        codes: u.codes,
        options: u.codes.map((c) => ({ value: c, text: withoutCodeLetter(c) })),
      })
  }
  const groups = new Map<string, { column: string; columnId: string; values: UnmappedChoice[] }>()
  for (const choice of byKey.values()) {
    const g = groups.get(choice.columnId) ?? { column: choice.column, columnId: choice.columnId, values: [] }
    g.values.push(choice)
    groups.set(choice.columnId, g)
  }
  return [...groups.values()]
}

export const PROBLEMS_PAGE_SIZE = 50

/** One rule's problems (optionally one list's), a page at a time. */
export function problemsFor(
  result: AnnexAValidationResult,
  rule: string,
  list: string | undefined,
  page: number,
): { problems: Problem[]; total: number; pages: number } {
  const all = result.problems.filter((p) => p.rule === rule && (!list || p.list === list))
  const pages = Math.max(1, Math.ceil(all.length / PROBLEMS_PAGE_SIZE))
  return { problems: all.slice((page - 1) * PROBLEMS_PAGE_SIZE, page * PROBLEMS_PAGE_SIZE), total: all.length, pages }
}

/**
 * The upload layer checks every file's first bytes against its name before anything is kept, and
 * refuses a mismatch in words meant for any document. For Annex A, say what is wrong with the
 * workbook and how to fix it, as the Annex A checks would (src/domain/annexA/sniffFileType.ts and
 * zipPrecheck.ts). Anything else keeps the upload layer's own message.
 */
export function annexAUploadMessage(error: UploadError): string {
  const facts = error.fileType
  if (error.code !== 'wrong-type' || !facts) return error.message
  const file = `‘${facts.filename}’`
  switch (facts.extension) {
    case 'xlsm':
    case 'xltm':
    case 'xlam':
      return `${file} is a macro-enabled workbook, which we do not open: in Excel choose File > Save As > Excel Workbook (.xlsx) and upload that copy.`
    case 'xlsb':
      return `${file} is an Excel binary workbook: in Excel choose File > Save As > Excel Workbook (.xlsx) and upload that copy.`
    case 'xls':
      return `${file} is an old-style Excel 97–2003 (.xls) file: open it in Excel and save it as an Excel Workbook (.xlsx), then upload that.`
    case 'ods':
      return `${file} is an OpenDocument spreadsheet (.ods): save it as an Excel Workbook (.xlsx) and upload that.`
    case 'xlsx':
      if (facts.found === 'ole') {
        return `${file} is password-protected (or saved in the old Excel 97–2003 format), so it cannot be read: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), save it as an Excel Workbook (.xlsx) and upload it again.`
      }
      if (facts.found === 'zip' || facts.reason === 'unrecognised' || !facts.found) {
        return `${file} is damaged or is not really an Excel workbook, so it cannot be read: open it in Excel and save it as a new Excel Workbook (.xlsx), or export it again from the case-management system, and upload that.`
      }
      return `The file ${file} is ${foundLabel(facts.found)}, but its name ends in .xlsx. Save the Annex A lists as an Excel Workbook (.xlsx) and upload that.`
    case 'csv':
      return `${file} is not a plain-text CSV file: open it in Excel, choose File > Save As > CSV UTF-8 (Comma delimited) (.csv) and upload that, or upload the Excel Workbook (.xlsx) itself.`
    default:
      return `${file} is not an Excel workbook (.xlsx) or a CSV file. Save the Annex A lists as an Excel Workbook (.xlsx), or each list as a CSV file, and upload that.`
  }
}
