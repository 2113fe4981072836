import type { Request } from 'express'
import busboy from 'busboy'
import { basename } from 'node:path'

export interface SmallUpload {
  fields: Record<string, string>
  file?: { filename: string; text: string }
}

/** A problem with the upload itself (too large, not readable), for the form's file field. */
export class SmallUploadError extends Error {}

/**
 * Reads a multipart form with one small text file (a framework or a bank holidays list) into
 * memory, with explicit limits: busboy's defaults are unlimited. A request that is not multipart
 * (no file chosen in a browser without JavaScript never does this, but a script might) has had its
 * body parsed and its CSRF token checked by the app already, and simply has no file.
 *
 * The caller must check the CSRF token from `fields` before keeping anything.
 */
export function readSmallUpload(req: Request, maxBytes: number): Promise<SmallUpload> {
  if (!req.is('multipart/form-data')) {
    const body = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>
    return Promise.resolve({ fields: Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string')) })
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 10, parts: 11, fieldSize: 4096, fileSize: maxBytes + 1, headerPairs: 50 } })
    } catch {
      reject(new SmallUploadError('The upload could not be read. Go back, refresh the page and try again.'))
      return
    }
    const fields = Object.create(null) as Record<string, string>
    let file: SmallUpload['file']
    let problem: string | undefined
    parser.on('field', (name, value) => {
      fields[name] = value
    })
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = []
      let size = 0
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size <= maxBytes) chunks.push(chunk)
      })
      stream.on('limit', () => {
        problem = `The file must be smaller than ${Math.round(maxBytes / 1024)} KB`
      })
      stream.on('end', () => {
        if (!info.filename || problem) return
        file = { filename: basename(info.filename.replace(/\\/g, '/')), text: Buffer.concat(chunks).toString('utf8') }
      })
    })
    parser.on('filesLimit', () => {
      problem ??= 'Select one file'
    })
    parser.on('error', () => reject(new SmallUploadError('The upload could not be read. Go back, refresh the page and try again.')))
    parser.on('finish', () => {
      if (problem) reject(new SmallUploadError(problem))
      else resolve(file ? { fields, file } : { fields })
    })
    req.pipe(parser)
  })
}
