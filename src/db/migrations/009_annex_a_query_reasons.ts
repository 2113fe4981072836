import type { Kysely } from 'kysely'

/**
 * Why each kind of query (each rule) in an accepted Annex A file could be accepted: a JSON array of
 * { rule, title, count, reason }, one per rule, instead of one reason for all of them. Files accepted
 * before keep their single reason in queries_reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('annex_a_imports').addColumn('queries_reasons', 'jsonb').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('annex_a_imports').dropColumn('queries_reasons').execute()
}
