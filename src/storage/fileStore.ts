import type { Readable } from 'node:stream'

/** What `put` hands back once the bytes are durably on disk, before any database row exists. */
export interface StoredFile {
  /** Opaque, random key; the only thing the database should keep to find the file again. */
  key: string
  size: number
  /** Lower-case hex SHA-256 of the stored bytes, for integrity checks and duplicate detection. */
  sha256: string
}

export interface PutOptions {
  /** Largest size accepted; one byte more aborts the write with {@link FileTooLargeError}. */
  maxBytes: number
}

export interface FileStat {
  key: string
  size: number
  modifiedAt: Date
}

export interface SweepOptions {
  /**
   * Given stored keys, resolves to the subset that some database row still references.
   * Called in batches, so it can be a single `WHERE key IN (...)` query.
   */
  isReferenced: (keys: string[]) => Promise<Set<string>>
  /**
   * Only files (and temporary files) last written longer ago than this are considered, so an upload
   * that is between "file written" and "row committed" is never swept.
   */
  olderThanMs: number
}

export interface SweepReport {
  /** Half-written files left behind by a crash or an aborted upload. */
  tempFilesRemoved: number
  /** Complete files that no database row references (the row's transaction failed or was deleted). */
  orphansRemoved: number
  /** Stored files old enough to be checked against the database. */
  filesChecked: number
}

/**
 * Where uploaded evidence lives. The contract with callers is "file first, row second":
 * `put` makes the file durable, then the caller commits the database row; if that commit fails the
 * caller calls `delete(key)`. Anything a crash leaves behind is removed later by `sweep`.
 */
export interface FileStore {
  /** Streams `source` into the store; rejects with {@link FileTooLargeError} past `maxBytes`. */
  put(source: Readable, options: PutOptions): Promise<StoredFile>
  /** Opens a stored file for reading; rejects with {@link FileNotFoundError}. */
  open(key: string): Promise<Readable>
  /** Size and modification time; rejects with {@link FileNotFoundError}. */
  stat(key: string): Promise<FileStat>
  /** Removes a stored file; resolves false if there was nothing to remove. */
  delete(key: string): Promise<boolean>
  /** Every stored key, in no particular order. */
  listKeys(): AsyncIterable<string>
  /** Removes stale temporary files and unreferenced stored files; see {@link SweepOptions}. */
  sweep(options: SweepOptions): Promise<SweepReport>
}

/** Base class so callers can catch every store error with one `instanceof`. */
export class FileStoreError extends Error {
  override name = 'FileStoreError'
}

/** The stream carried more than `maxBytes`; nothing was kept. */
export class FileTooLargeError extends FileStoreError {
  override name = 'FileTooLargeError'
  constructor(readonly maxBytes: number) {
    super(`File is larger than the limit of ${maxBytes} bytes`)
  }
}

/** No file is stored under this key (or the key could never have been issued by the store). */
export class FileNotFoundError extends FileStoreError {
  override name = 'FileNotFoundError'
  constructor(readonly key: string) {
    super(`No stored file with key ${JSON.stringify(key)}`)
  }
}
