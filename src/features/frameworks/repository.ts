import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database, FrameworkVersionsTable } from '../../db/schema'

type Db = Kysely<Database>
export type FrameworkVersionRow = Selectable<FrameworkVersionsTable> & { uploaded_by_name: string | null }

// Every function takes the partnership id first: another partnership's uploads are never seen.

/** The newest uploaded version of each framework the partnership has uploaded. */
export async function latestVersions(db: Db, partnershipId: string): Promise<FrameworkVersionRow[]> {
  return db
    .selectFrom('framework_versions as v')
    .leftJoin('people as p', 'p.id', 'v.uploaded_by')
    .selectAll('v')
    .select('p.name as uploaded_by_name')
    .where('v.partnership_id', '=', partnershipId)
    .where((eb) =>
      eb(
        'v.version',
        '=',
        eb.selectFrom('framework_versions as w').whereRef('w.partnership_id', '=', 'v.partnership_id').whereRef('w.framework_id', '=', 'v.framework_id').select(sql<number>`max(w.version)`.as('m')),
      ),
    )
    .orderBy('v.framework_id')
    .execute()
}

/** Every uploaded version of one framework, newest first. */
export async function versionsOf(db: Db, partnershipId: string, frameworkId: string): Promise<FrameworkVersionRow[]> {
  return db
    .selectFrom('framework_versions as v')
    .leftJoin('people as p', 'p.id', 'v.uploaded_by')
    .selectAll('v')
    .select('p.name as uploaded_by_name')
    .where('v.partnership_id', '=', partnershipId)
    .where('v.framework_id', '=', frameworkId)
    .orderBy('v.version', 'desc')
    .execute()
}

/** Stores a new version, numbered one after the last for this framework. */
export async function insertVersion(
  db: Db,
  partnershipId: string,
  f: { frameworkId: string; content: unknown; sourceName: string; uploadedBy: string | null },
  now: Date,
): Promise<Selectable<FrameworkVersionsTable>> {
  const last = await db
    .selectFrom('framework_versions')
    .select(sql<number | null>`max(version)`.as('m'))
    .where('partnership_id', '=', partnershipId)
    .where('framework_id', '=', f.frameworkId)
    .executeTakeFirst()
  return db
    .insertInto('framework_versions')
    .values({
      partnership_id: partnershipId,
      framework_id: f.frameworkId,
      version: (last?.m ?? 0) + 1,
      content: JSON.stringify(f.content),
      source_name: f.sourceName,
      uploaded_by: f.uploadedBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}
