import type { IncomingMessage } from 'node:http'
import { finished, PassThrough, type Readable } from 'node:stream'
import busboy from 'busboy'
import { detectFileType, FILE_TYPE_PEEK_BYTES, type FileType, type FileTypeResult } from '../../domain/fileTypes'
import { FileTooLargeError, type FileStore, type StoredFile } from '../../storage/fileStore'
import { MAX_FILENAME_LENGTH, sanitiseFilename } from './filename'
import { UploadError, uploadErrors } from './uploadError'

export interface ParseUploadOptions {
  store: FileStore
  /** Largest file accepted, in bytes. */
  maxFileBytes: number
  /** Most text fields accepted (CSRF token included). Default 20. */
  maxFields?: number
  /** Longest text field value, in bytes. Default 64 KB. */
  fieldSizeLimit?: number
  /** Name of the file input. Default "file". */
  fileField?: string
  /** When false, a form sent without a file is not an error. Default true. */
  required?: boolean
  /**
   * Refuse (rather than quietly clean) a name that carries a path ("../../x.pdf", "C:\\x.pdf") or
   * is longer than MAX_FILENAME_LENGTH, before anything is stored. Default false: names are sanitised.
   */
  strictFilenames?: boolean
}

export interface UploadedFile extends StoredFile {
  /** Sanitised, safe to show and to offer back in Content-Disposition. */
  filename: string
  type: FileType
  mime: string
}

export interface ParsedUpload {
  fields: Record<string, string>
  file?: UploadedFile
}

type Errors = ReturnType<typeof uploadErrors>

/**
 * Reads a multipart/form-data request: collects its text fields and streams its one file into
 * `store`, checking the file's type from its first {@link FILE_TYPE_PEEK_BYTES} bytes as it goes.
 * Memory stays flat whatever the file size.
 *
 * Throws {@link UploadError} (status 400 or 413, a message for the user, the field to show it on)
 * for: no file chosen, an empty file, a file over `maxFileBytes`, a type we do not accept, a
 * renamed program, more than one file, too many or too long fields, a malformed body, or a client
 * that went away. Whenever it throws, nothing it stored is left in the store. Any other error
 * (the disk failing) is rethrown as it is.
 *
 * The CSRF token arrives inside the multipart body, so no CSRF middleware can check it before this
 * runs. The caller MUST verify the token from `fields` straight afterwards and, if it is wrong,
 * `await store.delete(file.key)` before refusing the request. Likewise, if committing the database
 * row for the file fails, the caller deletes the file; the store's sweep catches anything missed.
 */
export async function parseUpload(req: IncomingMessage, options: ParseUploadOptions): Promise<ParsedUpload> {
  const fileField = options.fileField ?? 'file'
  const maxFields = options.maxFields ?? 20
  const errors = uploadErrors(fileField, options.maxFileBytes)
  if (req.readableEnded) throw errors.malformed()

  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers send raw UTF-8 in filename="…"; busboy's default (latin1) would garble it.
      defParamCharset: 'utf8',
      // We want the name exactly as sent: sanitiseFilename strips paths more thoroughly, and a name
      // that is nothing but "../" must not look like an empty file input.
      preservePath: true,
      limits: {
        files: 1,
        fields: maxFields,
        parts: maxFields + 1,
        fieldSize: options.fieldSizeLimit ?? 64 * 1024,
        // One byte over the limit is how we tell "exactly the limit" from "too large".
        fileSize: options.maxFileBytes + 1,
        headerPairs: 50,
      },
    })
  } catch {
    // Not multipart/form-data at all.
    throw errors.malformed()
  }

  // No prototype, so a field called "__proto__" is just a field.
  const fields = Object.create(null) as Record<string, string>
  // The first refusal found while parsing. Set from busboy's callbacks, so it is kept in an object: a plain
  // `let` would be narrowed by TypeScript to its initial undefined wherever it is read below.
  const found: { problem?: UploadError } = {}
  const fail = (error: UploadError): void => {
    found.problem ??= error
  }
  let receiving: Promise<UploadedFile> | undefined

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated || info.nameTruncated) fail(errors.fieldTooLong(name))
    else fields[name] = value
  })
  parser.on('file', (name, stream, info) => {
    // An empty file input still sends a part, with no filename and no content.
    if (name !== fileField || receiving || !info.filename) {
      stream.resume()
      return
    }
    if (options.strictFilenames) {
      const refusal = /[/\\]/.test(info.filename)
        ? errors.unsafeName()
        : Array.from(info.filename).length > MAX_FILENAME_LENGTH
          ? errors.nameTooLong(MAX_FILENAME_LENGTH)
          : undefined
      if (refusal) {
        fail(refusal)
        stream.resume()
        return
      }
    }
    receiving = receiveFile(stream, sanitiseFilename(info.filename), options, errors, fail)
    // Settled below; this only stops an early rejection being reported as unhandled.
    receiving.catch(() => undefined)
  })
  parser.on('filesLimit', () => fail(errors.tooManyFiles()))
  parser.on('fieldsLimit', () => fail(errors.tooManyFields()))
  parser.on('partsLimit', () => fail(errors.tooManyFields()))

  let parseError: unknown
  try {
    await pipeRequest(req, parser, errors)
  } catch (error) {
    parseError = error
  }

  let file: UploadedFile | undefined
  let fileError: Error | undefined
  try {
    file = await receiving
  } catch (error) {
    // receiveFile only ever rejects with an Error.
    fileError = toError(error)
  }

  const refusal =
    found.problem ??
    (parseError instanceof UploadError ? parseError : parseError ? errors.malformed() : undefined) ??
    fileError
  if (refusal !== undefined) {
    if (file) await options.store.delete(file.key)
    throw refusal
  }
  if (!file && options.required !== false) throw errors.noFile()
  return file ? { fields, file } : { fields }
}

