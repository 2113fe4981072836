/**
 * Text normalisation shared by header matching and value mapping.
 * Case-management exports vary in case, spacing, curly quotes and dashes; none of that carries meaning.
 */

const CURLY = /[\u2018\u2019\u201A\u201B\u2032]/g
const CURLY_DOUBLE = /[\u201C\u201D\u201E\u2033]/g
const DASHES = /[\u2010-\u2015\u2212]/g
const SPACES = /[\s\u00A0\u200B\uFEFF]+/g

/** Normalises a cell value for lookups: NFKC, straight quotes and dashes, lower case, single spaces. */
export function normaliseValue(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(CURLY, "'")
    .replace(CURLY_DOUBLE, '"')
    .replace(DASHES, '-')
    .replace(SPACES, ' ')
    .trim()
    .toLowerCase()
}

/** Normalises a header for alias matching: case, spacing and punctuation are ignored entirely. */
export function normaliseHeader(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** Lower-cased with single spaces but punctuation kept: what the spec's header regexes are written against. */
export function headerForPattern(raw: string): string {
  return raw.normalize('NFKC').replace(CURLY, "'").replace(DASHES, '-').replace(SPACES, ' ').trim()
}

/** A stable identifier from a column name: "Date of Birth" → "date_of_birth". */
export function slugify(name: string): string {
  return normaliseHeader(name).replace(/ /g, '_')
}

/** An Ofsted code as people say it: "b) Female" → "Female", "p1) 5D: LA services" → "5D: LA services"; anything else unchanged. */
export function withoutCodeLetter(code: string): string {
  return code.replace(/^[a-z]\d?\)\s+/, '')
}
