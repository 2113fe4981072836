import type { ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import archiver from 'archiver'
import { sanitiseFilename } from '../uploads/filename'
import { whenClientGone } from './clientGone'
import { clearDownloadHeaders, setDownloadHeaders } from './downloadHeaders'

export interface ZipEntry {
  /** Path inside the archive; "/" separates folders. Made safe and unique before use. */
  name: string
  source: Readable | Buffer | string
  date?: Date
  /** Keep the bytes as they are (no deflate): for files that are compressed already (PDF, DOCX, PNG …). */
  store?: boolean
}

/**
 * Streams a zip download (headers as {@link setDownloadHeaders}) built from `entries`, one entry
 * at a time: the next entry is not even asked for until the previous one is in the archive, and
 * the archive is only read as fast as the client downloads, so at most one source is open and
 * nothing is buffered whole. Entry names are cleaned (no "..", absolute paths or odd characters,
 * so extracting can't write outside the target folder) and de-duplicated ("a.pdf", "a (2).pdf").
 * On failure after bytes were sent the response is destroyed, so the client sees a failed download
 * rather than a truncated zip. Rejects with ClientClosedError if the client goes away.
 */
export async function streamZip(
  res: ServerResponse,
  filename: string,
  entries: AsyncIterable<ZipEntry> | Iterable<ZipEntry>,
): Promise<void> {
  setDownloadHeaders(res, { filename, mime: 'application/zip' })
  const archive = archiver('zip', { zlib: { level: 6 } })
  // Warnings are things like a missing file; an evidence pack must not silently leave one out.
  archive.on('warning', (warning: Error) => archive.emit('error', warning))
  const client = whenClientGone(res)
  const piped = pipeline(archive, res)
  piped.catch(() => undefined)
  const failed = Promise.race([client.gone, piped.then(() => new Promise<never>(() => undefined))])
  const names = new UniqueNames()
  let current: ZipEntry['source'] | undefined
  try {
    for await (const entry of entries) {
      current = entry.source
      const added = once(archive, 'entry')
      // archiver does not listen for errors on the streams it reads; without this a failing
      // source would crash the process and the archive would wait for it forever.
      const sourceFailed = isStream(entry.source) ? failureOf(entry.source) : failed
      archive.append(entry.source, { name: names.take(entry.name), date: entry.date, store: entry.store })
      await Promise.race([added, failed, sourceFailed])
      current = undefined
    }
    await Promise.race([archive.finalize(), failed])
    await Promise.race([piped, client.gone])
  } catch (error) {
    if (current && isStream(current)) current.destroy()
    archive.abort()
    if (res.headersSent) res.destroy()
    else clearDownloadHeaders(res)
    throw error
  } finally {
    client.dispose()
  }
}

function isStream(source: ZipEntry['source']): source is Readable {
  return typeof source === 'object' && !Buffer.isBuffer(source)
}

function failureOf(source: Readable): Promise<never> {
  return new Promise<never>((_resolve, reject) => source.once('error', reject))
}

/** Keeps zip entry names safe to extract and distinct (case-insensitively, as Windows sees them). */
class UniqueNames {
  private readonly taken = new Set<string>()

  take(raw: string): string {
    const segments = raw
      .split(/[/\\]+/)
      .filter((s) => s !== '' && s !== '.' && s !== '..')
      .map(sanitiseFilename)
    const folder = segments.slice(0, -1).join('/')
    const file = segments.at(-1) ?? sanitiseFilename('')
    const dot = file.lastIndexOf('.')
    const [stem, ext] = dot > 0 ? [file.slice(0, dot), file.slice(dot)] : [file, '']
    for (let n = 1; ; n++) {
      const candidate = `${folder ? `${folder}/` : ''}${n === 1 ? file : `${stem} (${n})${ext}`}`
      if (!this.taken.has(candidate.toLowerCase())) {
        this.taken.add(candidate.toLowerCase())
        return candidate
      }
    }
  }
}
