import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeCleanSample } from './cleanSample'
import { CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED, SAMPLE_WORKBOOK } from './samples'
import { validateAnnexAFile } from './validateAnnexAFile'

describe('the cleaned sample workbook', async () => {
  const sample = await validateAnnexAFile(SAMPLE_WORKBOOK, { notified: SAMPLE_NOTIFIED })
  const fresh = await writeCleanSample(join(await mkdtemp(join(tmpdir(), 'clean-sample-')), 'cleaned.xlsx'))
  const shipped = await validateAnnexAFile(CLEAN_SAMPLE_WORKBOOK, { notified: SAMPLE_NOTIFIED })
  const onLists = (rows: typeof sample.rows) => new Set(rows.map((r) => `${r.list}: ${r.childId ?? ''}`))

  it('starts from a sample with errors and queries to correct', () => {
    expect(sample.problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(10)
    expect(sample.problems.filter((p) => p.severity === 'query').length).toBeGreaterThan(10)
    expect(fresh.corrections.length).toBeGreaterThan(10)
  })

  it('has no errors and no queries, in all eleven lists', () => {
    expect(fresh.result.readable).toBe(true)
    expect(fresh.result.problems).toEqual([])
    expect(fresh.result.lists.map((l) => l.list)).toEqual(sample.lists.map((l) => l.list))
  })

  it('has the same children, each on every list the sample has them on (and in List 6 when on a plan)', () => {
    const ids = (rows: typeof sample.rows) => new Set(rows.map((r) => r.childId))
    expect(ids(fresh.result.rows)).toEqual(ids(sample.rows))
    const cleaned = onLists(fresh.result.rows)
    for (const entry of onLists(sample.rows)) expect(cleaned).toContain(entry)
    const added = [...cleaned].filter((e) => !onLists(sample.rows).has(e))
    expect(added.every((e) => e.startsWith('List 6: '))).toBe(true)
  })

  it('is the file reference/annex-a/samples ships: the script’s output, not edited by hand', () => {
    expect(shipped.problems).toEqual([])
    expect(shipped.rows.map((r) => [r.list, r.row, r.childId, r.values])).toEqual(
      fresh.result.rows.map((r) => [r.list, r.row, r.childId, r.values]),
    )
  })
})
