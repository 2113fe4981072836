import { mkdtemp, rm } from 'node:fs/promises'
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import express from 'express'
import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileNotFoundError } from '../../storage/fileStore'
import { FsFileStore } from '../../storage/fsFileStore'
import { sendDownload } from './download'
import { binary } from '../../../test/support/exports'

let root: string
let store: FsFileStore
let server: Server | undefined

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jtai-download-'))
  store = new FsFileStore(root)
})
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
  await rm(root, { recursive: true, force: true })
})

function app(outcome?: (result: 'done' | Error) => void): express.Express {
  const a = express()
  a.get('/files/:key', async (req, res) => {
    const key = req.params.key
    try {
      const [info, stream] = await Promise.all([store.stat(key), store.open(key)])
      await sendDownload(res, { filename: 'Plan – v2.pdf', mime: 'application/pdf', size: info.size, stream })
      outcome?.('done')
    } catch (error) {
      if (error instanceof FileNotFoundError) {
        res.status(404).type('text').send('Page not found')
        return
      }
      outcome?.(error as Error)
      throw error
    }
  })
  return a
}

describe('sendDownload', () => {
  it('streams a stored file as an attachment with safe headers', async () => {
    const body = Buffer.from('%PDF-1.7\nevidence')
    const { key } = await store.put(Readable.from([body]), { maxBytes: 100 })
    const res = await request(app()).get(`/files/${key}`).buffer(true).parse(binary)
    expect(res.status).toBe(200)
    expect(res.body).toEqual(body)
    expect(res.headers).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(body.length),
      'content-disposition': `attachment; filename="Plan _ v2.pdf"; filename*=UTF-8''Plan%20%E2%80%93%20v2.pdf`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; sandbox",
    })
  })

  it('leaves a missing file to the normal error page', async () => {
    const res = await request(app()).get('/files/7d3e4a57-0f9b-4c7a-8a8e-3e1c2b9d0f11')
    expect(res.status).toBe(404)
    expect(res.headers['content-disposition']).toBeUndefined()
  })

  it('treats a client leaving part way as normal, and closes the file', async () => {
    const { key } = await store.put(Readable.from([Buffer.alloc(32 * 1024 * 1024, 1)]), { maxBytes: 64 * 1024 * 1024 })
    let settle!: (result: 'done' | Error) => void
    const outcome = new Promise<'done' | Error>((resolve) => (settle = resolve))
    server = app(settle).listen(0)
    await new Promise((resolve) => server?.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    const req = httpRequest({ port, path: `/files/${key}` }, (res) => {
      res.once('data', () => req.destroy())
    })
    req.on('error', () => undefined)
    req.end()
    expect(await outcome).toBe('done')
  })

  it('rejects when the file cannot be read', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk read failed'))
      },
    })
    const a = express()
    let failure: unknown
    a.get('/x', async (_req, res) => {
      try {
        await sendDownload(res, { filename: 'x.pdf', mime: 'application/pdf', stream: failing })
      } catch (error) {
        failure = error
        res.status(500).send('Sorry, there is a problem with the service')
      }
    })
    const res = await request(a).get('/x')
    expect((failure as Error).message).toBe('disk read failed')
    expect(res.status).toBe(500)
  })
})
