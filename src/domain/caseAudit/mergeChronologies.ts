import { normaliseValue } from '../annexA/normaliseText'
import type { ChronologyEntry } from './chronologyRow'

/**
 * The merged multi-agency chronology: every agency's entries in one order, with possible duplicates
 * across agencies flagged.
 *
 * Order: date; then, within a day, the timed entries by time and after them the entries without a time
 * (an event whose time nobody recorded cannot be placed among the day's timed ones, so it goes after
 * them rather than before, where it would read as the day's first event); then the order the files
 * were given; then the spreadsheet row.
 *
 * Possible duplicate: two entries of different agencies on the same date whose descriptions share most of
 * their words: token Jaccard similarity (shared words / words in either) of at least 0.6, over the
 * words of the normalised description (case, accents' compatibility forms, quotes and dashes as
 * normaliseValue makes them; punctuation dropped; a few very common words — a, an, and, the, of, to, at,
 * in, on, by, for, with, was, were, is, has, had — ignored). Two entries of the same agency are never
 * flagged (agencies compared as normaliseValue makes them, so "Police" is "police"): an agency recording two similar events on one day is its own record.
 */

export const DUPLICATE_SIMILARITY = 0.6

const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'the',
  'of',
  'to',
  'at',
  'in',
  'on',
  'by',
  'for',
  'with',
  'was',
  'were',
  'is',
  'has',
  'had',
])

const ASCII = /^[ -~\t\r\n]*$/
const ASCII_WORDS = /[a-z0-9]+/g
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]+/u

/**
 * The description's distinct words as numbers (each word its own number, given in `ids`), cached by
 * description. Words are the runs of letters and digits after NFKC and lower case: the same words as
 * splitting normaliseValue's text would give (its quotes, dashes and spaces are all separators).
 */
function wordIds(
  description: string,
  ids: Map<string, number>,
  seen: { stamp: number; at: number[] },
  cache: Map<string, Int32Array>,
): Int32Array {
  const cached = cache.get(description)
  if (cached) return cached
  const text = description.normalize('NFKC').toLowerCase()
  // Printable ASCII, lower-cased, has no letters but a–z: the quick way; anything else by Unicode category.
  const found = ASCII.test(text) ? (text.match(ASCII_WORDS) ?? []) : text.split(NOT_LETTER_OR_DIGIT)
  const out: number[] = []
  const stamp = ++seen.stamp
  for (const w of found) {
    if (!w || STOP_WORDS.has(w)) continue
    let id = ids.get(w)
    if (id === undefined) {
      id = ids.size
      ids.set(w, id)
    }
    if (seen.at[id] !== stamp) {
      seen.at[id] = stamp
      out.push(id)
    }
  }
  const list = Int32Array.from(out)
  if (cache.size < WORD_CACHE_LIMIT) cache.set(description, list)
  return list
}

/** Distinct words by description, so a description repeated across rows is split once. */
const WORD_CACHE_LIMIT = 50_000

/** Shared words over words in either; 0 when neither has any. */
export function wordSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  if (large.size === 0) return 0
  let shared = 0
  for (const word of small) if (large.has(word)) shared++
  return shared / (a.size + b.size - shared)
}

/** An entry in the merged chronology. */
export interface MergedEntry extends ChronologyEntry {
  /** Positions (in the merged list) of the other agencies' entries this one may duplicate. */
  possibleDuplicates: number[]
}

function compare(a: ChronologyEntry, b: ChronologyEntry): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1
  if (a.time !== b.time) {
    if (a.time === null) return 1
    if (b.time === null) return -1
    return a.time < b.time ? -1 : 1
  }
  return a.fileIndex - b.fileIndex || a.row - b.row
}

/** Merges the entries of every file (in any order) into the chronology's order, flagging possible duplicates. */
export function mergeChronologies(entries: readonly ChronologyEntry[]): MergedEntry[] {
  const merged: MergedEntry[] = [...entries].sort(compare).map((e) => ({ ...e, possibleDuplicates: [] }))
  const ids = new Map<string, number>()
  const cache = new Map<string, Int32Array>()
  const seen = { stamp: 0, at: [] as number[] }
  const words = merged.map((e) => wordIds(e.description, ids, seen, cache))
  const agencyIds = new Map<string, number>()
  const agencyOf = new Map<string, number>()
  const agencies = new Int32Array(merged.length)
  merged.forEach((e, i) => {
    let id = agencyOf.get(e.agency)
    if (id === undefined) {
      const key = normaliseValue(e.agency)
      id = agencyIds.get(key) ?? agencyIds.size
      agencyIds.set(key, id)
      agencyOf.set(e.agency, id)
    }
    agencies[i] = id
  })
  const scratch = { count: new Int32Array(ids.size), rank: new Int32Array(ids.size) }
  // Only entries of the same date are compared, so each day is compared within itself.
  let start = 0
  while (start < merged.length) {
    let end = start + 1
    while (end < merged.length && merged[end]!.date === merged[start]!.date) end++
    flagDay(merged, start, end, words, agencies, scratch)
    start = end
  }
  return merged
}

