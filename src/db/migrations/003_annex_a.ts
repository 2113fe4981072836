import { sql, type Kysely } from 'kysely'

/**
 * Annex A child-level data: each uploaded file (an import), the lists it carried and their
 * history, the accepted rows (one per spreadsheet row, keyed by an opaque id so no child id ever
 * appears in a URL), and the spellings a partnership has mapped to Ofsted codes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('annex_a_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    // Plain column: imports may be made before an inspection is recorded.
    .addColumn('inspection_id', 'uuid')
    .addColumn('notified_on', 'date', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('spec_version', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('validated', 'accepted', 'superseded')`))
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('queries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('uploaded_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('accepted_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('queries_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('annex_a_imports_partnership_idx')
    .on('annex_a_imports')
    .columns(['partnership_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('annex_a_import_lists')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('annex_a_imports.id'))
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('rows_read', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('queries', 'integer', (c) => c.notNull())
    .addColumn('current', 'boolean', (c) => c.notNull())
    .addColumn('superseded_by', 'uuid', (c) => c.references('annex_a_imports.id'))
    .addColumn('superseded_at', 'timestamptz')
    .addPrimaryKeyConstraint('annex_a_import_lists_pk', ['import_id', 'list'])
    .execute()
  // At most one current version of each list per partnership.
  await sql`create unique index annex_a_import_lists_current_idx on annex_a_import_lists (partnership_id, list) where current`.execute(
    db,
  )

  await db.schema
    .createTable('annex_a_children')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('import_id', 'uuid', (c) => c.notNull().references('annex_a_imports.id'))
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('theme', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('row', 'integer', (c) => c.notNull())
    .addColumn('child_id', 'text')
    .addColumn('dob', 'date')
    .addColumn('sex', 'text')
    .addColumn('ethnicity', 'text')
    .addColumn('disability', 'text')
    .addColumn('legal_status', 'text')
    // The row's main event (a referral's date, a plan's start …), for the register's key dates.
    .addColumn('event_date', 'date')
    .addColumn('current', 'boolean', (c) => c.notNull())
    .addColumn('values', 'jsonb', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('annex_a_children_child_idx')
    .on('annex_a_children')
    .columns(['partnership_id', 'child_id'])
    .execute()
  await db.schema
    .createIndex('annex_a_children_list_idx')
    .on('annex_a_children')
    .columns(['partnership_id', 'list', 'current'])
    .execute()
  await db.schema.createIndex('annex_a_children_import_idx').on('annex_a_children').column('import_id').execute()

  await db.schema
    .createTable('value_mappings')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('column_id', 'text', (c) => c.notNull())
    .addColumn('spelling', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('value_mappings_pk', ['partnership_id', 'column_id', 'spelling'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('value_mappings').execute()
  await db.schema.dropTable('annex_a_children').execute()
  await db.schema.dropTable('annex_a_import_lists').execute()
  await db.schema.dropTable('annex_a_imports').execute()
}
