/**
 * Regenerates liia-synonym-seed.json from reference/annex-a/liia-value-synonyms.yml.
 * Parsing that YAML takes seconds, too slow for every validation worker, so the seed is committed as JSON
 * and a test checks it still matches. Run: npx tsx src/features/annexA/files/generateSynonymSeed.ts
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { buildSynonymSeed } from '../../../domain/annexA/synonymSeed'
import { LIIA_SYNONYMS_URL, loadIlacsLibrary } from './bundledSpec'
import { SEED_JSON_URL, seedToJson } from './synonymSeedStore'

/** Builds the seed JSON text from the reference files. */
export function generateSeedJson(): string {
  const { seed, stats } = buildSynonymSeed(readFileSync(LIIA_SYNONYMS_URL, 'utf8'), loadIlacsLibrary())
  return seedToJson(seed, stats)
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\u0000')) {
  writeFileSync(SEED_JSON_URL, generateSeedJson())
  process.stdout.write(`Wrote ${SEED_JSON_URL.pathname}\n`)
}