/** How many of a description's words (taken rarest first) any description similar enough must share one of. */
function prefixLength(size: number): number {
  return size - Math.ceil(DUPLICATE_SIMILARITY * size - 1e-9) + 1
}

/**
 * Whether two word lists sorted ascending are similar enough (the same formula as wordSimilarity),
 * giving up as soon as the words left cannot bring the shared words up to `needed`.
 */
function similarEnough(a: Int32Array, b: Int32Array, needed: number): boolean {
  let shared = 0
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (shared + Math.min(a.length - i, b.length - j) < needed) return false
    if (a[i] === b[j]) {
      shared++
      i++
      j++
    } else if (a[i]! < b[j]!) i++
    else j++
  }
  return shared / (a.length + b.length - shared) >= DUPLICATE_SIMILARITY
}

/**
 * Flags one day's possible duplicates. Comparing every pair of a busy day is slow (a day of 300 entries
 * has 45,000 pairs), so candidate pairs are found by prefix filtering with positional pruning (PPJoin),
 * which finds exactly the pairs at or over the threshold t: with each description's words in one order
 * for the day (rarest first), two word sets whose Jaccard similarity is at least t share a word among
 * the first |x| − ⌈t·|x|⌉ + 1 words of each, and must share at least ⌈t/(1+t)·(|x|+|y|)⌉ words, so a
 * pair whose shared words so far plus the words left after a match cannot reach that is dropped. Only
 * the pairs left are measured.
 */
function flagDay(
  merged: MergedEntry[],
  start: number,
  end: number,
  words: readonly Int32Array[],
  agencies: Int32Array,
  scratch: { count: Int32Array; rank: Int32Array },
): void {
  const n = end - start
  if (n < 2) return
  const { count, rank } = scratch
  const dayWords: number[] = []
  for (let i = start; i < end; i++) {
    for (const id of words[i]!) {
      if (count[id] === 0) dayWords.push(id)
      count[id] = (count[id] ?? 0) + 1
    }
  }
  dayWords.sort((a, b) => (count[a] ?? 0) - (count[b] ?? 0) || a - b)
  dayWords.forEach((id, r) => (rank[id] = r))
  const ranked: Int32Array[] = []
  for (let i = start; i < end; i++) {
    const list = words[i]!
    const ranks = new Int32Array(list.length)
    for (let k = 0; k < list.length; k++) ranks[k] = rank[list[k]!]!
    ranked.push(ranks.sort())
  }
  for (const id of dayWords) count[id] = 0
  // Each word's postings: the entries (and the word's position in each) that have it in their prefix.
  const index: Array<number[] | undefined> = []
  const overlap = new Int32Array(n)
  const touched: number[] = []
  const t = DUPLICATE_SIMILARITY
  for (let i = 0; i < n; i++) {
    const x = ranked[i]!
    const lx = x.length
    if (lx === 0) continue
    const prefix = prefixLength(lx)
    for (let p = 0; p < prefix; p++) {
      const postings = index[x[p]!]
      if (!postings) continue
      for (let k = 0; k < postings.length; k += 2) {
        const j = postings[k]!
        if (overlap[j]! < 0 || agencies[start + i] === agencies[start + j]) continue
        const ly = ranked[j]!.length
        if (Math.min(lx, ly) < Math.max(lx, ly) * t - 1e-9) continue
        const needed = Math.ceil((t / (1 + t)) * (lx + ly) - 1e-9)
        if (overlap[j] === 0) touched.push(j)
        const q = postings[k + 1]!
        if (overlap[j]! + 1 + Math.min(lx - p - 1, ly - q - 1) >= needed) overlap[j]!++
        else overlap[j] = -1
      }
    }
    for (const j of touched) {
      const y = ranked[j]!
      if (overlap[j]! > 0 && similarEnough(x, y, Math.ceil((t / (1 + t)) * (lx + y.length) - 1e-9))) {
        merged[start + j]!.possibleDuplicates.push(start + i)
        merged[start + i]!.possibleDuplicates.push(start + j)
      }
      overlap[j] = 0
    }
    touched.length = 0
    for (let p = 0; p < prefix; p++) (index[x[p]!] ??= []).push(i, p)
  }
  for (let i = start; i < end; i++) {
    const found = merged[i]!.possibleDuplicates
    if (found.length > 1) found.sort((a, b) => a - b)
  }
}
