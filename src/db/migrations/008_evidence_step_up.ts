import type { Kysely } from 'kysely'

/**
 * Several approvals may follow one authenticator code (a step-up valid for a few minutes): each
 * approved version records when the code that covered it was accepted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('evidence_versions').addColumn('approval_step_up_at', 'timestamptz').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('evidence_versions').dropColumn('approval_step_up_at').execute()
}