/** Feeds the request to busboy; resolves when the whole body has been parsed. */
function pipeRequest(req: IncomingMessage, parser: busboy.Busboy, errors: Errors): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onClose = (): void => {
      // "close" before the body is complete means the client went away mid-upload.
      if (req.complete) return
      req.unpipe(parser)
      parser.destroy(errors.aborted())
    }
    const cleanup = (): void => {
      req.off('close', onClose)
      req.off('error', onClose)
    }
    parser.once('finish', () => {
      cleanup()
      resolve()
    })
    parser.once('error', (error: unknown) => {
      cleanup()
      req.unpipe(parser)
      // Drain what is left so the response can still be read by the client.
      req.resume()
      reject(error)
    })
    req.once('close', onClose)
    req.once('error', onClose)
    req.pipe(parser)
  })
}

/**
 * Streams one busboy file into the store, peeking at its first bytes to check its type. On any
 * problem it stops storing (the store removes its temporary file) but keeps draining the part,
 * because busboy only finishes once every file stream has ended.
 */
function receiveFile(
  stream: Readable & { truncated?: boolean },
  filename: string,
  options: ParseUploadOptions,
  errors: Errors,
  fail: (error: UploadError) => void,
): Promise<UploadedFile> {
  const sink = new PassThrough()
  // Destroying the sink is how we abort; the store reports that error through `storing`, and the
  // store may not be reading yet, so an unobserved 'error' event must not crash the process.
  sink.on('error', () => undefined)
  const storing = options.store.put(sink, { maxBytes: options.maxFileBytes })
  let head: Buffer[] = []
  let headLength = 0
  let detected: FileTypeResult | undefined
  let stopped: Error | undefined

  /**
   * Stops storing, and returns why it stopped: `error`, or the reason an earlier call gave. `record` is
   * false when the whole request failed; the request's own error then says why.
   */
  const stop = (error: Error, record = true): Error => {
    if (stopped) return stopped
    stopped = error
    if (record && error instanceof UploadError) fail(error)
    sink.destroy(error)
    stream.resume()
    return error
  }
  const detect = (): FileTypeResult => {
    detected ??= detectFileType(Buffer.concat(head, headLength), filename)
    head = []
    return detected
  }
  const checkType = (): boolean => {
    const result = detect()
    if (!result.ok) stop(typeError(result, filename, errors))
    return result.ok
  }

  stream.on('data', (chunk: Buffer) => {
    if (stopped) return
    if (!detected) {
      // Copied: busboy may hand out slices of a larger buffer it reuses.
      const take = Buffer.from(chunk.subarray(0, FILE_TYPE_PEEK_BYTES - headLength))
      head.push(take)
      headLength += take.length
      if (headLength >= FILE_TYPE_PEEK_BYTES && !checkType()) return
    }
    if (!sink.write(chunk)) {
      stream.pause()
      sink.once('drain', () => {
        if (!stopped) stream.resume()
      })
    }
  })
  stream.once('limit', () => stop(errors.tooLarge()))
  finished(stream, (error) => {
    if (stopped) return
    if (error) return stop(errors.aborted(), false)
    if (checkType()) sink.end()
  })

  return storing.then(
    (stored) => {
      const type = detected
      // Unreachable (the sink only ends after a successful check), but keeps the types honest.
      if (!type?.ok) throw errors.malformed()
      return { ...stored, filename, type: type.type, mime: type.mime }
    },
    (error: unknown) => {
      throw stop(error instanceof FileTooLargeError ? errors.tooLarge() : toError(error))
    },
  )
}

function typeError(result: Extract<FileTypeResult, { ok: false }>, filename: string, errors: Errors): UploadError {
  const code = result.reason === 'program' ? 'program' : result.reason === 'empty' ? 'empty' : 'wrong-type'
  return new UploadError(code, 400, errors.fileField, result.message, {
    filename,
    extension: result.extension,
    reason: result.reason,
    found: result.found,
  })
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
