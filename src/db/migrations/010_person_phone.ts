import type { Kysely } from 'kysely'

/**
 * A person's phone number, optional: the directory shows it so colleagues can reach an agency's lead
 * or deputy during an inspection. Kept as entered (UK formats: digits, spaces, +, brackets).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('phone', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('phone').execute()
}
