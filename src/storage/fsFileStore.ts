import { createHash, randomUUID } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import {
  FileNotFoundError,
  FileTooLargeError,
  type FileStat,
  type FileStore,
  type PutOptions,
  type StoredFile,
  type SweepOptions,
  type SweepReport,
} from './fileStore'

/** Keys are random v4 UUIDs; anything else is refused before it gets near a path. */
const KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const SHARD_PATTERN = /^[0-9a-f]{2}$/
const TEMP_DIR = 'tmp'
const TEMP_SUFFIX = '.part'
const SWEEP_BATCH = 500

/** True if `key` has the shape of a key this store issues. */
export function isFileKey(key: string): boolean {
  return KEY_PATTERN.test(key)
}

/**
 * A {@link FileStore} on the local filesystem. Files live at `<root>/<first two key chars>/<key>`
 * (sharded so no directory grows huge); uploads in progress live in `<root>/tmp`, on the same
 * filesystem so the final rename is atomic.
 */
export class FsFileStore implements FileStore {
  private readonly tempDir: string
  private ready: Promise<void> | undefined

  constructor(readonly root: string) {
    this.tempDir = join(root, TEMP_DIR)
  }

  async put(source: Readable, options: PutOptions): Promise<StoredFile> {
    await this.ensureDirs()
    const key = randomUUID()
    const tempPath = join(this.tempDir, key + TEMP_SUFFIX)
    const hash = createHash('sha256')
    let size = 0
    // 'wx' so a (vanishingly unlikely) key collision fails instead of mixing two uploads.
    const handle = await open(tempPath, 'wx', 0o600)
    let written = false
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
        size += bytes.length
        if (size > options.maxBytes) throw new FileTooLargeError(options.maxBytes)
        hash.update(bytes)
        // Awaiting each write is the backpressure: the source is not read faster than the disk takes it.
        await writeAll(handle, bytes)
      }
      // The data must be on disk before the name is, or a power cut could leave a complete-looking empty file.
      await handle.sync()
      written = true
    } finally {
      await handle.close()
      if (!written) await rm(tempPath, { force: true })
    }

    const shardDir = join(this.root, key.slice(0, 2))
    try {
      const created = await mkdir(shardDir, { recursive: true })
      await rename(tempPath, join(shardDir, key))
      // Persist the directory entry too; a new shard directory also needs its parent's entry persisted.
      await fsyncDir(shardDir)
      if (created) await fsyncDir(this.root)
    } catch (error) {
      await rm(tempPath, { force: true })
      throw error
    }
    return { key, size, sha256: hash.digest('hex') }
  }

  async open(key: string): Promise<Readable> {
    // Opening the handle first turns "missing" into a rejected promise rather than a stream error later.
    const handle = await this.openExisting(key)
    return handle.createReadStream()
  }

  async stat(key: string): Promise<FileStat> {
    const path = this.pathFor(key)
    try {
      const info = await stat(path)
      return { key, size: info.size, modifiedAt: info.mtime }
    } catch (error) {
      throw isNotFound(error) ? new FileNotFoundError(key) : error
    }
  }

  async delete(key: string): Promise<boolean> {
    if (!isFileKey(key)) return false
    try {
      await rm(this.pathFor(key))
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  async *listKeys(): AsyncIterable<string> {
    for (const shard of await readdirOrEmpty(this.root)) {
      if (!shard.isDirectory() || !SHARD_PATTERN.test(shard.name)) continue
      for (const entry of await readdirOrEmpty(join(this.root, shard.name))) {
        if (entry.isFile() && isFileKey(entry.name) && entry.name.startsWith(shard.name)) yield entry.name
      }
    }
  }

  async sweep(options: SweepOptions): Promise<SweepReport> {
    const cutoff = Date.now() - options.olderThanMs
    const report: SweepReport = { tempFilesRemoved: 0, orphansRemoved: 0, filesChecked: 0 }

    for (const entry of await readdirOrEmpty(this.tempDir)) {
      if (!entry.isFile()) continue
      const path = join(this.tempDir, entry.name)
      const modified = await mtimeMs(path)
      // mtime moves with every write, so a slow upload that is still arriving is never removed.
      if (modified !== undefined && modified < cutoff) {
        await rm(path, { force: true })
        report.tempFilesRemoved++
      }
    }

    let batch: string[] = []
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      const referenced = await options.isReferenced(batch)
      for (const key of batch) {
        if (!referenced.has(key) && (await this.delete(key))) report.orphansRemoved++
      }
      batch = []
    }
    for await (const key of this.listKeys()) {
      const modified = await mtimeMs(this.pathFor(key))
      // Young files may belong to an upload whose database row is about to be committed.
      if (modified === undefined || modified >= cutoff) continue
      report.filesChecked++
      batch.push(key)
      if (batch.length >= SWEEP_BATCH) await flush()
    }
    await flush()
    return report
  }

  private pathFor(key: string): string {
    if (!isFileKey(key)) throw new FileNotFoundError(key)
    return join(this.root, key.slice(0, 2), key)
  }

  private async openExisting(key: string): Promise<FileHandle> {
    const path = this.pathFor(key)
    try {
      return await open(path, 'r')
    } catch (error) {
      throw isNotFound(error) ? new FileNotFoundError(key) : error
    }
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= mkdir(this.tempDir, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.ready = undefined
        throw error
      },
    )
    return this.ready
  }
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset)
    offset += bytesWritten
  }
}

/** fsync on a directory persists renames into it; some platforms cannot do it, which is not an error. */
async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    const code = errorCode(error)
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error
  } finally {
    await handle?.close()
  }
}

async function readdirOrEmpty(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if (isNotFound(error)) return []
    throw error
  }
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined
}

function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT'
}
