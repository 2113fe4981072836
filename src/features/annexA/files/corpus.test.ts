import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORPUS } from '../../../../test/fixtures/annex-a/buildBadFileCorpus'
import { validateAnnexAFile } from './validateAnnexAFile'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'annex-a-corpus-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('bad file corpus', () => {
  it('has at least 40 named cases', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(40)
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length)
  })

  for (const c of CORPUS) {
    it(`${c.name} → ${c.rule}`, async () => {
      const path = await c.build(dir)
      const result = await validateAnnexAFile(path, { notified: '2024-04-01', fileName: c.fileName })
      expect(result.readable).toBe(c.readable)
      const hit = result.problems.find((p) => p.rule === c.rule)
      expect(hit, JSON.stringify(result.problems.slice(0, 5))).toBeDefined()
      expect(hit?.message).toContain(c.messageIncludes)
      if (!c.readable) expect(result.problems).toHaveLength(1)
    })
  }
})
