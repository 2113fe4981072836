import iconv from 'iconv-lite'

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252'

function utf16WithoutBom(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, 2000) & ~1
  if (n < 4) return null
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++
    if (buf[i + 1] === 0) oddNul++
  }
  const pairs = n / 2
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return 'utf-16le'
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return 'utf-16be'
  return null
}

/**
 * Decodes CSV bytes: UTF-8 (with or without BOM), UTF-16 (BOM or the NUL pattern Excel's "Unicode text" leaves),
 * else Windows-1252, which is what Excel on Windows writes for "CSV" and where £ and curly quotes break UTF-8.
 */
export function decodeCsvText(buf: Buffer): { text: string; encoding: CsvEncoding } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' }
  if (buf[0] === 0xff && buf[1] === 0xfe)
    return { text: iconv.decode(buf.subarray(2), 'utf-16le'), encoding: 'utf-16le' }
  if (buf[0] === 0xfe && buf[1] === 0xff)
    return { text: iconv.decode(buf.subarray(2), 'utf-16be'), encoding: 'utf-16be' }
  const utf16 = utf16WithoutBom(buf)
  if (utf16) return { text: iconv.decode(buf, utf16), encoding: utf16 }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' }
  } catch {
    return { text: iconv.decode(buf, 'windows-1252'), encoding: 'windows-1252' }
  }
}

/** The delimiter used on the first line: comma, semicolon (European Excel) or tab (Excel "Unicode text"). */
export function detectDelimiter(text: string): ',' | ';' | '\t' {
  const firstLine = text.slice(0, 10_000).split(/\r?\n/, 1)[0] ?? ''
  const unquoted = firstLine.replace(/"[^"]*"/g, '')
  const counts: Array<[',' | ';' | '\t', number]> = [
    [',', unquoted.split(',').length - 1],
    [';', unquoted.split(';').length - 1],
    ['\t', unquoted.split('\t').length - 1],
  ]
  counts.sort((a, b) => b[1] - a[1])
  return counts[0]?.[1] ? counts[0][0] : ','
}
