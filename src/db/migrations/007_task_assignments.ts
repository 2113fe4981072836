import type { Kysely } from 'kysely'

/**
 * A milestone or local task of an inspection given to a named person, not only to its owner role:
 * one row per milestone of an inspection; taking it back deletes the row (the audit log keeps the
 * history). While the person is marked unavailable, their deputy covers it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('task_assignments')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('assigned_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_assignments_pk', ['inspection_id', 'milestone_id'])
    .execute()
  await db.schema.createIndex('task_assignments_person').on('task_assignments').column('person_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('task_assignments').execute()
}
