import { sql, type Kysely } from 'kysely'

/**
 * The multi-agency case audit's audit tools (issue 13).
 *
 * audit_tools: one per inspection, child chosen for audit and agency that knows the child: its
 * status (draft, submitted by the agency lead, signed off by a senior approver of the agency who did
 * not write it, after their authenticator code), the overall grading and the agency's contribution
 * to the child's outcomes; `version` for optimistic concurrency; `authors` everyone who saved it.
 * Opened automatically (opened_by null) or by the coordinator with a reason; removed with a reason.
 * audit_tool_sections: per tool and framework section id, the three answers and a grading.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_tools')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('inspection_id', 'uuid', (c) => c.notNull().references('inspections.id').onDelete('cascade'))
    .addColumn('selected_child_id', 'uuid', (c) => c.notNull().references('selected_children.id').onDelete('cascade'))
    .addColumn('agency_id', 'uuid', (c) => c.notNull().references('agencies.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('overall_grading', 'text')
    .addColumn('contribution', 'text')
    .addColumn('authors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('signed_off_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('signed_off_at', 'timestamptz')
    .addColumn('signed_off_step_up_at', 'timestamptz')
    .addColumn('opened_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_reason', 'text')
    .addColumn('removed_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('removed_at', 'timestamptz')
    .addColumn('removed_reason', 'text')
    .addColumn('updated_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('audit_tools_child_agency', ['inspection_id', 'selected_child_id', 'agency_id'])
    .execute()
  await db.schema
    .createTable('audit_tool_sections')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('tool_id', 'uuid', (c) => c.notNull().references('audit_tools.id').onDelete('cascade'))
    .addColumn('section_id', 'text', (c) => c.notNull())
    .addColumn('worked_well', 'text')
    .addColumn('development', 'text')
    .addColumn('recommendations', 'text')
    .addColumn('grading', 'text')
    .addPrimaryKeyConstraint('audit_tool_sections_pk', ['tool_id', 'section_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_tool_sections').execute()
  await db.schema.dropTable('audit_tools').execute()
}
