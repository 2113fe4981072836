import { sql, type Kysely, type Selectable } from 'kysely'
import type { AuditGrading, AuditToolsTable, AuditToolStatus, Database } from '../../db/schema'
import { isUuid } from '../../shared/ids'

type Db = Kysely<Database>

// The audit tools of the multi-agency case audit. Every function takes the partnership id first:
// an id from another partnership is simply not found.

/** The children chosen for audit and the agencies that answered Yes, known to us, for each. */
export async function knownPairs(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<{ selected_child_id: string; agency_id: string }[]> {
  return db
    .selectFrom('return_answers as a')
    .innerJoin('selected_children as c', 'c.id', 'a.selected_child_id')
    .select(['a.selected_child_id', 'a.agency_id'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.inspection_id', '=', inspectionId)
    .where('a.known', '=', 'yes')
    .where('c.chosen_for_audit', '=', true)
    .execute()
}

/** When the inspectors' choice for audit was recorded, if it has been. */
export async function auditChosenAt(db: Db, partnershipId: string, inspectionId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('case_selections')
    .select('audit_chosen_at')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirst()
  return row?.audit_chosen_at ?? null
}

/**
 * Opens a tool for each pair that has none (a removed tool stays removed); returns the new tools'
 * ids. Safe to run twice at once: the unique constraint keeps one tool per child and agency.
 */
export async function openTools(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  pairs: readonly { selected_child_id: string; agency_id: string }[],
  opened: { by: string | null; reason: string | null },
  now: Date,
): Promise<{ id: string; selected_child_id: string; agency_id: string }[]> {
  if (!pairs.length) return []
  return db
    .insertInto('audit_tools')
    .values(
      pairs.map((p) => ({
        partnership_id: partnershipId,
        inspection_id: inspectionId,
        selected_child_id: p.selected_child_id,
        agency_id: p.agency_id,
        opened_by: opened.by,
        opened_at: now,
        opened_reason: opened.reason,
        updated_by: null,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['inspection_id', 'selected_child_id', 'agency_id']).doNothing())
    .returning(['id', 'selected_child_id', 'agency_id'])
    .execute()
}

export type ToolRow = Selectable<AuditToolsTable> & {
  agency_name: string
  position: number
  submitted_by_name: string | null
  signed_off_by_name: string | null
  updated_by_name: string | null
}

function toolsQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('audit_tools as t')
    .innerJoin('agencies as a', 'a.id', 't.agency_id')
    .innerJoin('selected_children as c', 'c.id', 't.selected_child_id')
    .leftJoin('people as s', 's.id', 't.submitted_by')
    .leftJoin('people as o', 'o.id', 't.signed_off_by')
    .leftJoin('people as u', 'u.id', 't.updated_by')
    .selectAll('t')
    .select([
      'a.name as agency_name',
      'c.position',
      's.name as submitted_by_name',
      'o.name as signed_off_by_name',
      'u.name as updated_by_name',
    ])
    .where('t.partnership_id', '=', partnershipId)
}

/** The inspection's tools not removed (optionally one agency's), by child then agency name. */
export async function toolsOf(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyId?: string,
): Promise<ToolRow[]> {
  let q = toolsQuery(db, partnershipId).where('t.inspection_id', '=', inspectionId).where('t.removed_at', 'is', null)
  if (agencyId !== undefined) q = q.where('t.agency_id', '=', agencyId)
  return q.orderBy('c.position').orderBy('a.name').execute()
}

/** One tool (removed ones too), or undefined. */
export async function findTool(db: Db, partnershipId: string, toolId: string): Promise<ToolRow | undefined> {
  if (!isUuid(toolId)) return undefined
  return toolsQuery(db, partnershipId).where('t.id', '=', toolId).executeTakeFirst()
}

/** Holds the tool's row until the transaction ends, so a save and a sign-off never cross. */
export async function lockTool(db: Db, partnershipId: string, toolId: string): Promise<void> {
  if (!isUuid(toolId)) return
  await db
    .selectFrom('audit_tools')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', toolId)
    .forUpdate()
    .execute()
}

export interface SectionFields {
  workedWell: string | null
  development: string | null
  recommendations: string | null
  grading: AuditGrading | null
}

export async function sectionsOf(db: Db, partnershipId: string, toolId: string): Promise<Map<string, SectionFields>> {
  const rows = await db
    .selectFrom('audit_tool_sections')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('tool_id', '=', toolId)
    .execute()
  return new Map(
    rows.map((r) => [
      r.section_id,
      { workedWell: r.worked_well, development: r.development, recommendations: r.recommendations, grading: r.grading },
    ]),
  )
}

export interface ToolFields {
  overallGrading: AuditGrading | null
  contribution: string | null
  sections: Record<string, SectionFields>
}

/**
 * Saves the tool at `version` (null when someone saved since: nothing is written) and returns the
 * new version. The tool goes back to draft: any sign-off or submission it had is void.
 */
export async function saveTool(
  db: Db,
  partnershipId: string,
  toolId: string,
  version: number,
  fields: ToolFields,
  personId: string,
  now: Date,
): Promise<number | null> {
  const updated = await db
    .updateTable('audit_tools')
    .set({
      overall_grading: fields.overallGrading,
      contribution: fields.contribution,
      status: 'draft',
      submitted_by: null,
      submitted_at: null,
      signed_off_by: null,
      signed_off_at: null,
      signed_off_step_up_at: null,
      authors: sql<string>`(case when authors @> ${JSON.stringify([personId])}::jsonb then authors else authors || ${JSON.stringify([personId])}::jsonb end)`,
      version: sql<number>`version + 1`,
      updated_by: personId,
      updated_at: now,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', toolId)
    .where('version', '=', version)
    .returning('version')
    .executeTakeFirst()
  if (!updated) return null
  for (const [sectionId, s] of Object.entries(fields.sections)) {
    const values = {
      worked_well: s.workedWell,
      development: s.development,
      recommendations: s.recommendations,
      grading: s.grading,
    }
    await db
      .insertInto('audit_tool_sections')
      .values({ partnership_id: partnershipId, tool_id: toolId, section_id: sectionId, ...values })
      .onConflict((oc) => oc.columns(['tool_id', 'section_id']).doUpdateSet(values))
      .execute()
  }
  return updated.version
}

/** Moves the tool from `from` to its next status; false when it was not in `from` (nothing written). */
export async function moveTool(
  db: Db,
  partnershipId: string,
  toolId: string,
  from: AuditToolStatus,
  to:
    | { status: 'submitted'; submitted_by: string; submitted_at: Date }
    | { status: 'signed-off'; signed_off_by: string; signed_off_at: Date; signed_off_step_up_at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('audit_tools')
    .set(to)
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', toolId)
    .where('status', '=', from)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Puts a removed tool back, opened again by the coordinator with a reason; false when it was not removed. */
export async function restoreTool(
  db: Db,
  partnershipId: string,
  toolId: string,
  opened: { by: string; reason: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('audit_tools')
    .set({
      removed_at: null,
      removed_by: null,
      removed_reason: null,
      opened_by: opened.by,
      opened_reason: opened.reason,
      opened_at: now,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', toolId)
    .where('removed_at', 'is not', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Removes a tool with a reason (kept, with what was written, for the record); false when already removed. */
export async function removeTool(
  db: Db,
  partnershipId: string,
  toolId: string,
  removed: { by: string; reason: string },
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('audit_tools')
    .set({ removed_at: now, removed_by: removed.by, removed_reason: removed.reason })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', toolId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
