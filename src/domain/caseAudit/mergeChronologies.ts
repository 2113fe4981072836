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

/** The description's distinct words, for the similarity. */
function words(description: string): Set<string> {
  const out = new Set<string>()
  for (const word of normaliseValue(description).split(/[^\p{L}\p{N}]+/u)) {
    if (word && !STOP_WORDS.has(word)) out.add(word)
  }
  return out
}

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
  // Only entries of the same date are compared, so each day is compared within itself.
  let start = 0
  while (start < merged.length) {
    let end = start + 1
    while (end < merged.length && merged[end]!.date === merged[start]!.date) end++
    flagDay(merged, start, end)
    start = end
  }
  return merged
}

function flagDay(merged: MergedEntry[], start: number, end: number): void {
  if (end - start < 2) return
  const sets: Array<Set<string>> = []
  const agencies: string[] = []
  for (let i = start; i < end; i++) {
    sets.push(words(merged[i]!.description))
    agencies.push(normaliseValue(merged[i]!.agency))
  }
  for (let i = start; i < end; i++) {
    const a = sets[i - start]!
    for (let j = i + 1; j < end; j++) {
      if (agencies[i - start] === agencies[j - start]) continue
      const b = sets[j - start]!
      // Jaccard can reach the threshold only if the smaller set is at least that share of the larger.
      const small = Math.min(a.size, b.size)
      const large = Math.max(a.size, b.size)
      if (small < large * DUPLICATE_SIMILARITY) continue
      if (wordSimilarity(a, b) >= DUPLICATE_SIMILARITY) {
        merged[i]!.possibleDuplicates.push(j)
        merged[j]!.possibleDuplicates.push(i)
      }
    }
  }
}
