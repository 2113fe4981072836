/** Longest name we keep, in characters (code points), extension included. */
export const MAX_FILENAME_LENGTH = 150

const FALLBACK = 'document'
/** Extensions are kept whole when shortening; longer "extensions" are just part of the name. */
const EXTENSION = /\.([\p{L}\p{N}]{1,10})$/u
// C0/C1 controls, plus bidi overrides and zero-width characters that can disguise "exe.pdf" as "fdp.exe".
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu
// Characters Windows, macOS or shells give meaning to; replaced so the rest of the name survives.
const RESERVED = /[<>:"|?*]/g
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i

/**
 * Turns whatever name a browser (or attacker) sent into one that is safe to show, store and offer
 * back as a download: only the last path segment, no control or reserved characters, no leading
 * dots (hidden files), no trailing dots or spaces (Windows drops them), NFC-normalised, at most
 * {@link MAX_FILENAME_LENGTH} characters with the extension kept. Never returns an empty string.
 */
export function sanitiseFilename(raw: string): string {
  // Both separators: old browsers send "C:\Users\jo\report.pdf", attackers send "../../x".
  const lastSegment = raw.normalize('NFC').split(/[/\\]/).pop() ?? ''
  let name = lastSegment
    // Whitespace first, so a tab or line break becomes a space rather than gluing words together.
    .replace(/\s+/gu, ' ')
    .replace(INVISIBLE, '')
    .replace(RESERVED, '_')
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '')
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`
  name = truncate(name)
  return name === '' ? FALLBACK : name
}

function truncate(name: string): string {
  const chars = Array.from(name)
  if (chars.length <= MAX_FILENAME_LENGTH) return name
  const extension = EXTENSION.exec(name)?.[0] ?? ''
  const baseLength = MAX_FILENAME_LENGTH - Array.from(extension).length
  const base = chars
    .slice(0, chars.length - Array.from(extension).length)
    .slice(0, baseLength)
    .join('')
  // Cutting may expose a trailing space or dot, which Windows would silently drop.
  return base.replace(/[.\s]+$/u, '') + extension
}
