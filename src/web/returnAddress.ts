const BASE = 'http://jtai.invalid'

/**
 * Where to send someone back to: a path on this site, or '/' when `value` is anything else. Browsers
 * read `//host` and `/\host` as another site, so the address is resolved as a browser would and only
 * kept when it stays on this origin; what is returned is the path and query as resolved.
 */
export function sameOriginPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return '/'
  let url: URL
  try {
    url = new URL(value, BASE)
  } catch {
    return '/'
  }
  if (url.origin !== BASE || value.includes('\\')) return '/'
  return `${url.pathname}${url.search}`
}
