import type { ServerResponse } from 'node:http'
import ExcelJS from 'exceljs'
import { EVIDENCE_STATUS_LABELS } from '../../../domain/evidenceStatus'
import type { EvidenceService, Requirement } from '../../../services/evidenceService'
import { safeXlsxValue, sendXlsx, streamZip, type ZipEntry } from '../../exports'
import type { CellValue } from '../../exports'
import { sanitiseFilename } from '../../uploads'

const CHECKLIST_COLUMNS: { header: string; width: number; value: (r: Requirement) => CellValue }[] = [
  { header: 'Agency', width: 28, value: (r) => r.agency_name },
  { header: 'Requirement', width: 40, value: (r) => r.title },
  { header: 'Source', width: 14, value: (r) => (r.document_id ? 'Framework' : 'Local') },
  { header: 'Status', width: 16, value: (r) => EVIDENCE_STATUS_LABELS[r.status] },
  { header: 'Current version', width: 10, value: (r) => r.version_number },
  { header: 'File', width: 30, value: (r) => r.filename },
  { header: 'Uploaded by', width: 20, value: (r) => r.uploaded_by_name },
  { header: 'Uploaded', width: 12, value: (r) => r.uploaded_at },
  { header: 'Approved by', width: 20, value: (r) => r.approved_by_name },
  { header: 'Approved', width: 12, value: (r) => r.approved_at },
  { header: 'Signed off by', width: 20, value: (r) => r.signed_off_by_name },
  { header: 'Signed off', width: 12, value: (r) => r.signed_off_at },
  { header: 'Why not available', width: 40, value: (r) => r.not_available_rationale },
  { header: 'Not available confirmed by', width: 20, value: (r) => r.not_available_confirmed_by_name },
  { header: 'Review by', width: 12, value: (r) => r.reviewBy },
  { header: 'Past review date', width: 10, value: (r) => (r.reviewBy ? (r.stale ? 'Yes' : 'No') : null) },
  { header: 'Provided to inspectors', width: 12, value: (r) => r.provided_on },
  { header: 'Open QA comments', width: 10, value: (r) => r.open_comments },
  { header: 'SHA-256', width: 66, value: (r) => r.sha256 },
]

/** The checklist as the spreadsheet partnerships used to keep by hand; every cell formula-safe. */
export async function sendChecklist(res: ServerResponse, rows: Requirement[]): Promise<void> {
  await sendXlsx(res, 'evidence-checklist.xlsx', (workbook) => {
    const sheet = workbook.addWorksheet('Checklist', { views: [{ state: 'frozen', ySplit: 1 }] })
    sheet.columns = CHECKLIST_COLUMNS.map((c) => ({ header: c.header, width: c.width }))
    sheet.getRow(1).font = { bold: true }
    for (const r of rows) sheet.addRow(CHECKLIST_COLUMNS.map((c) => safeXlsxValue(c.value(r)))).commit()
  })
}

interface PackDocument {
  path: string
  requirement: Requirement
}

/**
 * Paths inside the pack, decided here rather than by the zip writer so SHA256SUMS and index.xlsx
 * name exactly what is in the archive: "<agency>/<requirement> - <file name>", cleaned the same
 * way the zip writer cleans names (so it leaves them alone) and made unique.
 */
export function packPaths(rows: Requirement[]): PackDocument[] {
  const taken = new Set<string>()
  const out: PackDocument[] = []
  for (const r of rows) {
    if ((r.status !== 'approved' && r.status !== 'signed-off') || !r.file_key || !r.filename) continue
    const folder = sanitiseFilename(r.agency_name)
    const file = sanitiseFilename(`${r.title} - ${r.filename}`)
    const dot = file.lastIndexOf('.')
    const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, '']
    for (let n = 1; ; n++) {
      const candidate = `${folder}/${n === 1 ? file : sanitiseFilename(`${stem} (${n})${ext}`)}`
      if (!taken.has(candidate.toLowerCase())) {
        taken.add(candidate.toLowerCase())
        out.push({ path: candidate, requirement: r })
        break
      }
    }
  }
  return out
}

async function indexWorkbook(rows: Requirement[], paths: Map<string, string>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Index')
  const columns: [string, number, (r: Requirement) => CellValue][] = [
    ['Requirement', 40, (r) => r.title],
    ['Agency', 28, (r) => r.agency_name],
    ['Status', 16, (r) => EVIDENCE_STATUS_LABELS[r.status]],
    ['Version', 10, (r) => r.version_number],
    ['File in this pack', 50, (r) => paths.get(r.id) ?? null],
    ['Uploaded by', 20, (r) => r.uploaded_by_name],
    ['Uploaded', 12, (r) => r.uploaded_at],
    ['Approver', 20, (r) => r.approved_by_name ?? r.not_available_confirmed_by_name],
    ['Approved', 12, (r) => r.approved_at ?? r.not_available_confirmed_at],
    ['Signed off by', 20, (r) => r.signed_off_by_name],
    ['Signed off', 12, (r) => r.signed_off_at],
    ['Why not available', 40, (r) => r.not_available_rationale],
    ['Review by', 12, (r) => r.reviewBy],
    ['SHA-256', 66, (r) => (paths.has(r.id) ? r.sha256 : null)],
  ]
  sheet.columns = columns.map(([header, width]) => ({ header, width }))
  sheet.getRow(1).font = { bold: true }
  for (const r of rows) sheet.addRow(columns.map(([, , value]) => safeXlsxValue(value(r))))
  return Buffer.from(await workbook.xlsx.writeBuffer())
}

/**
 * Streams the evidence pack: a folder per agency with the current approved version of each
 * document, index.xlsx listing every requirement (so gaps and reasons show too) and SHA256SUMS in
 * the format `sha256sum -c` checks. Files are read one at a time, as fast as the client downloads.
 */
export async function sendEvidencePack(res: ServerResponse, evidence: Pick<EvidenceService, 'openFile'>, rows: Requirement[]): Promise<void> {
  const documents = packPaths(rows)
  const paths = new Map(documents.map((d) => [d.requirement.id, d.path]))
  const index = await indexWorkbook(rows, paths)
  const sums = documents.map((d) => `${d.requirement.sha256}  ${d.path}\n`).join('')
  async function* entries(): AsyncGenerator<ZipEntry> {
    yield { name: 'index.xlsx', source: index }
    yield { name: 'SHA256SUMS', source: sums }
    // Stored, not deflated: office documents, PDFs and images are compressed already, and
    // deflating them again costs most of the pack's time for a few per cent.
    for (const d of documents) yield { name: d.path, source: await evidence.openFile(d.requirement.file_key!), date: d.requirement.uploaded_at ?? undefined, store: true }
  }
  await streamZip(res, 'evidence-pack.zip', entries())
}
