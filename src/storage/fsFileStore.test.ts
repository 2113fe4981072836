import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FileNotFoundError, FileTooLargeError } from './fileStore'
import { FsFileStore, isFileKey } from './fsFileStore'

let root: string
let store: FsFileStore

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jtai-store-'))
  store = new FsFileStore(root)
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

async function keys(): Promise<string[]> {
  const all: string[] = []
  for await (const key of store.listKeys()) all.push(key)
  return all.sort()
}

async function tempFiles(): Promise<string[]> {
  return readdir(join(root, 'tmp')).catch(() => [])
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Backdates a file so the sweep treats it as old. */
async function age(path: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms)
  await utimes(path, then, then)
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const nothingReferenced = async (): Promise<Set<string>> => new Set()

describe('FsFileStore.put', () => {
  it('stores the bytes under a random key and reports size and SHA-256', async () => {
    const body = Buffer.from('hello evidence')
    const stored = await store.put(Readable.from([body]), { maxBytes: 100 })
    expect(isFileKey(stored.key)).toBe(true)
    expect(stored).toMatchObject({ size: body.length, sha256: sha256(body) })
    expect(await readAll(await store.open(stored.key))).toEqual(body)
    expect(await store.stat(stored.key)).toMatchObject({ key: stored.key, size: body.length })
    expect(await keys()).toEqual([stored.key])
    expect(await tempFiles()).toEqual([])
  })

  it('gives every file its own key', async () => {
    const a = await store.put(Readable.from([Buffer.from('same')]), { maxBytes: 10 })
    const b = await store.put(Readable.from([Buffer.from('same')]), { maxBytes: 10 })
    expect(a.key).not.toBe(b.key)
    expect(a.sha256).toBe(b.sha256)
  })

  it('accepts exactly maxBytes and an empty stream', async () => {
    expect((await store.put(Readable.from([Buffer.alloc(10)]), { maxBytes: 10 })).size).toBe(10)
    expect((await store.put(Readable.from([]), { maxBytes: 10 })).size).toBe(0)
  })

  it('rejects one byte over maxBytes with a typed error and keeps nothing', async () => {
    const source = Readable.from([Buffer.alloc(6), Buffer.alloc(5)])
    await expect(store.put(source, { maxBytes: 10 })).rejects.toBeInstanceOf(FileTooLargeError)
    expect(await keys()).toEqual([])
    expect(await tempFiles()).toEqual([])
  })

  it('keeps nothing when the source stream fails part way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000))
        this.destroy(new Error('client went away'))
      },
    })
    await expect(store.put(failing, { maxBytes: 1e6 })).rejects.toThrow('client went away')
    expect(await keys()).toEqual([])
    expect(await tempFiles()).toEqual([])
  })

  it('streams a large file without reading it all into memory first', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7)
    let produced = 0
    const source = new Readable({
      read() {
        this.push(produced++ < 20 ? chunk : null)
      },
    })
    const stored = await store.put(source, { maxBytes: 50 * 1024 * 1024 })
    expect(stored.size).toBe(20 * 1024 * 1024)
    expect((await store.stat(stored.key)).size).toBe(20 * 1024 * 1024)
  })
})

describe('FsFileStore.open, stat and delete', () => {
  it('throws FileNotFoundError for a missing key', async () => {
    const missing = '7d3e4a57-0f9b-4c7a-8a8e-3e1c2b9d0f11'
    await expect(store.open(missing)).rejects.toBeInstanceOf(FileNotFoundError)
    await expect(store.stat(missing)).rejects.toBeInstanceOf(FileNotFoundError)
    expect(await store.delete(missing)).toBe(false)
  })

  it('never turns a malformed key into a path', async () => {
    for (const key of ['../../etc/passwd', '/etc/passwd', 'tmp', '', 'AB']) {
      await expect(store.open(key)).rejects.toBeInstanceOf(FileNotFoundError)
      expect(await store.delete(key)).toBe(false)
    }
  })

  it('deletes a stored file', async () => {
    const stored = await store.put(Readable.from([Buffer.from('x')]), { maxBytes: 10 })
    expect(await store.delete(stored.key)).toBe(true)
    expect(await store.delete(stored.key)).toBe(false)
    await expect(store.open(stored.key)).rejects.toBeInstanceOf(FileNotFoundError)
  })
})

