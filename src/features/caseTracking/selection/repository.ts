import { sql, type Kysely, type Selectable } from 'kysely'
import type { AgencyType } from '../../../domain/directory'
import type { CaseSelectionsTable, CaseTrackingSettingsTable, Database } from '../../../db/schema'
import { isUuid } from '../../../shared/ids'

type Db = Kysely<Database>

// The inspectors' selection. Every function takes the partnership id first: another partnership's
// rows are simply not there.

export type SelectionRow = Selectable<CaseSelectionsTable>

export interface SelectedChildRow {
  id: string
  position: number
  child_ref: string
  name: string | null
  date_of_birth: string | null
  nhs_number: string | null
  address: string | null
  other: Record<string, string>
  in_register: boolean
  source: 'register' | 'upload'
  chosen_for_audit: boolean
  added_at: Date
}

/** DATE columns come back as 'YYYY-MM-DD' text, or a Date on some driver paths; always text here. */
function dateText(value: string | Date | null): string | null {
  if (value === null) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return value.slice(0, 10)
}

function jsonObject(value: unknown): Record<string, string> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {}
}

export async function findSelection(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<SelectionRow | undefined> {
  return db
    .selectFrom('case_selections')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirst()
}

/** The inspection's selection row, made when its first child is added. */
export async function ensureSelection(db: Db, partnershipId: string, inspectionId: string, now: Date): Promise<void> {
  await db
    .insertInto('case_selections')
    .values({ inspection_id: inspectionId, partnership_id: partnershipId, updated_at: now })
    .onConflict((oc) => oc.column('inspection_id').doNothing())
    .execute()
}

export async function listSelectedChildren(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<SelectedChildRow[]> {
  const rows = await db
    .selectFrom('selected_children')
    .select([
      'id',
      'position',
      'child_ref',
      'name',
      'date_of_birth',
      'nhs_number',
      'address',
      'other',
      'in_register',
      'source',
      'chosen_for_audit',
      'added_at',
    ])
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .orderBy('position')
    .execute()
  return rows.map((r) => ({ ...r, date_of_birth: dateText(r.date_of_birth), other: jsonObject(r.other) }))
}

export async function findSelectedChild(
  db: Db,
  partnershipId: string,
  id: string,
): Promise<{ id: string; inspection_id: string } | undefined> {
  if (!isUuid(id)) return undefined
  return db
    .selectFrom('selected_children')
    .select(['id', 'inspection_id'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export interface NewSelectedChild {
  childRef: string
  name: string | null
  dateOfBirth: string | null
  nhsNumber: string | null
  address: string | null
  other: Record<string, string>
  inRegister: boolean
  source: 'register' | 'upload'
}

/** Adds children after those already selected, in the order given. Answers their ids. */
export async function insertSelectedChildren(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  children: readonly NewSelectedChild[],
  addedBy: string,
  now: Date,
): Promise<string[]> {
  if (!children.length) return []
  const { last } = await db
    .selectFrom('selected_children')
    .select(sql<number>`coalesce(max(position), 0)::int`.as('last'))
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirstOrThrow()
  const rows = await db
    .insertInto('selected_children')
    .values(
      children.map((c, i) => ({
        partnership_id: partnershipId,
        inspection_id: inspectionId,
        position: last + i + 1,
        child_ref: c.childRef,
        name: c.name,
        date_of_birth: c.dateOfBirth,
        nhs_number: c.nhsNumber,
        address: c.address,
        other: JSON.stringify(c.other),
        in_register: c.inRegister,
        source: c.source,
        added_by: addedBy,
        added_at: now,
      })),
    )
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

export async function deleteSelectedChild(db: Db, partnershipId: string, id: string): Promise<void> {
  await db.deleteFrom('selected_children').where('partnership_id', '=', partnershipId).where('id', '=', id).execute()
}

/**
 * Of these child IDs, those in the partnership's child register (its current Annex A lists), by
 * the ID in lower case, with the date of birth the register gives.
 */
export async function registerChildren(
  db: Db,
  partnershipId: string,
  childRefs: readonly string[],
): Promise<Map<string, { childId: string; dob: string | null }>> {
  const wanted = [...new Set(childRefs.map((r) => r.toLowerCase()))]
  if (!wanted.length) return new Map()
  const rows = await db
    .selectFrom('annex_a_children')
    .select([sql<string>`child_id`.as('child_id'), sql<string | Date | null>`max(dob)`.as('dob')])
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('child_id', 'is not', null)
    .where(sql<string>`lower(child_id)`, 'in', wanted)
    .groupBy('child_id')
    .execute()
  return new Map(rows.map((r) => [r.child_id.toLowerCase(), { childId: r.child_id, dob: dateText(r.dob) }]))
}

export async function findSettings(
  db: Db,
  partnershipId: string,
): Promise<Selectable<CaseTrackingSettingsTable> | undefined> {
  return db
    .selectFrom('case_tracking_settings')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst()
}

export async function saveSettings(
  db: Db,
  partnershipId: string,
  values: { dayStarts: string; dayEnds: string; returnHours: number },
  by: string,
  now: Date,
): Promise<void> {
  const row = {
    day_starts: values.dayStarts,
    day_ends: values.dayEnds,
    return_hours: values.returnHours,
    updated_by: by,
    updated_at: now,
  }
  await db
    .insertInto('case_tracking_settings')
    .values({ partnership_id: partnershipId, ...row })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet(row))
    .execute()
}

/** The partnership's agencies of the given types (an inspection's agencies in scope), by name. */
export async function agenciesOfTypes(
  db: Db,
  partnershipId: string,
  types: readonly AgencyType[],
): Promise<Array<{ id: string; name: string; type: AgencyType }>> {
  if (!types.length) return []
  return db
    .selectFrom('agencies')
    .select(['id', 'name', 'type'])
    .where('partnership_id', '=', partnershipId)
    .where('type', 'in', types)
    .orderBy('name')
    .execute()
}

/**
 * Who is told a return is wanted: each agency's leads, and each lead's deputy (people.deputy_id),
 * enabled people only. One entry per person and agency.
 */
export async function returnRecipients(
  db: Db,
  partnershipId: string,
  agencyIds: readonly string[],
): Promise<Array<{ personId: string; agencyId: string }>> {
  if (!agencyIds.length) return []
  const leads = await db
    .selectFrom('people as p')
    .innerJoin('person_roles as r', (j) => j.onRef('r.person_id', '=', 'p.id').on('r.role', '=', 'agency-lead'))
    .select(['p.id', 'p.agency_id', 'p.deputy_id'])
    .where('p.partnership_id', '=', partnershipId)
    .where('p.agency_id', 'in', agencyIds)
    .where('p.disabled_at', 'is', null)
    .execute()
  const out = new Map<string, { personId: string; agencyId: string }>()
  for (const lead of leads) {
    if (!lead.agency_id) continue
    out.set(`${lead.id} ${lead.agency_id}`, { personId: lead.id, agencyId: lead.agency_id })
    if (lead.deputy_id)
      out.set(`${lead.deputy_id} ${lead.agency_id}`, { personId: lead.deputy_id, agencyId: lead.agency_id })
  }
  return [...out.values()]
}

/** Opens an agency's return for the inspection (kept as it is when it is already there). */
export async function insertReturns(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  agencyIds: readonly string[],
): Promise<void> {
  if (!agencyIds.length) return
  await db
    .insertInto('agency_returns')
    .values(
      agencyIds.map((agencyId) => ({
        partnership_id: partnershipId,
        inspection_id: inspectionId,
        agency_id: agencyId,
      })),
    )
    .onConflict((oc) => oc.columns(['inspection_id', 'agency_id']).doNothing())
    .execute()
}

/**
 * Opens again the submitted returns of an inspection (a child was added after release): each agency
 * answers the new child and submits again. The agencies whose return was open again.
 */
export async function reopenSubmittedReturns(db: Db, partnershipId: string, inspectionId: string): Promise<string[]> {
  const rows = await db
    .updateTable('agency_returns')
    .set({ submitted_at: null, submitted_by: null, late: false })
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('submitted_at', 'is not', null)
    .returning('agency_id')
    .execute()
  return rows.map((r) => r.agency_id)
}

export async function markReleased(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  by: string,
  dueAt: Date,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('case_selections')
    .set({ released_at: now, released_by: by, due_at: dueAt, updated_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('released_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Records the inspectors' choice for audit: exactly `chosen` of the selection, when and by whom. */
export async function setAuditChoice(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  chosen: readonly string[],
  by: string,
  now: Date,
): Promise<void> {
  const children = () =>
    db
      .updateTable('selected_children')
      .where('partnership_id', '=', partnershipId)
      .where('inspection_id', '=', inspectionId)
  await children().set({ chosen_for_audit: false }).where('chosen_for_audit', '=', true).execute()
  if (chosen.length) await children().set({ chosen_for_audit: true }).where('id', 'in', chosen).execute()
  await db
    .updateTable('case_selections')
    .set({ audit_chosen_at: now, audit_chosen_by: by, updated_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .execute()
}

/** The agencies that answered Yes ("known to us") for each selected child, by child id. */
export async function agenciesKnowing(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<Map<string, Array<{ agencyId: string; agencyName: string }>>> {
  const rows = await db
    .selectFrom('return_answers as a')
    .innerJoin('agencies as g', (j) =>
      j.onRef('g.id', '=', 'a.agency_id').onRef('g.partnership_id', '=', 'a.partnership_id'),
    )
    .select(['a.selected_child_id', 'a.agency_id', 'g.name'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.inspection_id', '=', inspectionId)
    .where('a.known', '=', 'yes')
    .orderBy('g.name')
    .execute()
  const out = new Map<string, Array<{ agencyId: string; agencyName: string }>>()
  for (const r of rows) {
    const list = out.get(r.selected_child_id) ?? []
    list.push({ agencyId: r.agency_id, agencyName: r.name })
    out.set(r.selected_child_id, list)
  }
  return out
}
