import type { ServerResponse } from 'node:http'
import ExcelJS from 'exceljs'
import { EVIDENCE_STATUS_LABELS } from '../../domain/evidenceStatus'
import type { EvidenceService, Requirement, VersionRow } from './service'
import { safeXlsxValue, sendXlsx, streamZip, type ZipEntry } from '../../web/exports'
import type { CellValue } from '../../web/exports'
import { XLSX_DATE_FORMAT, xlsxDate } from '../../web/exports/xlsx'
import { sanitiseFilename } from '../../web/uploads'

/**
 * A workbook column: its header, width and value. A `date` column holds real date cells: the date
 * on UK clocks (of an instant, or a calendar date as it is) shown as "2 December 2026".
 */
interface Column<T> {
  header: string
  width: number
  value: (r: T) => CellValue
  date?: true
}

/** The row's cell values, formula-safe, dates as {@link xlsxDate} makes them. */
function cellValues<T>(columns: readonly Column<T>[], r: T) {
  return columns.map((c) => (c.date ? xlsxDate(c.value(r) as Date | string | null) : safeXlsxValue(c.value(r))))
}

/** Sets the date format on the row's date cells. */
function formatDates<T>(columns: readonly Column<T>[], row: ExcelJS.Row): void {
  columns.forEach((c, i) => {
    if (c.date) row.getCell(i + 1).numFmt = XLSX_DATE_FORMAT
  })
}

const CHECKLIST_COLUMNS: Column<Requirement>[] = [
  { header: 'Agency', width: 28, value: (r) => r.agency_name },
  { header: 'Requirement', width: 40, value: (r) => r.title },
  { header: 'Source', width: 14, value: (r) => (r.document_id ? 'Framework' : 'Local') },
  { header: 'Status', width: 16, value: (r) => EVIDENCE_STATUS_LABELS[r.status] },
  { header: 'Current version', width: 10, value: (r) => r.version_number },
  { header: 'File', width: 30, value: (r) => r.filename },
  { header: 'Uploaded by', width: 20, value: (r) => r.uploaded_by_name },
  { header: 'Uploaded', width: 18, value: (r) => r.uploaded_at, date: true },
  { header: 'Approved by', width: 20, value: (r) => r.approved_by_name },
  { header: 'Approved', width: 18, value: (r) => r.approved_at, date: true },
  { header: 'Signed off by', width: 20, value: (r) => r.signed_off_by_name },
  { header: 'Signed off', width: 18, value: (r) => r.signed_off_at, date: true },
  { header: 'Why not available', width: 40, value: (r) => r.not_available_rationale },
  { header: 'Not available confirmed by', width: 20, value: (r) => r.not_available_confirmed_by_name },
  { header: 'Review by', width: 18, value: (r) => r.reviewBy, date: true },
  { header: 'Past review date', width: 10, value: (r) => (r.reviewBy ? (r.stale ? 'Yes' : 'No') : null) },
  { header: 'Provided to inspectors', width: 18, value: (r) => r.providedOn, date: true },
  { header: 'Open QA comments', width: 10, value: (r) => r.open_comments },
  { header: 'SHA-256', width: 66, value: (r) => r.sha256 },
]

/** The checklist as the spreadsheet partnerships used to keep by hand; every cell formula-safe. */
export async function sendChecklist(res: ServerResponse, rows: Requirement[]): Promise<void> {
  await sendXlsx(res, 'evidence-checklist.xlsx', (workbook) => {
    const sheet = workbook.addWorksheet('Checklist', { views: [{ state: 'frozen', ySplit: 1 }] })
    sheet.columns = CHECKLIST_COLUMNS.map((c) => ({ header: c.header, width: c.width }))
    sheet.getRow(1).font = { bold: true }
    for (const r of rows) {
      const row = sheet.addRow(cellValues(CHECKLIST_COLUMNS, r))
      formatDates(CHECKLIST_COLUMNS, row)
      row.commit()
    }
  })
}

/** The version of a requirement that goes in the pack: its newest approved one. */
export type PackVersion = Pick<
  VersionRow,
  | 'id'
  | 'version'
  | 'file_key'
  | 'filename'
  | 'sha256'
  | 'uploaded_at'
  | 'uploaded_by_name'
  | 'approved_at'
  | 'approved_by_name'
  | 'signed_off_at'
  | 'signed_off_by_name'
>

interface PackDocument {
  path: string
  requirement: Requirement
  version: PackVersion
}

/**
 * Paths inside the pack, decided here rather than by the zip writer so SHA256SUMS and index.xlsx
 * name exactly what is in the archive: "<agency>/<requirement> - <file name>", cleaned the same
 * way the zip writer cleans names (so it leaves them alone) and made unique. One file per
 * requirement: its newest approved version, even while a newer version waits for approval.
 */
