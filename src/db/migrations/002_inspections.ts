import { sql, type Kysely } from 'kysely'

/**
 * Frameworks uploaded by a partnership, the working-day calendar's inputs (imported bank holidays,
 * local closure days) and inspections with their overrides, local tasks and the local plan.
 * Every table carries partnership_id so each query can filter by it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('framework_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('framework_id', 'text', (c) => c.notNull())
    // 1, 2, 3 … per partnership and framework; the file's own version text is in content.version.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('framework_versions_unique', ['partnership_id', 'framework_id', 'version'])
    .execute()

  // Per partnership: one partnership's import can never move another's deadlines.
  await db.schema
    .createTable('imported_holidays')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('imported_holidays_pk', ['partnership_id', 'date'])
    .execute()

  await db.schema
    .createTable('closure_days')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('closure_days_pk', ['partnership_id', 'date'])
    .execute()

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('framework_id', 'text', (c) => c.notNull())
    // The framework as it was when the inspection began: later uploads never change its timeline.
    .addColumn('framework', 'jsonb', (c) => c.notNull())
    .addColumn('framework_version_id', 'uuid', (c) => c.references('framework_versions.id'))
    .addColumn('notified_on', 'date', (c) => c.notNull())
    .addColumn('notified_time', 'text')
    .addColumn('practice', 'boolean', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('created_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('inspections_partnership_idx')
    .on('inspections')
    .columns(['partnership_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('milestone_overrides')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('milestone_id', 'text', (c) => c.notNull())
    .addColumn('date', 'date', (c) => c.notNull())
    // null keeps the template's time of day.
    .addColumn('time', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('overridden_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('milestone_overrides_pk', ['inspection_id', 'milestone_id'])
    .execute()

  for (const table of ['local_tasks', 'local_plan_tasks'] as const) {
    let builder = db.schema
      .createTable(table)
      .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
      .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    if (table === 'local_tasks')
      builder = builder.addColumn('inspection_id', 'uuid', (c) =>
        c.notNull().references('inspections.id').onDelete('cascade'),
      )
    builder = builder
      // The milestone id the timeline uses ("local-…"), unique within an inspection or plan.
      .addColumn('task_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('owner_role', 'text', (c) => c.notNull())
      .addColumn('anchor_milestone', 'text', (c) => c.notNull())
      .addColumn('offset_working_days', 'integer', (c) => c.notNull())
      .addColumn('time', 'text')
      .addColumn('created_by', 'uuid', (c) => c.references('people.id'))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    await builder.execute()
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_unique`)} unique (${sql.raw(table === 'local_tasks' ? 'inspection_id, task_id' : 'partnership_id, task_id')})`.execute(
      db,
    )
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'local_plan_tasks',
    'local_tasks',
    'milestone_overrides',
    'inspections',
    'closure_days',
    'imported_holidays',
    'framework_versions',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
