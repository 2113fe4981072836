import type { Kysely } from 'kysely'

/**
 * Who marked a milestone or local task done, and when. One row per milestone of an inspection;
 * marking it not done deletes the row (the audit log keeps the history). And who closed an
 * inspection, and when, so the home page moves on from it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('inspections')
    .addColumn('closed_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('closed_at', 'timestamptz')
    .execute()
  await db.schema
    .createTable('milestone_completions')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('completed_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('milestone_completions_pk', ['inspection_id', 'milestone_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('milestone_completions').execute()
  await db.schema.alterTable('inspections').dropColumn('closed_by').dropColumn('closed_at').execute()
}
