import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { ACCEPTED_EXTENSIONS, detectFileType, type FileType } from './fileTypes'

/** A stored (uncompressed) zip local file header followed by its data, as office suites write. */
function zipEntry(name: string, content = ''): Buffer {
  const header = Buffer.alloc(30)
  header.writeUInt32LE(0x04034b50, 0)
  header.writeUInt16LE(20, 4)
  header.writeUInt32LE(Buffer.byteLength(content), 18)
  header.writeUInt32LE(Buffer.byteLength(content), 22)
  header.writeUInt16LE(Buffer.byteLength(name), 26)
  return Buffer.concat([header, Buffer.from(name), Buffer.from(content)])
}
const zip = (...names: string[]): Buffer => Buffer.concat(names.map((n) => zipEntry(n, '<x/>')))
const odf = (mime: string): Buffer => Buffer.concat([zipEntry('mimetype', mime), zipEntry('content.xml', '<x/>')])

const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n', 'latin1')
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46])
const DOCX = zip('[Content_Types].xml', '_rels/.rels', 'word/document.xml')
const PPTX = zip('[Content_Types].xml', '_rels/.rels', 'ppt/presentation.xml')
const ODT = odf('application/vnd.oasis.opendocument.text')
const ODS = odf('application/vnd.oasis.opendocument.spreadsheet')
const OLE = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)])
const EML = Buffer.from(
  'Received: from mx\r\nFrom: a@example.org\r\nTo: b@example.org\r\nSubject: Strategy meeting\r\n\r\nHello',
)
const CSV = Buffer.from('child_id,date,agency\r\n1,2025-01-02,Police\r\n')
const TXT = Buffer.from('Notes from the strategy discussion — agreed actions.\n', 'utf8')
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 0x90)])

async function realXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.addWorksheet('Audit').addRow(['a', 1])
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** An OLE file whose root directory entry carries the Windows Installer CLSID. */
function msi(): Buffer {
  const file = Buffer.alloc(512 * 3)
  OLE.copy(file, 0, 0, 8)
  file.writeUInt16LE(9, 0x1e) // 512-byte sectors
  file.writeUInt32LE(0, 0x30) // directory starts at sector 0, i.e. byte 512
  Buffer.from([0x84, 0x10, 0x0c, 0x00, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46]).copy(file, 512 + 0x50)
  return file
}

describe('detectFileType accepts each allowed type when content and name agree', () => {
  const cases: [Buffer, string, FileType][] = [
    [PDF, 'Audit report.pdf', 'pdf'],
    [PNG, 'chart.PNG', 'png'],
    [JPEG, 'photo.jpg', 'jpeg'],
    [JPEG, 'photo.jpeg', 'jpeg'],
    [DOCX, 'plan.docx', 'docx'],
    [PPTX, 'briefing.pptx', 'pptx'],
    [ODT, 'minutes.odt', 'odt'],
    [ODS, 'tracker.ods', 'ods'],
    [OLE, 'referral.msg', 'msg'],
    [EML, 'referral.eml', 'eml'],
    [CSV, 'cases.csv', 'csv'],
    [TXT, 'notes.txt', 'txt'],
    [Buffer.from([0xff, 0xfe, 0x41, 0x00, 0x2c, 0x00]), 'unicode.txt', 'txt'],
  ]
  it.each(cases.map(([bytes, name, type]) => ({ bytes, name, type })))('$name', ({ bytes, name, type }) => {
    expect(detectFileType(bytes, name)).toMatchObject({ ok: true, type })
  })

  it('recognises a real workbook written by exceljs from its first 8 KB', async () => {
    const bytes = (await realXlsx()).subarray(0, 8192)
    expect(detectFileType(bytes, 'audit.xlsx')).toEqual({
      ok: true,
      type: 'xlsx',
      mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      extension: 'xlsx',
    })
  })

  it('accepts an Office package whose part names lie beyond the bytes seen', () => {
    expect(detectFileType(zip('[Content_Types].xml'), 'big.docx')).toMatchObject({ ok: true, type: 'docx' })
  })
})

