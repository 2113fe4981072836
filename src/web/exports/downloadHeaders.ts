import type { ServerResponse } from 'node:http'

export interface DownloadHeaders {
  filename: string
  mime: string
  /** Bytes, when known in advance; streamed exports leave it out and go chunked. */
  size?: number
}

const DOWNLOAD_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Content-Disposition',
  'X-Content-Type-Options',
  'Cache-Control',
  'Content-Security-Policy',
] as const

/**
 * `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback for old clients, and the exact
 * name (RFC 5987 / RFC 6266) for everything else. Quotes, backslashes, control characters and line
 * breaks can never reach the header, so a filename cannot inject or split headers.
 */
export function contentDisposition(filename: string): string {
  const fallback =
    filename
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^\x20-\x7e]|["\\%]/g, '_')
      .trim() || 'download'
  // eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose: they are removed.
  const exact = encodeURIComponent(filename.replace(/[\u0000-\u001f\u007f]/g, '')).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`
}

/**
 * Headers every download carries: always saved, never rendered (a stored HTML or SVG can't run
 * in our origin), never sniffed into another type, and never cached (evidence is confidential).
 */
export function setDownloadHeaders(res: ServerResponse, headers: DownloadHeaders): void {
  res.setHeader('Content-Type', headers.mime)
  if (headers.size !== undefined) res.setHeader('Content-Length', String(headers.size))
  res.setHeader('Content-Disposition', contentDisposition(headers.filename))
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox")
}

/** Undoes {@link setDownloadHeaders} so an error page sent instead is shown, not downloaded. */
export function clearDownloadHeaders(res: ServerResponse): void {
  for (const name of DOWNLOAD_HEADERS) res.removeHeader(name)
}
