import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FsFileStore } from '../../storage/fsFileStore'
import { parseUpload, type ParseUploadOptions } from './parseUpload'
import { UploadError, uploadErrors } from './uploadError'

const BOUNDARY = '----jtaiTestBoundary7MA4YWxkTrZu0gW'
type Part = { name: string; value: string } | { name: string; filename: string; content: Buffer; type?: string }

/** A multipart body built by hand, so tests control every byte a hostile client could send. */
function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type ?? 'application/octet-stream'}`
        : `form-data; name="${part.name}"`
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`))
    chunks.push('filename' in part ? part.content : Buffer.from(part.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`))
  return Buffer.concat(chunks)
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x20), Buffer.from('\n%%EOF\n')])
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4000, 0x90)])
const TEXT = Buffer.from('Strategy discussion notes\n')
const MB = 1024 * 1024

let root: string
let store: FsFileStore

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jtai-upload-'))
  store = new FsFileStore(join(root, 'files'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function storedKeys(): Promise<string[]> {
  const keys: string[] = []
  for await (const key of store.listKeys()) keys.push(key)
  return keys
}

/** Nothing stored, nothing half-written, and nothing written anywhere else under the test root. */
async function expectStoreEmpty(): Promise<void> {
  expect(await storedKeys()).toEqual([])
  expect(await readdir(join(root, 'files', 'tmp')).catch(() => [])).toEqual([])
  expect((await readdir(root)).filter((n) => n !== 'files')).toEqual([])
}

function app(options: Partial<ParseUploadOptions> = {}, onRefused?: (error: UploadError) => void): express.Express {
  const server = express()
  server.post('/upload', async (req, res) => {
    try {
      const parsed = await parseUpload(req, { store, maxFileBytes: MB, ...options })
      res.status(201).json(parsed)
    } catch (error) {
      if (!(error instanceof UploadError)) throw error
      onRefused?.(error)
      res.status(error.status).json({ code: error.code, field: error.field, message: error.message })
    }
  })
  return server
}

function post(parts: Part[], options: Partial<ParseUploadOptions> = {}): request.Test {
  return request(app(options))
    .post('/upload')
    .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
    .send(multipart(parts))
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('parseUpload: a good upload', () => {
  it('stores the file, returns its details and the text fields', async () => {
    const res = await post([
      { name: '_csrf', value: 'token-123' },
      { name: 'description', value: 'Strategy meeting minutes' },
      { name: 'file', filename: 'Minutes 12 May.pdf', content: PDF, type: 'application/pdf' },
    ])
    expect(res.status).toBe(201)
    expect(res.body.fields).toEqual({ _csrf: 'token-123', description: 'Strategy meeting minutes' })
    expect(res.body.file).toMatchObject({
      filename: 'Minutes 12 May.pdf',
      type: 'pdf',
      mime: 'application/pdf',
      size: PDF.length,
      sha256: sha256(PDF),
    })
    const key = res.body.file.key as string
    expect(await storedKeys()).toEqual([key])
    expect(await readFile(join(root, 'files', key.slice(0, 2), key))).toEqual(PDF)
  })

  it('keeps a UTF-8 filename intact', async () => {
    const res = await post([{ name: 'file', filename: 'Café – notes.txt', content: TEXT }])
    expect(res.status).toBe(201)
    expect(res.body.file.filename).toBe('Café – notes.txt')
  })

  it('accepts a file of exactly the limit', async () => {
    const exact = Buffer.concat([PDF, Buffer.alloc(MB - PDF.length, 0x20)])
    const res = await post([{ name: 'file', filename: 'exact.pdf', content: exact }])
    expect(res.status).toBe(201)
    expect(res.body.file.size).toBe(MB)
  })

  it('streams a large file through with the right hash', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(20 * MB, 0x41)])
    const res = await post([{ name: 'file', filename: 'big.pdf', content: big }], { maxFileBytes: 100 * MB })
    expect(res.status).toBe(201)
    expect(res.body.file).toMatchObject({ size: big.length, sha256: sha256(big) })
  })

  it('treats a field called __proto__ as an ordinary field', async () => {
    const res = await post([
      { name: '__proto__', value: 'polluted' },
      { name: 'file', filename: 'a.txt', content: TEXT },
    ])
    expect(res.status).toBe(201)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('can allow a form with no file when the file is optional', async () => {
    const res = await post([{ name: '_csrf', value: 't' }], { required: false })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({ fields: { _csrf: 't' } })
  })
})

describe('parseUpload: refused uploads leave nothing behind', () => {
  const cases: { label: string; parts: Part[]; status: number; code: string; message: string | RegExp }[] = [
    {
      label: 'no file chosen (only fields)',
      parts: [{ name: '_csrf', value: 't' }],
      status: 400,
      code: 'no-file',
      message: 'Select a file to upload',
    },
    {
      label: 'no file chosen (empty file input)',
      parts: [
        { name: '_csrf', value: 't' },
        { name: 'file', filename: '', content: Buffer.alloc(0) },
      ],
      status: 400,
      code: 'no-file',
      message: 'Select a file to upload',
    },
    {
      label: 'empty file',
      parts: [{ name: 'file', filename: 'report.pdf', content: Buffer.alloc(0) }],
      status: 400,
      code: 'empty',
      message: 'The file ‘report.pdf’ is empty. Check you chose the right file.',
    },
    {
      label: 'over the limit',
      parts: [{ name: 'file', filename: 'huge.pdf', content: Buffer.concat([PDF, Buffer.alloc(3 * MB)]) }],
      status: 413,
      code: 'too-large',
      message: 'The file must be smaller than 1 MB',
    },
    {
      label: 'one byte over the limit',
      parts: [{ name: 'file', filename: 'huge.pdf', content: Buffer.concat([PDF, Buffer.alloc(MB + 1 - PDF.length)]) }],
      status: 413,
      code: 'too-large',
      message: 'The file must be smaller than 1 MB',
    },
    {
      label: 'wrong type (an image called .pdf)',
      parts: [{ name: 'file', filename: 'report.pdf', content: PNG }],
      status: 400,
      code: 'wrong-type',
      message: /^The file ‘report\.pdf’ is a PNG image, but its name ends in \.pdf\./,
    },
    {
      label: 'type not allowed',
      parts: [{ name: 'file', filename: 'page.html', content: Buffer.from('<html></html>') }],
      status: 400,
      code: 'wrong-type',
      message: /is not a type you can upload\. Upload a PDF/,
    },
    {
      label: 'renamed executable',
      parts: [{ name: 'file', filename: 'report.pdf', content: EXE }],
      status: 400,
      code: 'program',
      message: /^The file ‘report\.pdf’ is a program, not a document\. Upload a PDF, Word, Excel/,
    },
    {
      label: 'large renamed executable (refused from its first bytes)',
      parts: [{ name: 'file', filename: 'budget.xlsx', content: Buffer.concat([EXE, Buffer.alloc(900 * 1024)]) }],
      status: 400,
      code: 'program',
      message: /is a program, not a document/,
    },
    {
      label: 'a name that is only path traversal',
      parts: [{ name: 'file', filename: '../../../', content: TEXT }],
      status: 400,
      code: 'wrong-type',
      message: /^The file ‘document’ is not a type you can upload/,
    },
    {
      label: 'two files',
      parts: [
        { name: 'file', filename: 'one.pdf', content: PDF },
        { name: 'file', filename: 'two.pdf', content: PDF },
      ],
      status: 400,
      code: 'too-many-files',
      message: 'Select one file at a time. You can add more files afterwards.',
    },
    {
      label: 'a text field over the size limit',
      parts: [
        { name: 'description', value: 'x'.repeat(70 * 1024) },
        { name: 'file', filename: 'a.pdf', content: PDF },
      ],
      status: 413,
      code: 'field-too-long',
      message: 'The text you entered is too long. Shorten it and try again.',
    },
    {
      label: 'too many fields',
      parts: [
        ...Array.from({ length: 25 }, (_, i) => ({ name: `f${i}`, value: 'v' })),
        { name: 'file', filename: 'a.pdf', content: PDF },
      ],
      status: 400,
      code: 'too-many-fields',
      message: /The form could not be sent/,
    },
  ]

  it.each(cases)('$label', async ({ parts, status, code, message }) => {
    const res = await post(parts)
    expect(res.status).toBe(status)
    expect(res.body).toMatchObject({ code, field: code === 'field-too-long' ? 'description' : 'file' })
    expect(res.body.message).toMatch(message)
    await expectStoreEmpty()
  })

  it('refuses a body that is not a form', async () => {
    const res = await request(app()).post('/upload').type('text/plain').send('report.pdf')
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('malformed')
    await expectStoreEmpty()
  })

  it('asks for a file when an ordinary (url-encoded) form arrives', async () => {
    const res = await request(app()).post('/upload').type('form').send('file=report.pdf')
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('no-file')
  })

  it('refuses a body cut off before its closing boundary', async () => {
    const body = multipart([{ name: 'file', filename: 'a.pdf', content: PDF }])
    const res = await request(app())
      .post('/upload')
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(body.subarray(0, body.length - 60))
    expect(res.status).toBe(400)
    expect(res.body.code).toBe('malformed')
    await expectStoreEmpty()
  })

  it('says 100 MB when the limit is 100 MB', () => {
    expect(uploadErrors('file', 100 * MB).tooLarge().message).toBe('The file must be smaller than 100 MB')
  })
})

describe('parseUpload: awkward names are made safe, not trusted', () => {
  it('stores a path-traversal name inside the store under its last segment only', async () => {
    const res = await post([{ name: 'file', filename: '../../../etc/cron.d/evil.txt', content: TEXT }])
    expect(res.status).toBe(201)
    expect(res.body.file.filename).toBe('evil.txt')
    expect(await storedKeys()).toEqual([res.body.file.key])
    expect((await readdir(root)).sort()).toEqual(['files'])
  })

  it('shortens a very long name to 150 characters, keeping the extension', async () => {
    const res = await post([{ name: 'file', filename: `${'Strategy meeting '.repeat(40)}.pdf`, content: PDF }])
    expect(res.status).toBe(201)
    expect(res.body.file.filename).toHaveLength(150)
    expect(res.body.file.filename.endsWith('.pdf')).toBe(true)
  })
})

describe('parseUpload: client goes away mid-upload', () => {
  let server: Server | undefined
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

  it('refuses with "aborted" and removes the half-written file', async () => {
    let refused!: (error: UploadError) => void
    const refusal = new Promise<UploadError>((resolve) => (refused = resolve))
    server = app({ maxFileBytes: 100 * MB }, (error) => refused(error)).listen(0)
    await new Promise((resolve) => server?.once('listening', resolve))
    const { port } = server.address() as AddressInfo

    const client = httpRequest({
      port,
      method: 'POST',
      path: '/upload',
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': 50 * MB },
    })
    client.on('error', () => undefined)
    client.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n`)
    client.write(PDF)
    for (let i = 0; i < 8; i++) client.write(Buffer.alloc(64 * 1024, 0x20))
    // Wait until the server is writing a temporary file, then hang up.
    const tmp = join(root, 'files', 'tmp')
    for (let i = 0; i < 200 && (await readdir(tmp).catch(() => [])).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect((await readdir(tmp)).length).toBe(1)
    client.destroy()

    const error = await refusal
    expect(error).toMatchObject({ code: 'aborted', status: 400 })
    expect(error.message).toBe('The upload did not finish. Check your connection and try again.')
    await expectStoreEmpty()
  })
})
