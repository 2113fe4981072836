import yauzl, { type Entry, type ZipFile } from 'yauzl'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'

/** Limits checked before exceljs inflates anything; generous for real Annex A workbooks, fatal for zip bombs. */
export interface ZipLimits {
  maxEntries: number
  maxUncompressedBytes: number
  /** Largest uncompressed/compressed ratio allowed for an entry bigger than 1 MB. Spreadsheet XML is rarely above 100. */
  maxCompressionRatio: number
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 5_000,
  maxUncompressedBytes: 1024 ** 3,
  maxCompressionRatio: 250,
}

export interface WorkbookFacts {
  /** The workbook counts dates from 1904 (old Mac Excel). */
  date1904: boolean
  /** exceljs applies the 1904 offset itself only when the flag is written "1"; "true" needs our correction. */
  exceljsAppliesDate1904: boolean
  /** Worksheets in workbook order: the tab name, the zip path of its XML and that XML's size in bytes. */
  sheets: Array<{ name: string; path: string; bytes: number }>
}

const SMALL_ENTRY_LIMIT = 20 * 1024 * 1024

/** Opens a zip with yauzl, which checks each entry's real size against its header while inflating. */
export function openZip(filePath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      filePath,
      { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true },
      (err, zip) => {
        if (err || !zip) reject(err ?? new Error('no zip'))
        else resolve(zip)
      },
    )
  })
}

function readEntry(zip: ZipFile, entry: Entry): Promise<string> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'))
      const chunks: Buffer[] = []
      let total = 0
      stream.on('data', (c: Buffer) => {
        total += c.length
        if (total > SMALL_ENTRY_LIMIT) stream.destroy(new Error('entry too large'))
        else chunks.push(c)
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
  })
}

const BROKEN =
  'The workbook is damaged (its zip structure is broken or it was cut short while copying): export or save it again from Excel and upload the new file.'

function attr(tag: string, name: string): string | null {
  return new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1] ?? null
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

/**
 * Inspects an .xlsx zip without inflating its worksheets: refuses broken, oversized, encrypted, macro-enabled and
 * non-workbook zips, and learns the date system and sheet names the streaming reader needs.
 */
export async function precheckWorkbookZip(
  filePath: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<WorkbookFacts> {
  let zip: ZipFile
  try {
    zip = await openZip(filePath)
  } catch {
    throw new FileRefusal('zip.broken', BROKEN)
  }
  try {
    let count = 0
    let total = 0
    const texts = new Map<string, string>()
    const wanted = new Set(['[content_types].xml', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'mimetype'])
    let hasVba = false
    const entrySizes = new Map<string, number>()
    await new Promise<void>((resolve, reject) => {
      zip.on('error', () => reject(new FileRefusal('zip.broken', BROKEN)))
      zip.on('end', () => resolve())
      zip.on('entry', (entry: Entry) => {
        void (async () => {
          count++
          if (count > limits.maxEntries) {
            throw new FileRefusal(
              'zip.too-many-entries',
              `The workbook contains more than ${limits.maxEntries.toLocaleString('en-GB')} internal files, far more than any Annex A workbook: save the lists into a fresh workbook and upload that.`,
            )
          }
          if ((entry.generalPurposeBitFlag & 0x1) !== 0) {
            throw new FileRefusal(
              'zip.encrypted',
              'The workbook is encrypted: remove the password in Excel, save it and upload it again.',
            )
          }
          total += entry.uncompressedSize
          if (total > limits.maxUncompressedBytes) {
            throw new FileRefusal(
              'zip.too-large',
              `The workbook would expand to more than ${Math.round(limits.maxUncompressedBytes / 1024 ** 2).toLocaleString('en-GB')} MB, which is far larger than an Annex A return: check it is the right file, or split the lists across smaller workbooks.`,
            )
          }
          const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize)
          if (entry.uncompressedSize > 1024 * 1024 && ratio > limits.maxCompressionRatio) {
            throw new FileRefusal(
              'zip.bomb',
              'The workbook is compressed to an implausible degree (a "zip bomb"), so we have not opened it: upload the Annex A workbook exported from your case management system.',
            )
          }
          const name = entry.fileName.toLowerCase()
          entrySizes.set(name, entry.uncompressedSize)
          if (name === 'xl/vbaproject.bin' || name.endsWith('/vbaproject.bin')) hasVba = true
          if (wanted.has(name)) texts.set(name, await readEntry(zip, entry))
          zip.readEntry()
        })().catch(reject)
      })
      zip.readEntry()
    })
    const contentTypes = texts.get('[content_types].xml') ?? ''
    if (hasVba || /macroEnabled/i.test(contentTypes)) {
      throw new FileRefusal(
        'file.macro-enabled',
        'The workbook contains macros (.xlsm), which we do not open: in Excel choose File > Save As > Excel Workbook (.xlsx) and upload that copy.',
      )
    }
    if ((texts.get('mimetype') ?? '').includes('opendocument')) {
      throw new FileRefusal(
        'file.opendocument',
        'This is an OpenDocument spreadsheet (.ods): save it as an Excel Workbook (.xlsx) and upload that.',
      )
    }
    const workbookXml = texts.get('xl/workbook.xml')
    if (!workbookXml) {
      throw new FileRefusal(
        'file.not-workbook',
        'This zip file is not an Excel workbook (it may be a Word document or a zipped folder): upload the Annex A workbook (.xlsx).',
      )
    }
    const workbookPr = /<(?:\w+:)?workbookPr\b[^>]*>/.exec(workbookXml)?.[0] ?? ''
    const flag = (attr(workbookPr, 'date1904') ?? '').toLowerCase()
    const date1904 = flag === '1' || flag === 'true' || flag === 'on'
    const targets = new Map<string, string>()
    for (const rel of (texts.get('xl/_rels/workbook.xml.rels') ?? '').match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
      const id = attr(rel, 'Id')
      const target = attr(rel, 'Target')
      if (!id || !target || !/worksheet/i.test(attr(rel, 'Type') ?? '')) continue
      // Targets are relative to xl/ unless absolute within the package.
      targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/'))
    }
    const sheets: WorkbookFacts['sheets'] = []
    for (const sheet of workbookXml.match(/<(?:\w+:)?sheet\b[^>]*>/g) ?? []) {
      const name = attr(sheet, 'name')
      const path = targets.get(attr(sheet, 'r:id') ?? '')
      const bytes = path ? entrySizes.get(path.toLowerCase()) : undefined
      if (name && path && bytes !== undefined) sheets.push({ name: decodeXml(name), path, bytes })
    }
    return { date1904, exceljsAppliesDate1904: flag === '1', sheets }
  } catch (error) {
    if (error instanceof FileRefusal) throw error
    throw new FileRefusal('zip.broken', BROKEN)
  } finally {
    zip.close()
  }
}
