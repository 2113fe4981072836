import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { CodeMatcher } from './codeMatcher'
import { normaliseHeader, normaliseValue } from './normaliseText'
import type { ListLibrary } from './specSchema'

/** Normalised spelling → Ofsted code, per column id. */
export type SynonymSeed = Map<string, Map<string, string>>

export interface SynonymSeedStats {
  /** Spellings added to the seed (after removing ambiguous ones). */
  seeded: number
  /** Spellings the code list already recognises (exact code, bare code, label), so not needed in the seed. */
  alreadyStructural: number
  /** Spellings that point at more than one Ofsted code (across groups, or because their group is coarser). */
  ambiguous: number
  /** Spellings in groups with no Ofsted equivalent (e.g. zzCodeError, "Exclude"). */
  unresolved: number
}

const scalar = z.union([z.string(), z.number(), z.boolean()])
// A group's names are usually a list, occasionally a single spelling.
const groupSchema = z.object({
  code: scalar,
  name: z
    .union([z.array(scalar), scalar])
    .nullable()
    .optional(),
})
const synonymsFileSchema = z.object({
  column_map: z.record(
    z.string(),
    z.record(z.string(), z.looseObject({ category: z.array(groupSchema).optional() }).nullable()),
  ),
})

/**
 * Finds the one code a free-text spelling names inside a coarse group (liia groups "a) White" cover five Ofsted codes):
 * a code token written as a word ("WBRI - White British"), else the longest Ofsted label contained in it.
 */
function codeMentionedIn(spelling: string, matcher: CodeMatcher, allowed: Set<string> | null): string | null {
  const words = ` ${spelling.replace(/[^a-z0-9]+/g, ' ')} `
  const byToken = new Set<string>()
  for (const [token, code] of matcher.tokenEntries()) {
    if (token.length >= 2 && words.includes(` ${token} `) && (!allowed || allowed.has(code))) byToken.add(code)
  }
  if (byToken.size === 1) return [...byToken][0] ?? null
  if (byToken.size > 1) return null
  let best: { code: string; length: number; tie: boolean } | null = null
  for (const [label, code] of matcher.labelEntries()) {
    const phrase = ` ${label.replace(/[^a-z0-9]+/g, ' ').trim()} `
    if (phrase.length < 5 || !words.includes(phrase) || (allowed && !allowed.has(code))) continue
    if (!best || phrase.length > best.length) best = { code, length: phrase.length, tie: false }
    else if (phrase.length === best.length && best.code !== code) best.tie = true
  }
  return best && !best.tie ? best.code : null
}

/**
 * Builds the seed of known spellings from liia-tools' value synonyms. Their codes are coarser groups than
 * Ofsted's drop-downs, so a spelling is seeded only when it leads to exactly one code of the column's own code list.
 */
export function buildSynonymSeed(
  synonymsYaml: string,
  library: ListLibrary,
): { seed: SynonymSeed; stats: SynonymSeedStats } {
  const file = synonymsFileSchema.parse(parseYaml(synonymsYaml, { maxAliasCount: -1 }))
  const candidates = new Map<string, Map<string, string | null>>()
  const stats: SynonymSeedStats = { seeded: 0, alreadyStructural: 0, ambiguous: 0, unresolved: 0 }
  const structuralSeen = new Set<string>()
  const unresolvedSeen = new Set<string>()
  for (const [listKey, columns] of Object.entries(file.column_map)) {
    const list = library.lists.find((l) => l.number === Number(listKey.replace(/^list_/, '')))
    if (!list) continue
    for (const [columnName, definition] of Object.entries(columns)) {
      const groups = definition?.category
      const column = list.columns.find((c) => c.aliases.includes(normaliseHeader(columnName)))
      if (!groups || !column?.codeList) continue
      const matcher = new CodeMatcher(column.codeList)
      const perColumn = candidates.get(column.id) ?? new Map<string, string | null>()
      candidates.set(column.id, perColumn)
      for (const group of groups) {
        const spellings = [String(group.code), ...[group.name ?? []].flat().map(String)]
          .map(normaliseValue)
          .filter(Boolean)
        const groupCode = matcher.matchStructural(normaliseValue(String(group.code)))?.code ?? null
        // The Ofsted codes the group's own members name, to keep free-text guesses inside the group.
        const members = new Set(
          spellings.map((s) => matcher.matchStructural(s)?.code).filter((c): c is string => Boolean(c)),
        )
        for (const spelling of spellings) {
          const key = `${column.id}\u0000${spelling}`
          const direct = matcher.matchStructural(spelling)
          if (direct) {
            if (groupCode && direct.code !== groupCode) perColumn.set(spelling, null)
            else if (!structuralSeen.has(key)) {
              structuralSeen.add(key)
              stats.alreadyStructural++
            }
            continue
          }
          const code = groupCode ?? codeMentionedIn(spelling, matcher, members.size > 0 ? members : null)
          if (!code) {
            if (!unresolvedSeen.has(key)) {
              unresolvedSeen.add(key)
              stats.unresolved++
            }
            continue
          }
          const existing = perColumn.get(spelling)
          if (existing === undefined) perColumn.set(spelling, code)
          else if (existing !== code) perColumn.set(spelling, null)
        }
      }
    }
  }
  const seed: SynonymSeed = new Map()
  for (const [columnId, spellings] of candidates) {
    const clean = new Map<string, string>()
    for (const [spelling, code] of spellings) {
      if (code === null) stats.ambiguous++
      else clean.set(spelling, code)
    }
    stats.seeded += clean.size
    seed.set(columnId, clean)
  }
  return { seed, stats }
}
