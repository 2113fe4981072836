import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { SynonymSeed, SynonymSeedStats } from '../../../domain/annexA/synonymSeed'

export const SEED_JSON_URL = new URL('./liia-synonym-seed.json', import.meta.url)

const seedFileSchema = z.object({
  stats: z.object({ seeded: z.number(), alreadyStructural: z.number(), ambiguous: z.number(), unresolved: z.number() }),
  columns: z.record(z.string(), z.record(z.string(), z.string())),
})

/** Serialises a seed deterministically (sorted) so regenerating it gives an identical file. */
export function seedToJson(seed: SynonymSeed, stats: SynonymSeedStats): string {
  const columns: Record<string, Record<string, string>> = {}
  for (const columnId of [...seed.keys()].sort()) {
    const spellings = seed.get(columnId) ?? new Map<string, string>()
    columns[columnId] = Object.fromEntries([...spellings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }
  return `${JSON.stringify({ stats, columns }, null, 1)}\n`
}

let cached: { seed: SynonymSeed; stats: SynonymSeedStats } | null = null

/** The committed seed of liia-tools spellings (normalised spelling → Ofsted code per column id), loaded once. */
export function loadSeed(): { seed: SynonymSeed; stats: SynonymSeedStats } {
  if (cached) return cached
  const file = seedFileSchema.parse(JSON.parse(readFileSync(SEED_JSON_URL, 'utf8')))
  const seed: SynonymSeed = new Map(
    Object.entries(file.columns).map(([id, spellings]) => [id, new Map(Object.entries(spellings))]),
  )
  cached = { seed, stats: file.stats }
  return cached
}
