import { open } from 'node:fs/promises'
import { extname } from 'node:path'
import { FileRefusal } from '../../../domain/annexA/fileRefusal'

export type SniffedType = 'zip' | 'text'

const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
const ENCRYPTION_MARKERS = [Buffer.from('EncryptionInfo', 'utf16le'), Buffer.from('EncryptedPackage', 'utf16le')]

/** Reads the first `bytes` of a file. */
async function readHead(filePath: string, bytes: number): Promise<{ head: Buffer; size: number }> {
  const handle = await open(filePath, 'r')
  try {
    const { size } = await handle.stat()
    const head = Buffer.alloc(Math.min(bytes, size))
    await handle.read(head, 0, head.length, 0)
    return { head, size }
  } finally {
    await handle.close()
  }
}

async function containsAny(filePath: string, size: number, markers: Buffer[]): Promise<boolean> {
  // OLE directories sit anywhere, but encrypted workbooks keep them near the start or end; 4 MB each way is ample.
  const handle = await open(filePath, 'r')
  try {
    const window = 4 * 1024 * 1024
    const ranges =
      size <= 2 * window
        ? [[0, size]]
        : [
            [0, window],
            [size - window, window],
          ]
    for (const [start, length] of ranges) {
      const buf = Buffer.alloc(length ?? 0)
      await handle.read(buf, 0, buf.length, start ?? 0)
      if (markers.some((m) => buf.includes(m))) return true
    }
    return false
  } finally {
    await handle.close()
  }
}

function looksBinary(head: Buffer): boolean {
  const utf16 = head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
  if (utf16) return false
  let nulPairs = 0
  let control = 0
  for (let i = 0; i < head.length; i++) {
    const b = head[i] ?? 0
    if (b === 0) nulPairs++
    else if (b < 9 || (b > 13 && b < 32 && b !== 26)) control++
  }
  // UTF-16 without a BOM has a NUL in every other byte; anything else with NULs or many control bytes is binary.
  const sample = head.length || 1
  if (nulPairs > sample * 0.3 && nulPairs < sample * 0.7) return false
  return nulPairs > 0 || control > sample * 0.05
}

/**
 * Decides how to read a file from its content (never trusting the extension alone) and refuses the kinds we cannot
 * read with a sentence that says what to do. `displayName` is the name the person uploaded, for its extension.
 */
export async function sniffFileType(filePath: string, displayName: string): Promise<SniffedType> {
  const { head, size } = await readHead(filePath, 8192)
  const ext = extname(displayName).toLowerCase()
  if (size === 0)
    throw new FileRefusal(
      'file.empty',
      'The file is empty (0 bytes): export the Annex A workbook again and upload the new file.',
    )
  if (head.subarray(0, 8).equals(CFB_SIGNATURE)) {
    if (await containsAny(filePath, size, ENCRYPTION_MARKERS)) {
      throw new FileRefusal(
        'file.password-protected',
        'The workbook is password-protected: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), save and upload it again.',
      )
    }
    throw new FileRefusal(
      'file.legacy-xls',
      'This is an old-style Excel 97–2003 (.xls) file: open it in Excel and save it as an Excel Workbook (.xlsx), then upload that.',
    )
  }
  const isZip =
    head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)
  if (isZip) {
    if (ext === '.csv' || ext === '.txt') {
      throw new FileRefusal(
        'file.wrong-extension',
        `The file is named ${ext} but is actually an Excel workbook: rename it to .xlsx and upload it again.`,
      )
    }
    return 'zip'
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    throw new FileRefusal(
      'file.not-spreadsheet',
      'This is a PDF, not a spreadsheet: upload the Annex A workbook (.xlsx) or a CSV file for one list.',
    )
  }
  if (looksBinary(head)) {
    throw new FileRefusal(
      'file.not-spreadsheet',
      'This file is neither an Excel workbook (.xlsx) nor a CSV text file: upload the Annex A workbook as .xlsx, or a list as .csv.',
    )
  }
  const start = head
    .subarray(0, 200)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase()
  if (
    start.startsWith('<?xml') ||
    start.startsWith('<html') ||
    start.startsWith('<!doctype') ||
    start.startsWith('<table')
  ) {
    throw new FileRefusal(
      'file.xml-or-html',
      'This is an XML or web-page export rather than a real workbook: open it in Excel, save it as an Excel Workbook (.xlsx) and upload that.',
    )
  }
  if (ext === '.xlsx' || ext === '.xlsm' || ext === '.xls') {
    throw new FileRefusal(
      'file.wrong-extension',
      `The file is named ${ext} but contains plain text: if it is a CSV export, rename it to .csv and upload it again.`,
    )
  }
  return 'text'
}
