import { sql, type Kysely } from 'kysely'

/**
 * Approval and sign-off belong to one version of a document: each version records who approved
 * and signed it off, so the evidence pack can carry the latest approved version while a newer one
 * waits. "Provided to inspectors" belongs to the inspection it was given for.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('evidence_versions')
    .addColumn('approved_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('signed_off_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('signed_off_at', 'timestamptz')
    .execute()
  await db.schema
    .alterTable('evidence_requirements')
    .addColumn('provided_inspection_id', 'uuid', (c) => c.references('inspections.id'))
    .execute()
  // What was approved or signed off before this migration was the requirement's current version.
  await sql`
    update evidence_versions v
       set approved_by = r.approved_by, approved_at = r.approved_at, signed_off_by = r.signed_off_by, signed_off_at = r.signed_off_at
      from evidence_requirements r
     where r.current_version_id = v.id and r.approved_at is not null`.execute(db)
  // A date already recorded belongs to the newest inspection notified on or before it.
  await sql`
    update evidence_requirements r
       set provided_inspection_id = (
             select i.id from inspections i
              where i.partnership_id = r.partnership_id and i.notified_on <= r.provided_on
              order by i.notified_on desc, i.created_at desc limit 1)
     where r.provided_on is not null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('evidence_requirements').dropColumn('provided_inspection_id').execute()
  await db.schema
    .alterTable('evidence_versions')
    .dropColumn('approved_by')
    .dropColumn('approved_at')
    .dropColumn('signed_off_by')
    .dropColumn('signed_off_at')
    .execute()
}
