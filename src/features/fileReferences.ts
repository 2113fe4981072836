import type { Kysely } from 'kysely'
import { referencedFileKeys as annexAKeys } from './annexA/repository'
import { referencedEvidenceKeys } from './evidence/repository'
import type { Database } from '../db/schema'

/**
 * For the file store's sweep: of `keys`, those some row still points at. Every table that keeps a
 * file-store key must be asked here, or the sweep would delete its files: evidence versions and
 * Annex A imports today.
 */
export function fileReferences(db: Kysely<Database>) {
  return async function isReferenced(keys: string[]): Promise<Set<string>> {
    const [evidence, annexA] = await Promise.all([referencedEvidenceKeys(db, keys), annexAKeys(db, keys)])
    return new Set([...evidence, ...annexA])
  }
}
