import type { ServerResponse } from 'node:http'
import type { Readable } from 'node:stream'
import { clearDownloadHeaders, setDownloadHeaders } from './downloadHeaders'

export interface Download {
  /** Shown to the user as the saved file's name; use the sanitised upload name. */
  filename: string
  mime: string
  /** Sent as Content-Length when known, so browsers can show progress. */
  size?: number
  stream: Readable
}

/**
 * Streams a stored file to the client as an attachment (Content-Disposition with an RFC 5987
 * filename*, X-Content-Type-Options nosniff, Cache-Control no-store, a sandboxing CSP), with
 * backpressure. Open the stream before calling (FileStore.open rejects with FileNotFoundError).
 * A client that leaves part way is not an error: the promise resolves and the source is closed.
 * A failing source rejects; if nothing had been sent yet the download headers are removed and the
 * response left open, so the caller (or Express's error handler) can still send an error page,
 * otherwise the response is destroyed so the client sees a failed download, not a short file.
 */
export function sendDownload(res: ServerResponse, download: Download): Promise<void> {
  const { stream } = download
  setDownloadHeaders(res, { filename: download.filename, mime: download.mime, size: download.size })
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('error', onSourceError)
      res.off('close', onClose)
      res.off('finish', onFinish)
    }
    const onFinish = (): void => {
      cleanup()
      resolve()
    }
    const onClose = (): void => {
      if (res.writableFinished) return
      cleanup()
      stream.unpipe(res)
      stream.destroy()
      resolve()
    }
    const onSourceError = (error: Error): void => {
      cleanup()
      stream.unpipe(res)
      if (res.headersSent) res.destroy()
      else clearDownloadHeaders(res)
      reject(error)
    }
    stream.once('error', onSourceError)
    res.once('close', onClose)
    res.once('finish', onFinish)
    // pipe rather than pipeline: pipeline would destroy the response on a source error, losing
    // the chance to send an error page when nothing has been sent yet.
    stream.pipe(res)
  })
}
