import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ChronologyEntry } from './chronologyRow'
import { DUPLICATE_SIMILARITY, mergeChronologies, wordSimilarity } from './mergeChronologies'

function entry(over: Partial<ChronologyEntry>): ChronologyEntry {
  return {
    date: '2026-03-03',
    time: null,
    agency: 'police',
    description: 'x',
    recordedBy: null,
    system: null,
    significance: null,
    actionTaken: null,
    file: 'police.xlsx',
    fileIndex: 0,
    row: 2,
    ...over,
  }
}

const key = (e: ChronologyEntry): string => `${e.date} ${e.time ?? '--:--'} f${e.fileIndex} r${e.row}`

describe('mergeChronologies: order', () => {
  it('orders by date, then time with untimed entries after the timed ones, then file order, then row', () => {
    const entries = [
      entry({ date: '2026-03-04', time: '09:00', fileIndex: 0, row: 2 }),
      entry({ date: '2026-03-03', time: null, fileIndex: 0, row: 9 }),
      entry({ date: '2026-03-03', time: null, fileIndex: 1, row: 3 }),
      entry({ date: '2026-03-03', time: '16:00', fileIndex: 0, row: 4 }),
      entry({ date: '2026-03-03', time: '08:30', fileIndex: 2, row: 2 }),
      entry({ date: '2026-03-03', time: '08:30', fileIndex: 1, row: 7 }),
      entry({ date: '2026-03-03', time: null, fileIndex: 0, row: 3 }),
      entry({ date: '2025-12-31', time: '23:59', fileIndex: 2, row: 5 }),
    ]
    expect(mergeChronologies(entries).map(key)).toEqual([
      '2025-12-31 23:59 f2 r5',
      '2026-03-03 08:30 f1 r7',
      '2026-03-03 08:30 f2 r2',
      '2026-03-03 16:00 f0 r4',
      '2026-03-03 --:-- f0 r3',
      '2026-03-03 --:-- f0 r9',
      '2026-03-03 --:-- f1 r3',
      '2026-03-04 09:00 f0 r2',
    ])
  })

  it('gives the same order whatever order the entries arrive in', () => {
    const entries = Array.from({ length: 40 }, (_, i) =>
      entry({
        date: `2026-03-0${(i % 3) + 1}`,
        time: i % 4 === 0 ? null : `1${i % 5}:00`,
        fileIndex: i % 2,
        row: i + 2,
      }),
    )
    const once = mergeChronologies(entries).map(key)
    expect(mergeChronologies([...entries].reverse()).map(key)).toEqual(once)
  })
})

describe('mergeChronologies: possible duplicates', () => {
  it('flags different agencies on the same date with similar words, both ways', () => {
    const merged = mergeChronologies([
      entry({ agency: 'Police', description: 'Child seen at home by officers.', fileIndex: 0, row: 2 }),
      entry({ agency: 'CSC', description: 'Officers saw the child at HOME', fileIndex: 1, row: 2 }),
      entry({ agency: 'Health', description: 'Missed dental appointment', fileIndex: 2, row: 2 }),
    ])
    expect(merged.map((e) => e.possibleDuplicates)).toEqual([[1], [0], []])
  })

  it('does not flag the same agency, another date, or words too different', () => {
    const merged = mergeChronologies([
      entry({ agency: 'Police', description: 'Strategy discussion held', fileIndex: 0, row: 2 }),
      entry({ agency: 'police', description: 'Strategy discussion held', fileIndex: 1, row: 2 }),
      entry({ agency: 'CSC', description: 'Strategy discussion held', date: '2026-03-04', fileIndex: 2 }),
      entry({ agency: 'School', description: 'Strategy discussion about attendance held today', fileIndex: 3 }),
    ])
    expect(merged.every((e) => e.possibleDuplicates.length === 0)).toBe(true)
  })

  it('measures shared words over words in either (token Jaccard), threshold 0.6', () => {
    const set = (...w: string[]) => new Set(w)
    expect(DUPLICATE_SIMILARITY).toBe(0.6)
    expect(wordSimilarity(set('a', 'b', 'c'), set('a', 'b', 'c'))).toBe(1)
    expect(wordSimilarity(set('child', 'seen', 'home'), set('child', 'seen', 'school'))).toBe(0.5)
    expect(wordSimilarity(set('a', 'b', 'c', 'd'), set('a', 'b', 'c', 'e', 'f'))).toBe(0.5)
    expect(wordSimilarity(set('a', 'b', 'c'), set('a', 'b', 'c', 'd', 'e'))).toBe(0.6)
    expect(wordSimilarity(set(), set())).toBe(0)
  })

  it('finds exactly the pairs that comparing every pair finds (prefix filtering loses none)', () => {
    const vocabulary = ['child', 'seen', 'home', 'school', 'police', 'visit', 'missing', 'returned', 'mother', 'gp']
    const arbitraryEntry = fc.record({
      agency: fc.constantFrom('Police', 'CSC', 'Health'),
      description: fc.array(fc.constantFrom(...vocabulary), { minLength: 0, maxLength: 7 }).map((w) => w.join(' ')),
      date: fc.constantFrom('2026-03-03', '2026-03-04'),
    })
    fc.assert(
      fc.property(fc.array(arbitraryEntry, { maxLength: 30 }), (generated) => {
        const merged = mergeChronologies(generated.map((g, row) => entry({ ...g, row: row + 2 })))
        const wordsOf = (d: string) => new Set(d.split(' ').filter(Boolean))
        merged.forEach((a, i) => {
          const expected = merged.flatMap((b, j) =>
            j !== i &&
            a.date === b.date &&
            a.agency !== b.agency &&
            wordSimilarity(wordsOf(a.description), wordsOf(b.description)) >= DUPLICATE_SIMILARITY
              ? [j]
              : [],
          )
          expect(a.possibleDuplicates).toEqual(expected)
        })
      }),
      { numRuns: 300 },
    )
  })
})
