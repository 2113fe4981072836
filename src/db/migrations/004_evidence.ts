import { sql, type Kysely } from 'kysely'

/**
 * The documentary evidence library: one requirement per agency and document (from the frameworks,
 * or added locally), the uploaded versions of each (files live in the file store; the row keeps the
 * key, size and SHA-256), and quality-assurance comments from other agencies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('evidence_requirements')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    // The framework's document id ("police-audits"); null for a local requirement.
    .addColumn('document_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('review_interval_months', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('not-started'))
    .addColumn('current_version_id', 'uuid')
    .addColumn('approved_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('signed_off_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('signed_off_at', 'timestamptz')
    .addColumn('not_available_rationale', 'text')
    .addColumn('not_available_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('not_available_at', 'timestamptz')
    .addColumn('not_available_confirmed_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('not_available_confirmed_at', 'timestamptz')
    .addColumn('provided_on', 'date')
    .addColumn('provided_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Nulls are distinct, so this only stops a framework document appearing twice for one agency.
    .addUniqueConstraint('evidence_requirements_document_unique', ['agency_id', 'document_id'])
    .addCheckConstraint(
      'evidence_requirements_status_check',
      sql`status in ('not-started', 'uploaded', 'approved', 'signed-off', 'not-available')`,
    )
    .execute()
  await db.schema
    .createIndex('evidence_requirements_partnership_idx')
    .on('evidence_requirements')
    .columns(['partnership_id', 'agency_id'])
    .execute()

  await db.schema
    .createTable('evidence_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('requirement_id', 'uuid', (c) => c.notNull().references('evidence_requirements.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('file_key', 'text', (c) => c.notNull().unique())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('evidence_versions_unique', ['requirement_id', 'version'])
    .execute()

  await sql`alter table evidence_requirements add constraint evidence_requirements_current_version_fk foreign key (current_version_id) references evidence_versions(id)`.execute(
    db,
  )

  await db.schema
    .createTable('evidence_comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('requirement_id', 'uuid', (c) => c.notNull().references('evidence_requirements.id'))
    .addColumn('author_id', 'uuid', (c) => c.references('people.id'))
    .addColumn('author_agency_id', 'uuid', (c) => c.references('agencies.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('resolved_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('evidence_comments_requirement_idx')
    .on('evidence_comments')
    .column('requirement_id')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('evidence_comments').execute()
  await sql`alter table evidence_requirements drop constraint evidence_requirements_current_version_fk`.execute(db)
  await db.schema.dropTable('evidence_versions').execute()
  await db.schema.dropTable('evidence_requirements').execute()
}
