import { readFileSync } from 'node:fs'
import {
  buildIlacsLibrary,
  parseExtraHeaderAliases,
  type ExtraHeaderAliases,
  type IlacsSpecVersion,
} from '../../../domain/annexA/loadSpec'
import type { ListLibrary } from '../../../domain/annexA/specSchema'

/** The ILACS Annex A specification shipped in reference/annex-a (never read from ../shared). */
export const ILACS_SPEC_URL = new URL('../../../../reference/annex-a/ilacs-annex-a-spec.yaml', import.meta.url)

/** The product's own extra header spellings (not the inspectorate's spec), loaded alongside it. */
export const EXTRA_HEADER_ALIASES_URL = new URL(
  '../../../../reference/annex-a/extra-header-aliases.yaml',
  import.meta.url,
)

/** liia-tools' case-management spellings; the synonym seed is generated from it (generateSynonymSeed.ts). */
export const LIIA_SYNONYMS_URL = new URL('../../../../reference/annex-a/liia-value-synonyms.yml', import.meta.url)

let extraAliasesCache: ExtraHeaderAliases | null = null

/** The extra header aliases shipped in reference/annex-a, read once per process. */
export function loadExtraHeaderAliases(): ExtraHeaderAliases {
  extraAliasesCache ??= parseExtraHeaderAliases(readFileSync(EXTRA_HEADER_ALIASES_URL, 'utf8'))
  return extraAliasesCache
}

/** Loads the ILACS spec shipped in reference/annex-a, with the product's extra header aliases. */
export function loadIlacsLibrary(version: IlacsSpecVersion = 'ilacs-2023'): ListLibrary {
  return buildIlacsLibrary(readFileSync(ILACS_SPEC_URL, 'utf8'), version, loadExtraHeaderAliases())
}
