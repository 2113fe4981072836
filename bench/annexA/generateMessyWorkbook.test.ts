import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ilacsLibrary } from '../../src/features/annexA/files/specCache'
import { validateAnnexAFile } from '../../src/features/annexA/files/validateAnnexAFile'
import { generateMessyWorkbook, type GeneratedStats } from './generateMessyWorkbook'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'annex-a-bench-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('bench generator and validator agree', () => {
  it('on rows per list and on the junk the generator planted, for a small messy workbook', async () => {
    const library = ilacsLibrary('ilacs-2023')
    const path = join(dir, 'messy.xlsx')
    const stats: GeneratedStats = { rows: {}, junk: { 'cell.date': 0, 'cell.integer': 0, 'cell.postcode': 0 } }
    const written = await generateMessyWorkbook(path, library, 2_000, stats)
    const result = await validateAnnexAFile(path, { notified: '2023-07-01' })

    expect(result.readable).toBe(true)
    expect(Object.values(stats.rows).reduce((n, r) => n + r, 0)).toBe(written)
    const rowsRead = Object.fromEntries(result.lists.map((l) => [l.list, l.rowsRead]))
    expect(rowsRead).toEqual(stats.rows)
    expect(result.rows).toHaveLength(written)
    // Every list found under its title rows; no header trouble.
    expect(result.lists.map((l) => l.headerRow)).toEqual(result.lists.map(() => 3))
    expect(
      result.problems.filter(
        (p) => p.rule.startsWith('header.') || p.rule.startsWith('sheet.') || p.rule.startsWith('workbook.'),
      ),
    ).toEqual([])
    const count = (rule: string): number => result.problemsByRule.find((r) => r.rule === rule)?.count ?? 0
    expect(stats.junk['cell.date']).toBeGreaterThan(0)
    for (const [rule, planted] of Object.entries(stats.junk)) expect(count(rule), rule).toBe(planted)
    // Counts by rule add up to the problems listed, and every list's errors and queries to its problems.
    expect(result.problemsByRule.reduce((n, r) => n + r.count, 0)).toBe(result.problems.length)
    for (const l of result.lists)
      expect(l.errors + l.queries).toBe(result.problems.filter((p) => p.list === l.list).length)
  })

  it('reports how much of the workbook is read, rising to 100 only at the end', async () => {
    const path = join(dir, 'progress.xlsx')
    const written = await generateMessyWorkbook(path, ilacsLibrary('ilacs-2023'), 20_000)
    const seen: Array<{ rowsRead: number; percent: number | null }> = []
    await validateAnnexAFile(path, { notified: '2023-07-01' }, (p) =>
      seen.push({ rowsRead: p.rowsRead, percent: p.percent }),
    )
    const percents = seen.map((p) => p.percent)
    expect(seen.length).toBeGreaterThan(5)
    expect(percents.every((p) => typeof p === 'number')).toBe(true)
    expect(percents.slice(0, -1).every((p) => (p as number) < 100)).toBe(true)
    expect(percents).toEqual([...percents].sort((a, b) => (a as number) - (b as number)))
    expect(seen.at(-1)).toEqual({ rowsRead: written, percent: 100 })
    // Halfway through the rows is roughly halfway through the file.
    const middle = seen.find((p) => p.rowsRead >= written / 2)
    expect(middle?.percent).toBeGreaterThan(30)
    expect(middle?.percent).toBeLessThan(70)
  }, 60_000)
})
