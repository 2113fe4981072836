import { mkdtemp, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FileStore, SweepReport } from './fileStore'
import { FsFileStore } from './fsFileStore'
import { startSweeper } from './sweeper'

const logger = () => ({ info: vi.fn(), error: vi.fn() })
let root: string | undefined

afterEach(async () => {
  vi.useRealTimers()
  if (root) await rm(root, { recursive: true, force: true })
})

describe('startSweeper', () => {
  it('sweeps on each interval, logs removals, and stops', async () => {
    root = await mkdtemp(join(tmpdir(), 'jtai-sweeper-'))
    const store = new FsFileStore(root)
    const { key } = await store.put(Readable.from([Buffer.from('orphan')]), { maxBytes: 10 })
    const then = new Date(Date.now() - 60_000)
    await utimes(join(root, key.slice(0, 2), key), then, then)

    const log = logger()
    const stop = startSweeper(store, async () => new Set(), { intervalMs: 20, olderThanMs: 1_000, logger: log })
    await vi.waitFor(() => expect(log.info).toHaveBeenCalled())
    await stop()
    expect(log.info.mock.calls[0]?.[0]).toMatchObject({ orphansRemoved: 1 })
    await expect(store.stat(key)).rejects.toThrow()
  })

  it('logs a failing sweep and never overlaps runs', async () => {
    vi.useFakeTimers()
    let calls = 0
    let release: (() => void) | undefined
    const store = {
      sweep: () => {
        calls++
        return new Promise<SweepReport>((_resolve, reject) => {
          release = () => reject(new Error('database down'))
        })
      },
    } as unknown as FileStore
    const log = logger()
    const stop = startSweeper(store, async () => new Set(), { intervalMs: 100, olderThanMs: 0, logger: log })
    await vi.advanceTimersByTimeAsync(350)
    expect(calls).toBe(1)
    release?.()
    await stop()
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'File sweep failed')
    await vi.advanceTimersByTimeAsync(500)
    expect(calls).toBe(1)
  })
})