export function packPaths(rows: Requirement[], approved: ReadonlyMap<string, PackVersion>): PackDocument[] {
  const taken = new Set<string>()
  const out: PackDocument[] = []
  for (const r of rows) {
    const version = approved.get(r.id)
    if (!version) continue
    const folder = sanitiseFilename(r.agency_name)
    const file = sanitiseFilename(`${r.title} - ${version.filename}`)
    const dot = file.lastIndexOf('.')
    const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, '']
    for (let n = 1; ; n++) {
      const candidate = `${folder}/${n === 1 ? file : sanitiseFilename(`${stem} (${n})${ext}`)}`
      if (!taken.has(candidate.toLowerCase())) {
        taken.add(candidate.toLowerCase())
        out.push({ path: candidate, requirement: r, version })
        break
      }
    }
  }
  return out
}

/** The index's columns, in order (the route tests spell out the same names). */
const PACK_INDEX_COLUMNS = [
  'Requirement',
  'Agency',
  'Status',
  'Version in this pack',
  'Status of that version',
  'Latest version',
  'File in this pack',
  'Uploaded by',
  'Uploaded',
  'Approver',
  'Approved',
  'Signed off by',
  'Signed off',
  'Why not available',
  'Review by',
  'SHA-256',
] as const

async function indexWorkbook(rows: Requirement[], documents: Map<string, PackDocument>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Index', { views: [{ state: 'frozen', ySplit: 1 }] })
  const v = (r: Requirement) => documents.get(r.id)?.version
  const columns: Record<(typeof PACK_INDEX_COLUMNS)[number], [number, (r: Requirement) => CellValue, 'date'?]> = {
    Requirement: [40, (r) => r.title],
    Agency: [28, (r) => r.agency_name],
    Status: [16, (r) => EVIDENCE_STATUS_LABELS[r.status]],
    'Version in this pack': [10, (r) => v(r)?.version ?? null],
    'Status of that version': [16, (r) => (v(r) ? (v(r)!.signed_off_at ? 'Signed off' : 'Approved') : null)],
    'Latest version': [10, (r) => r.version_number],
    'File in this pack': [50, (r) => documents.get(r.id)?.path ?? null],
    'Uploaded by': [20, (r) => v(r)?.uploaded_by_name ?? null],
    Uploaded: [18, (r) => v(r)?.uploaded_at ?? null, 'date'],
    Approver: [
      20,
      (r) => (v(r) ? v(r)!.approved_by_name : r.status === 'not-available' ? r.not_available_confirmed_by_name : null),
    ],
    Approved: [
      18,
      (r) => (v(r) ? v(r)!.approved_at : r.status === 'not-available' ? r.not_available_confirmed_at : null),
      'date',
    ],
    'Signed off by': [20, (r) => v(r)?.signed_off_by_name ?? null],
    'Signed off': [18, (r) => v(r)?.signed_off_at ?? null, 'date'],
    'Why not available': [40, (r) => r.not_available_rationale],
    'Review by': [18, (r) => r.reviewBy, 'date'],
    'SHA-256': [66, (r) => v(r)?.sha256 ?? null],
  }
  const indexColumns: Column<Requirement>[] = PACK_INDEX_COLUMNS.map((header) => {
    const [width, value, date] = columns[header]
    return date ? { header, width, value, date: true } : { header, width, value }
  })
  sheet.columns = indexColumns.map((c) => ({ header: c.header, width: c.width }))
  sheet.getRow(1).font = { bold: true }
  for (const r of rows) formatDates(indexColumns, sheet.addRow(cellValues(indexColumns, r)))
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/**
 * Streams the evidence pack: a folder per agency with the newest approved version of each
 * document, index.xlsx listing every requirement (so gaps and reasons show too) and SHA256SUMS in
 * the format `sha256sum -c` checks. Files are read one at a time, as fast as the client downloads.
 */
export async function sendEvidencePack(
  res: ServerResponse,
  evidence: Pick<EvidenceService, 'openFile'>,
  contents: { rows: Requirement[]; approved: ReadonlyMap<string, PackVersion> },
): Promise<void> {
  const documents = packPaths(contents.rows, contents.approved)
  const index = await indexWorkbook(contents.rows, new Map(documents.map((d) => [d.requirement.id, d])))
  const sums = documents.map((d) => `${d.version.sha256}  ${d.path}\n`).join('')
  async function* entries(): AsyncGenerator<ZipEntry> {
    yield { name: 'index.xlsx', source: index }
    yield { name: 'SHA256SUMS', source: sums }
    // Stored, not deflated: office documents, PDFs and images are compressed already, and
    // deflating them again costs most of the pack's time for a few per cent.
    for (const d of documents)
      yield {
        name: d.path,
        source: await evidence.openFile(d.version.file_key),
        date: d.version.uploaded_at,
        store: true,
      }
  }
  await streamZip(res, 'evidence-pack.zip', entries())
}
