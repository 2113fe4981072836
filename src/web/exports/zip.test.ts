import { randomBytes } from 'node:crypto'
import { request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import express from 'express'
import request from 'supertest'
import { afterEach, describe, expect, it } from 'vitest'
import yauzl from 'yauzl'
import { ClientClosedError } from './clientGone'
import { binary } from '../../../test/support/exports'
import { streamZip, type ZipEntry } from './zip'

/** Every entry of a zip, name → contents. */
function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'))
      const files = new Map<string, string>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'))
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks).toString('utf8'))
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(files))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

function zipApp(entries: () => AsyncIterable<ZipEntry> | Iterable<ZipEntry>, onError?: (e: unknown) => void) {
  const app = express()
  app.get('/pack', async (_req, res) => {
    try {
      await streamZip(res, 'Evidence pack.zip', entries())
    } catch (error) {
      onError?.(error)
    }
  })
  return app
}

describe('streamZip', () => {
  it('streams streams, buffers and strings as zip entries with safe, unique names', async () => {
    const res = await request(
      zipApp(async function* () {
        yield { name: 'minutes.txt', source: Readable.from([Buffer.from('streamed')]) }
        yield { name: 'MINUTES.txt', source: Buffer.from('buffer') }
        yield { name: '../../etc/passwd', source: 'string' }
        yield { name: '/abs/C:\\evil\\x.txt', source: 'nested' }
        yield { name: 'case 1/notes.txt', source: 'in a folder' }
      }),
    )
      .get('/pack')
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/zip')
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''Evidence%20pack.zip`)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(Object.fromEntries(await unzip(res.body as Buffer))).toEqual({
      'minutes.txt': 'streamed',
      'MINUTES (2).txt': 'buffer',
      'etc/passwd': 'string',
      'abs/C_/evil/x.txt': 'nested',
      'case 1/notes.txt': 'in a folder',
    })
  })

  it('asks for the next entry only after the previous one is in the archive', async () => {
    const log: string[] = []
    const source = (n: number): Readable => {
      let sent = false
      return new Readable({
        read() {
          if (sent) {
            log.push(`end ${n}`)
            this.push(null)
          } else {
            sent = true
            this.push(randomBytes(256 * 1024))
          }
        },
      })
    }
    const res = await request(
      zipApp(async function* () {
        for (let n = 1; n <= 3; n++) {
          log.push(`next ${n}`)
          yield { name: `${n}.bin`, source: source(n) }
        }
      }),
    )
      .get('/pack')
      .buffer(true)
      .parse(binary)
    expect(res.status).toBe(200)
    expect(log).toEqual(['next 1', 'end 1', 'next 2', 'end 2', 'next 3', 'end 3'])
    expect((await unzip(res.body as Buffer)).size).toBe(3)
  })

  describe('over a real connection', () => {
    let server: Server | undefined
    afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

    async function listen(app: express.Express): Promise<number> {
      server = app.listen(0)
      await new Promise((resolve) => server?.once('listening', resolve))
      return (server.address() as AddressInfo).port
    }

    it('stops reading sources when the client goes away', async () => {
      let produced = 0
      let stopped = false
      let failed!: (e: unknown) => void
      const failure = new Promise<unknown>((resolve) => (failed = resolve))
      const port = await listen(
        zipApp(async function* () {
          try {
            for (;;) {
              produced++
              // Incompressible, so the archive really is big.
              yield { name: `${produced}.bin`, source: randomBytes(1024 * 1024) }
            }
          } finally {
            stopped = true
          }
        }, failed),
      )
      await new Promise<void>((resolve) => {
        const req = httpRequest({ port, path: '/pack' }, (res) => {
          res.once('data', () => {
            req.destroy()
            resolve()
          })
        })
        req.on('error', () => undefined)
        req.end()
      })
      expect(await failure).toBeInstanceOf(ClientClosedError)
      expect(stopped).toBe(true)
      // Backpressure: nowhere near an endless stream was produced before the client left.
      expect(produced).toBeLessThan(50)
    })

    it('breaks the download, rather than ending a truncated zip, when a source fails', async () => {
      let failed!: (e: unknown) => void
      const failure = new Promise<unknown>((resolve) => (failed = resolve))
      const port = await listen(
        zipApp(function* () {
          yield { name: 'ok.txt', source: 'fine' }
          yield {
            name: 'broken.bin',
            source: new Readable({
              read() {
                this.destroy(new Error('disk read failed'))
              },
            }),
          }
        }, failed),
      )
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest({ port, path: '/pack' }, (res) => {
          res.resume()
          res.on('end', () => resolve('complete'))
          res.on('error', () => resolve('broken'))
          res.on('aborted', () => resolve('broken'))
        })
        req.on('error', () => resolve('broken'))
        req.end()
      })
      expect(outcome).toBe('broken')
      expect(await failure).toMatchObject({ message: 'disk read failed' })
    })
  })
})
