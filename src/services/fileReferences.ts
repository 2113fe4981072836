import { sql, type Kysely } from 'kysely'
import { referencedEvidenceKeys } from '../db/repositories/evidenceRepository'
import type { Database } from '../db/schema'

/**
 * For the file store's sweep: of `keys`, those some row still points at. Every table that keeps a
 * file-store key must be asked here, or the sweep would delete its files. Today: evidence versions,
 * and Annex A imports when that table exists (it arrives in its own migration).
 */
export function fileReferences(db: Kysely<Database>) {
  let annexAExists: boolean | undefined
  return async function isReferenced(keys: string[]): Promise<Set<string>> {
    const found = await referencedEvidenceKeys(db, keys)
    if (keys.length === 0) return found
    annexAExists ??= Boolean((await sql<{ t: string | null }>`select to_regclass('annex_a_imports')::text as t`.execute(db)).rows[0]?.t)
    if (annexAExists) {
      const rows = await sql<{ file_key: string }>`select file_key from annex_a_imports where file_key in (${sql.join(keys)})`.execute(db)
      for (const r of rows.rows) found.add(r.file_key)
    }
    return found
  }
}
