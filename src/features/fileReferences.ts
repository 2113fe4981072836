import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Feature } from './feature'

/**
 * For the file store's sweep: of `keys`, those some row still points at. Every capability that
 * keeps file-store keys answers through its `referencedFileKeys` (evidence versions and Annex A
 * imports today), or the sweep would delete its files.
 */
export function fileReferences(db: Kysely<Database>, features: readonly Pick<Feature, 'referencedFileKeys'>[]) {
  return async function isReferenced(keys: string[]): Promise<Set<string>> {
    const answers = await Promise.all(
      features.map((f) => f.referencedFileKeys?.(db, keys) ?? Promise.resolve(new Set<string>())),
    )
    return new Set(answers.flatMap((a) => [...a]))
  }
}