describe('FsFileStore.sweep', () => {
  it('removes old unreferenced files and keeps referenced ones', async () => {
    const kept = await store.put(Readable.from([Buffer.from('kept')]), { maxBytes: 10 })
    const orphan = await store.put(Readable.from([Buffer.from('orphan')]), { maxBytes: 10 })
    for (const { key } of [kept, orphan]) await age(join(root, key.slice(0, 2), key), 60_000)
    const asked: string[][] = []
    const report = await store.sweep({
      olderThanMs: 10_000,
      isReferenced: async (batch) => {
        asked.push(batch)
        return new Set(batch.filter((k) => k === kept.key))
      },
    })
    expect(report).toEqual({ tempFilesRemoved: 0, orphansRemoved: 1, filesChecked: 2 })
    expect(asked.flat().sort()).toEqual([kept.key, orphan.key].sort())
    expect(await keys()).toEqual([kept.key])
  })

  it('never sweeps a committed file, however old', async () => {
    const committed = new Set<string>()
    const stored = await store.put(Readable.from([Buffer.from('evidence')]), { maxBytes: 100 })
    committed.add(stored.key) // the caller's database row
    await age(join(root, stored.key.slice(0, 2), stored.key), 365 * 24 * 3600_000)
    const report = await store.sweep({
      olderThanMs: 0,
      isReferenced: async (batch) => new Set(batch.filter((k) => committed.has(k))),
    })
    expect(report.orphansRemoved).toBe(0)
    expect(await readAll(await store.open(stored.key))).toEqual(Buffer.from('evidence'))
  })

  it('leaves a file written moments ago alone even before its row is committed', async () => {
    const fresh = await store.put(Readable.from([Buffer.from('in flight')]), { maxBytes: 100 })
    const report = await store.sweep({ olderThanMs: 60_000, isReferenced: nothingReferenced })
    expect(report).toEqual({ tempFilesRemoved: 0, orphansRemoved: 0, filesChecked: 0 })
    expect(await keys()).toEqual([fresh.key])
  })

  it('copes with a store directory that does not exist yet', async () => {
    const empty = new FsFileStore(join(root, 'not-yet'))
    expect(await empty.sweep({ olderThanMs: 0, isReferenced: nothingReferenced })).toEqual({
      tempFilesRemoved: 0,
      orphansRemoved: 0,
      filesChecked: 0,
    })
  })
})

describe('crash safety', () => {
  const fixture = fileURLToPath(new URL('../../test/support/crashWriter.ts', import.meta.url))

  it('a writer killed mid-write leaves no stored file, only a temp file that sweep removes', async () => {
    // `node --import tsx` rather than `npx tsx`: npx and the tsx CLI each add a parent process,
    // and SIGKILL on the parent would leave the real writer running.
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('writing')) resolve()
      })
      child.on('exit', () => reject(new Error(`writer exited early: ${stderr}`)))
    })
    const during = await tempFiles()
    expect(during).toHaveLength(1)
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')

    expect(await keys()).toEqual([])
    const left = await tempFiles()
    expect(left).toEqual(during)
    const partial = await readFile(join(root, 'tmp', left[0] ?? ''))
    expect(partial.length).toBeGreaterThan(0)

    // A sweep with a long grace period treats it as a possibly live upload…
    expect((await store.sweep({ olderThanMs: 60_000, isReferenced: nothingReferenced })).tempFilesRemoved).toBe(0)
    // …and once it is old enough, removes it.
    await age(join(root, 'tmp', left[0] ?? ''), 120_000)
    const report = await store.sweep({ olderThanMs: 60_000, isReferenced: nothingReferenced })
    expect(report.tempFilesRemoved).toBe(1)
    expect(await tempFiles()).toEqual([])
  })
})
