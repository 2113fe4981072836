import { sql, type Kysely } from 'kysely'

/**
 * Case tracking: the inspectors' 20–30 children, each agency's "known to us" return, and the 5–7
 * children chosen for multi-agency audit.
 *
 * case_selections: one per inspection: released (with its deadline) or not yet, and when the
 * inspectors' choice for audit was recorded.
 * selected_children: the children the inspectors selected, with the identifiers agencies need to look
 * them up (special-category data: read only through the case-tracking service, which logs every read).
 * agency_returns: an agency's return, submitted by its lead or deputy (a row once anyone answers).
 * return_answers: one agency's answer for one child; `version` for optimistic concurrency (a save
 * names the version it was opened at); `late` when saved after the deadline.
 * return_corrections: a submitted return's answer changed, with the reason and before and after.
 * case_tracking_settings: the partnership's working hours (the return deadline counts them).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_selections')
    .addColumn('inspection_id', 'uuid', (c) => c.primaryKey().references('inspections.id').onDelete('cascade'))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('released_at', 'timestamptz')
    .addColumn('released_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('due_at', 'timestamptz')
    .addColumn('audit_chosen_at', 'timestamptz')
    .addColumn('audit_chosen_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('selected_children')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('child_ref', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('date_of_birth', 'date')
    .addColumn('nhs_number', 'text')
    .addColumn('address', 'text')
    .addColumn('other', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('in_register', 'boolean', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('chosen_for_audit', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('added_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('added_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('selected_children_inspection_child', ['inspection_id', 'child_ref'])
    .execute()
  await db.schema
    .createTable('agency_returns')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('chased_at', 'timestamptz')
    .addPrimaryKeyConstraint('agency_returns_pk', ['inspection_id', 'agency_id'])
    .execute()
  await db.schema
    .createTable('return_answers')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('selected_child_id', 'uuid', (c) => c.notNull().references('selected_children.id').onDelete('cascade'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    .addColumn('known', 'text', (c) => c.notNull())
    .addColumn('involvement', 'text')
    .addColumn('lead_practitioner', 'text')
    .addColumn('team', 'text')
    .addColumn('last_contact_on', 'date')
    .addColumn('note', 'text')
    .addColumn('framework_answers', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('late', 'boolean', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('return_answers_pk', ['selected_child_id', 'agency_id'])
    .execute()
  await db.schema
    .createIndex('return_answers_inspection_agency')
    .on('return_answers')
    .columns(['inspection_id', 'agency_id'])
    .execute()
  await db.schema
    .createTable('return_corrections')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('selected_child_id', 'uuid', (c) => c.notNull().references('selected_children.id').onDelete('cascade'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .addColumn('corrected_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('corrected_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('case_tracking_settings')
    .addColumn('partnership_id', 'uuid', (c) => c.primaryKey().references('partnerships.id'))
    .addColumn('day_starts', 'text', (c) => c.notNull())
    .addColumn('day_ends', 'text', (c) => c.notNull())
    .addColumn('return_hours', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'case_tracking_settings',
    'return_corrections',
    'return_answers',
    'agency_returns',
    'selected_children',
    'case_selections',
  ])
    await db.schema.dropTable(table).execute()
}
