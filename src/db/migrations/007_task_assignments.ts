import type { Kysely } from 'kysely'

/**
 * Tasks for named people and for each agency.
 *
 * task_assignments: a milestone or local task of an inspection given to a named person, not only
 * to its owner role: one row per milestone of an inspection; taking it back deletes the row (the
 * audit log keeps the history). While the person is marked unavailable, their deputy covers it.
 *
 * agency_task_completions: a task of an agency role (agency lead, senior approver, contributor) that
 * is given to nobody by name is each agency's own: one agency marking its part done does not mark it
 * done for the others. One row per milestone and agency; marking it not done deletes the row.
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
  await db.schema
    .createTable('agency_task_completions')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    .addColumn('completed_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('agency_task_completions_pk', ['inspection_id', 'milestone_id', 'agency_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('agency_task_completions').execute()
  await db.schema.dropTable('task_assignments').execute()
}