describe('detectFileType refuses programs whatever they are called', () => {
  const programs: [string, Buffer][] = [
    ['Windows exe', EXE],
    ['ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])],
    ['Mach-O', Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1])],
    ['shell script', Buffer.from('#!/bin/sh\nrm -rf /\n')],
    ['script after a BOM', Buffer.from('\uFEFF#!/usr/bin/env python\n')],
    ['Java archive', zip('META-INF/MANIFEST.MF', 'com/x/Main.class')],
    ['Windows Installer', msi()],
  ]
  it.each(programs)('%s renamed to report.pdf, notes.txt or mail.msg', (_label, bytes) => {
    for (const name of ['report.pdf', 'notes.txt', 'mail.msg']) {
      const result = detectFileType(bytes, name)
      expect(result).toMatchObject({ ok: false, reason: 'program' })
      if (!result.ok)
        expect(result.message).toMatch(
          new RegExp(`^The file ‘${name}’ is a program, not a document\\. Upload a PDF, Word, Excel`),
        )
    }
  })
})

describe('detectFileType refuses files whose content and name disagree', () => {
  it.each(
    (
      [
        [PNG, 'report.pdf', 'is a PNG image, but its name ends in .pdf'],
        [PDF, 'chart.png', 'is a PDF, but its name ends in .png'],
        [DOCX, 'audit.xlsx', 'is a Word document, but its name ends in .xlsx'],
        [ODS, 'minutes.odt', 'is an OpenDocument spreadsheet, but its name ends in .odt'],
        [zip('photos/one.jpg'), 'plan.docx', 'is a compressed (zip) file, but its name ends in .docx'],
        [DOCX, 'notes.txt', 'is a Word document, but its name ends in .txt'],
        [OLE, 'plan.docx', 'is an older Microsoft Office or Outlook file'],
        [Buffer.from([1, 2, 0, 4, 5]), 'cases.csv', 'is not a text file'],
      ] as [Buffer, string, string][]
    ).map(([bytes, name, fragment]) => ({ bytes, name, fragment })),
  )('$name: $fragment', ({ bytes, name, fragment }) => {
    const result = detectFileType(bytes, name)
    expect(result).toMatchObject({ ok: false, reason: 'mismatch' })
    if (!result.ok) expect(result.message).toContain(fragment)
  })

  it('refuses a text file pretending to be a PDF, saying how to fix it', () => {
    expect(detectFileType(TXT, 'report.pdf')).toEqual({
      ok: false,
      reason: 'unrecognised',
      message: 'The file ‘report.pdf’ is not a PDF, or it is damaged. Open it, save it again as a PDF and upload that.',
      extension: 'pdf',
      found: null,
    })
  })

  it.each([
    [DOCX, 'audit.xlsx', 'docx'],
    [zip('photos/one.jpg'), 'plan.docx', 'zip'],
    [OLE, 'plan.docx', 'ole'],
    [Buffer.from([1, 2, 0, 4, 5]), 'cases.csv', 'not-text'],
  ] as [Buffer, string, string][])(
    'says what %#: %s really is, for callers that word refusals their own way',
    (bytes, name, found) => {
      expect(detectFileType(bytes, name)).toMatchObject({
        ok: false,
        reason: 'mismatch',
        extension: name.split('.').pop(),
        found,
      })
    },
  )

  it('refuses a text file named .eml that is not an email', () => {
    expect(detectFileType(TXT, 'mail.eml')).toMatchObject({ ok: false, reason: 'unrecognised' })
  })
})

describe('detectFileType refuses types that are not allowed', () => {
  it.each(['archive.zip', 'old.doc', 'page.html', 'README', 'noext.'])('%s', (name) => {
    const result = detectFileType(TXT, name)
    expect(result).toMatchObject({ ok: false, reason: 'not-allowed' })
    if (!result.ok) expect(result.message).toContain('is not a type you can upload. Upload a PDF')
  })

  it('refuses empty content', () => {
    expect(detectFileType(Buffer.alloc(0), 'a.pdf')).toMatchObject({ ok: false, reason: 'empty' })
  })
})

it('lists every accepted extension for the file picker', () => {
  expect(ACCEPTED_EXTENSIONS).toBe('.pdf,.docx,.xlsx,.pptx,.odt,.ods,.png,.jpg,.jpeg,.txt,.csv,.eml,.msg')
})
