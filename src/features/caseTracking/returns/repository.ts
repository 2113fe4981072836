import type { Kysely, Selectable } from 'kysely'
import type { AgencyType } from '../../../domain/directory'
import type { Database, Involvement, KnownAnswer, ReturnAnswersTable, SelectedChildrenTable } from '../../../db/schema'
import { isUuid } from '../../../shared/ids'

type Db = Kysely<Database>

// The agencies' "known to us" returns. Every function takes the partnership id first: an id from
// another partnership is simply not found.

export interface OpenInspection {
  id: string
  framework: Record<string, unknown>
  practice: boolean
}

/**
 * The inspection the partnership is working on now: the newest open real inspection, else the
 * newest open practice one (as the home page and evidence choose). Undefined when none is open.
 */
export async function openInspection(db: Db, partnershipId: string): Promise<OpenInspection | undefined> {
  return db
    .selectFrom('inspections')
    .select(['id', 'framework', 'practice'])
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'open')
    .orderBy('practice', 'asc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export interface SelectionRow {
  inspection_id: string
  released_at: Date | null
  due_at: Date | null
}

export async function findSelection(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<SelectionRow | undefined> {
  return db
    .selectFrom('case_selections')
    .select(['inspection_id', 'released_at', 'due_at'])
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirst()
}

export type SelectedChild = Selectable<SelectedChildrenTable>

/** The selected children of an inspection, in the inspectors' order. */
export async function selectedChildren(db: Db, partnershipId: string, inspectionId: string): Promise<SelectedChild[]> {
  return db
    .selectFrom('selected_children')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .orderBy('position')
    .orderBy('added_at')
    .execute()
}

export async function findSelectedChild(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  id: string,
): Promise<SelectedChild | undefined> {
  if (!isUuid(id)) return undefined
  return db
    .selectFrom('selected_children')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface AgencyRow {
  id: string
  name: string
  type: AgencyType
}

/** The partnership's agencies of the given types (the framework's agencies in scope), by name. */
export async function agenciesOfTypes(
  db: Db,
  partnershipId: string,
  types: readonly AgencyType[],
): Promise<AgencyRow[]> {
  if (!types.length) return []
  return db
    .selectFrom('agencies')
    .select(['id', 'name', 'type'])
    .where('partnership_id', '=', partnershipId)
    .where('type', 'in', [...types])
    .orderBy('name')
    .execute()
}

export type AnswerRow = Selectable<ReturnAnswersTable> & { updated_by_name: string | null }

/** Answers of an inspection: one agency's, or (no agency) every agency's. */
export async function answersOf(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyId?: string,
): Promise<AnswerRow[]> {
  let q = db
    .selectFrom('return_answers as a')
    .leftJoin('people as p', 'p.id', 'a.updated_by')
    .selectAll('a')
    .select('p.name as updated_by_name')
    .where('a.partnership_id', '=', partnershipId)
    .where('a.inspection_id', '=', inspectionId)
  if (agencyId !== undefined) q = q.where('a.agency_id', '=', agencyId)
  return q.execute()
}

export async function findAnswer(
  db: Db,
  partnershipId: string,
  childId: string,
  agencyId: string,
): Promise<AnswerRow | undefined> {
  if (!isUuid(childId)) return undefined
  return db
    .selectFrom('return_answers as a')
    .leftJoin('people as p', 'p.id', 'a.updated_by')
    .selectAll('a')
    .select('p.name as updated_by_name')
    .where('a.partnership_id', '=', partnershipId)
    .where('a.selected_child_id', '=', childId)
    .where('a.agency_id', '=', agencyId)
    .executeTakeFirst()
}

/** What an agency says about a child (the fields a save writes). */
export interface AnswerFields {
  known: KnownAnswer
  involvement: Involvement | null
  leadPractitioner: string | null
  team: string | null
  lastContactOn: string | null
  note: string | null
  frameworkAnswers: Record<string, string>
}

/**
 * Saves an answer if nobody has saved one since `expectedVersion` (0: there was none): inserts
 * version 1, or updates the row at that version to the next. Answers the new version, or null when
 * someone else's save came first (the caller shows both; nothing is overwritten).
 */
export async function saveAnswer(
  db: Db,
  partnershipId: string,
  key: { inspectionId: string; childId: string; agencyId: string },
  fields: AnswerFields,
  expectedVersion: number,
  by: { personId: string; late: boolean },
  now: Date,
): Promise<number | null> {
  const values = {
    known: fields.known,
    involvement: fields.involvement,
    lead_practitioner: fields.leadPractitioner,
    team: fields.team,
    last_contact_on: fields.lastContactOn,
    note: fields.note,
    framework_answers: JSON.stringify(fields.frameworkAnswers),
    late: by.late,
    updated_by: by.personId,
    updated_at: now,
  }
  if (expectedVersion === 0) {
    const row = await db
      .insertInto('return_answers')
      .values({
        partnership_id: partnershipId,
        inspection_id: key.inspectionId,
        selected_child_id: key.childId,
        agency_id: key.agencyId,
        version: 1,
        ...values,
      })
      .onConflict((oc) => oc.columns(['selected_child_id', 'agency_id']).doNothing())
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }
  const row = await db
    .updateTable('return_answers')
    .set({ ...values, version: expectedVersion + 1 })
    .where('partnership_id', '=', partnershipId)
    .where('selected_child_id', '=', key.childId)
    .where('agency_id', '=', key.agencyId)
    .where('version', '=', expectedVersion)
    .returning('version')
    .executeTakeFirst()
  return row?.version ?? null
}

export interface ReturnRow {
  agency_id: string
  submitted_at: Date | null
  submitted_by: string | null
  submitted_by_name: string | null
  late: boolean
  chased_at: Date | null
}

export async function returnsOf(db: Db, partnershipId: string, inspectionId: string): Promise<ReturnRow[]> {
  return db
    .selectFrom('agency_returns as r')
    .leftJoin('people as p', 'p.id', 'r.submitted_by')
    .select(['r.agency_id', 'r.submitted_at', 'r.submitted_by', 'p.name as submitted_by_name', 'r.late', 'r.chased_at'])
    .where('r.partnership_id', '=', partnershipId)
    .where('r.inspection_id', '=', inspectionId)
    .execute()
}

/** Makes the agency's return row if there is none yet (on its first answer). */
async function ensureReturn(db: Db, partnershipId: string, inspectionId: string, agencyId: string): Promise<void> {
  await db
    .insertInto('agency_returns')
    .values({ partnership_id: partnershipId, inspection_id: inspectionId, agency_id: agencyId })
    .onConflict((oc) => oc.columns(['inspection_id', 'agency_id']).doNothing())
    .execute()
}

/**
 * Makes the agency's return row if need be and holds it (FOR SHARE) until the transaction ends, so
 * a submission (which updates the row) waits; answers whether the return is already submitted.
 */
export async function lockReturn(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyId: string,
): Promise<boolean> {
  await ensureReturn(db, partnershipId, inspectionId, agencyId)
  const row = await db
    .selectFrom('agency_returns')
    .select('submitted_at')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('agency_id', '=', agencyId)
    .forShare()
    .executeTakeFirstOrThrow()
  return row.submitted_at !== null
}

/** Submits the return; false when it was already submitted (two leads at once: the first stands). */
export async function submitReturn(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyId: string,
  by: { personId: string; late: boolean },
  now: Date,
): Promise<boolean> {
  await ensureReturn(db, partnershipId, inspectionId, agencyId)
  const result = await db
    .updateTable('agency_returns')
    .set({ submitted_at: now, submitted_by: by.personId, late: by.late })
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('agency_id', '=', agencyId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Records that these agencies were chased now (making their return rows if need be). */
export async function markChased(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyIds: readonly string[],
  now: Date,
): Promise<void> {
  for (const agencyId of agencyIds) {
    await db
      .insertInto('agency_returns')
      .values({ partnership_id: partnershipId, inspection_id: inspectionId, agency_id: agencyId, chased_at: now })
      .onConflict((oc) => oc.columns(['inspection_id', 'agency_id']).doUpdateSet({ chased_at: now }))
      .execute()
  }
}

export async function insertCorrection(
  db: Db,
  partnershipId: string,
  c: {
    inspectionId: string
    childId: string
    agencyId: string
    reason: string
    before: Record<string, unknown>
    after: Record<string, unknown>
    by: string
  },
  now: Date,
): Promise<void> {
  await db
    .insertInto('return_corrections')
    .values({
      partnership_id: partnershipId,
      inspection_id: c.inspectionId,
      selected_child_id: c.childId,
      agency_id: c.agencyId,
      reason: c.reason,
      before: JSON.stringify(c.before),
      after: JSON.stringify(c.after),
      corrected_by: c.by,
      corrected_at: now,
    })
    .execute()
}

export interface CorrectionRow {
  selected_child_id: string
  agency_id: string
  reason: string
  before: Record<string, unknown>
  after: Record<string, unknown>
  corrected_by_name: string | null
  corrected_at: Date
}

/**
 * Corrections after submission, newest first: every agency's, or one agency's (and one child's)
 * when given.
 */
export async function correctionsOf(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  only: { agencyId?: string; childId?: string } = {},
): Promise<CorrectionRow[]> {
  let q = db
    .selectFrom('return_corrections as c')
    .leftJoin('people as p', 'p.id', 'c.corrected_by')
    .select([
      'c.selected_child_id',
      'c.agency_id',
      'c.reason',
      'c.before',
      'c.after',
      'p.name as corrected_by_name',
      'c.corrected_at',
    ])
    .where('c.partnership_id', '=', partnershipId)
    .where('c.inspection_id', '=', inspectionId)
  if (only.agencyId !== undefined) q = q.where('c.agency_id', '=', only.agencyId)
  if (only.childId !== undefined) q = q.where('c.selected_child_id', '=', only.childId)
  return q.orderBy('c.corrected_at', 'desc').execute()
}

export interface PersonRow {
  id: string
  unavailable: boolean
  deputy_id: string | null
}

/** The agency leads of these agencies, with their availability and deputy. */
export async function leadsOf(
  db: Db,
  partnershipId: string,
  agencyIds: readonly string[],
): Promise<(PersonRow & { agency_id: string })[]> {
  if (!agencyIds.length) return []
  const rows = await db
    .selectFrom('people as p')
    .innerJoin('person_roles as r', (j) => j.onRef('r.person_id', '=', 'p.id').on('r.role', '=', 'agency-lead'))
    .select(['p.id', 'p.unavailable', 'p.deputy_id', 'p.agency_id'])
    .where('p.partnership_id', '=', partnershipId)
    .where('p.agency_id', 'in', [...agencyIds])
    .where('p.disabled_at', 'is', null)
    .execute()
  return rows.map((r) => ({ ...r, agency_id: r.agency_id! }))
}
