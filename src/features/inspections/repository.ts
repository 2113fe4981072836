import type { Kysely, Selectable } from 'kysely'
import type { Role } from '../../domain/directory'
import type { Database, InspectionsTable, LocalPlanTasksTable } from '../../db/schema'
import { isUuid } from '../../shared/ids'

type Db = Kysely<Database>

// Every function takes the partnership id first: an id from another partnership is simply not found.

export type InspectionRow = Selectable<InspectionsTable> & {
  created_by_name: string | null
  closed_by_name: string | null
}

function inspectionQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('inspections as i')
    .leftJoin('people as p', 'p.id', 'i.created_by')
    .leftJoin('people as c', 'c.id', 'i.closed_by')
    .selectAll('i')
    .select(['p.name as created_by_name', 'c.name as closed_by_name'])
    .where('i.partnership_id', '=', partnershipId)
}

/** Closes an inspection (by someone, now) or opens it again (by null). */
export async function setInspectionClosed(
  db: Db,
  partnershipId: string,
  id: string,
  closedBy: string | null,
  closing: boolean,
  now: Date,
): Promise<void> {
  await db
    .updateTable('inspections')
    .set(
      closing
        ? { status: 'closed', closed_by: closedBy, closed_at: now, updated_at: now }
        : { status: 'open', closed_by: null, closed_at: null, updated_at: now },
    )
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute()
}

export async function listInspections(db: Db, partnershipId: string): Promise<InspectionRow[]> {
  return inspectionQuery(db, partnershipId).orderBy('i.created_at', 'desc').execute()
}

export async function findInspection(db: Db, partnershipId: string, id: string): Promise<InspectionRow | undefined> {
  if (!isUuid(id)) return undefined
  return inspectionQuery(db, partnershipId).where('i.id', '=', id).executeTakeFirst()
}

export interface InspectionFields {
  frameworkId: string
  framework: unknown
  frameworkVersionId: string | null
  notifiedOn: string
  notifiedTime: string | null
  practice: boolean
  createdBy: string | null
}

export async function insertInspection(
  db: Db,
  partnershipId: string,
  f: InspectionFields,
  now: Date,
): Promise<Selectable<InspectionsTable>> {
  return db
    .insertInto('inspections')
    .values({
      partnership_id: partnershipId,
      framework_id: f.frameworkId,
      framework: JSON.stringify(f.framework),
      framework_version_id: f.frameworkVersionId,
      notified_on: f.notifiedOn,
      notified_time: f.notifiedTime,
      practice: f.practice,
      status: 'open',
      created_by: f.createdBy,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export interface OverrideRow {
  milestone_id: string
  date: string
  time: string | null
  reason: string
  overridden_by: string | null
  overridden_by_name: string | null
  at: Date
}

export async function overridesOf(db: Db, partnershipId: string, inspectionId: string): Promise<OverrideRow[]> {
  return db
    .selectFrom('milestone_overrides as o')
    .leftJoin('people as p', 'p.id', 'o.overridden_by')
    .select([
      'o.milestone_id',
      'o.date',
      'o.time',
      'o.reason',
      'o.overridden_by',
      'p.name as overridden_by_name',
      'o.at',
    ])
    .where('o.partnership_id', '=', partnershipId)
    .where('o.inspection_id', '=', inspectionId)
    .execute()
}

export async function upsertOverride(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  o: { milestoneId: string; date: string; time: string | null; reason: string; by: string | null },
  now: Date,
): Promise<void> {
  await db
    .insertInto('milestone_overrides')
    .values({
      partnership_id: partnershipId,
      inspection_id: inspectionId,
      milestone_id: o.milestoneId,
      date: o.date,
      time: o.time,
      reason: o.reason,
      overridden_by: o.by,
      at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['inspection_id', 'milestone_id'])
        .doUpdateSet({ date: o.date, time: o.time, reason: o.reason, overridden_by: o.by, at: now }),
    )
    .execute()
}

export async function deleteOverride(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  milestoneId: string,
): Promise<void> {
  await db
    .deleteFrom('milestone_overrides')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('milestone_id', '=', milestoneId)
    .execute()
}

export interface CompletionRow {
  milestone_id: string
  completed_by: string | null
  completed_by_name: string | null
  completed_at: Date
}

export async function completionsOf(db: Db, partnershipId: string, inspectionId: string): Promise<CompletionRow[]> {
  return db
    .selectFrom('milestone_completions as c')
    .leftJoin('people as p', 'p.id', 'c.completed_by')
    .select(['c.milestone_id', 'c.completed_by', 'p.name as completed_by_name', 'c.completed_at'])
    .where('c.partnership_id', '=', partnershipId)
    .where('c.inspection_id', '=', inspectionId)
    .execute()
}

/** Marks a milestone done; false when it already was. */
export async function insertCompletion(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  milestoneId: string,
  by: string | null,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insertInto('milestone_completions')
    .values({
      partnership_id: partnershipId,
      inspection_id: inspectionId,
      milestone_id: milestoneId,
      completed_by: by,
      completed_at: now,
    })
    .onConflict((oc) => oc.columns(['inspection_id', 'milestone_id']).doNothing())
    .returning('milestone_id')
    .execute()
  return rows.length > 0
}

/** Marks a milestone not done; false when it was not done. */
export async function deleteCompletion(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  milestoneId: string,
): Promise<boolean> {
  const rows = await db
    .deleteFrom('milestone_completions')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('milestone_id', '=', milestoneId)
    .returning('milestone_id')
    .execute()
  return rows.length > 0
}

/** A milestone given to a named person, with what My tasks needs to know about them. */
export interface AssignmentRow {
  milestone_id: string
  person_id: string
  person_name: string
  agency_id: string | null
  agency_name: string | null
  unavailable: boolean
  deputy_id: string | null
  deputy_name: string | null
  assigned_by_name: string | null
  assigned_at: Date
}

export async function assignmentsOf(db: Db, partnershipId: string, inspectionId: string): Promise<AssignmentRow[]> {
  return db
    .selectFrom('task_assignments as t')
    .innerJoin('people as p', 'p.id', 't.person_id')
    .leftJoin('agencies as a', 'a.id', 'p.agency_id')
    .leftJoin('people as d', 'd.id', 'p.deputy_id')
    .leftJoin('people as b', 'b.id', 't.assigned_by')
    .select([
      't.milestone_id',
      't.person_id',
      'p.name as person_name',
      'p.agency_id',
      'a.name as agency_name',
      'p.unavailable',
      'p.deputy_id',
      'd.name as deputy_name',
      'b.name as assigned_by_name',
      't.assigned_at',
    ])
    .where('t.partnership_id', '=', partnershipId)
    .where('t.inspection_id', '=', inspectionId)
    .execute()
}

/** Gives a milestone to a named person, or takes it back to its owner role (null). */
export async function setAssignment(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  milestoneId: string,
  personId: string | null,
  by: string | null,
  now: Date,
): Promise<void> {
  if (personId === null) {
    await db
      .deleteFrom('task_assignments')
      .where('partnership_id', '=', partnershipId)
      .where('inspection_id', '=', inspectionId)
      .where('milestone_id', '=', milestoneId)
      .execute()
    return
  }
  await db
    .insertInto('task_assignments')
    .values({
      partnership_id: partnershipId,
      inspection_id: inspectionId,
      milestone_id: milestoneId,
      person_id: personId,
      assigned_by: by,
      assigned_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['inspection_id', 'milestone_id'])
        .doUpdateSet({ person_id: personId, assigned_by: by, assigned_at: now }),
    )
    .execute()
}

/** One agency's part of an agency-role task marked done, with the agency's and the person's names. */
export interface AgencyCompletionRow {
  milestone_id: string
  agency_id: string
  agency_name: string
  completed_by_name: string | null
  completed_at: Date
}

export async function agencyCompletionsOf(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<AgencyCompletionRow[]> {
  return db
    .selectFrom('agency_task_completions as c')
    .innerJoin('agencies as a', 'a.id', 'c.agency_id')
    .leftJoin('people as p', 'p.id', 'c.completed_by')
    .select(['c.milestone_id', 'c.agency_id', 'a.name as agency_name', 'p.name as completed_by_name', 'c.completed_at'])
    .where('c.partnership_id', '=', partnershipId)
    .where('c.inspection_id', '=', inspectionId)
    .orderBy('a.name')
    .execute()
}

/** An agency's name, or null when the partnership has no such agency. */
export async function agencyName(db: Db, partnershipId: string, agencyId: string): Promise<string | null> {
  if (!isUuid(agencyId)) return null
  const row = await db
    .selectFrom('agencies')
    .select('name')
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', agencyId)
    .executeTakeFirst()
  return row?.name ?? null
}

/** Marks one agency's part of a task done (true), or not done (false); false when nothing changed. */
export async function setAgencyCompletion(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  milestoneId: string,
  agencyId: string,
  done: boolean,
  by: string | null,
  now: Date,
): Promise<boolean> {
  if (!done) {
    const rows = await db
      .deleteFrom('agency_task_completions')
      .where('partnership_id', '=', partnershipId)
      .where('inspection_id', '=', inspectionId)
      .where('milestone_id', '=', milestoneId)
      .where('agency_id', '=', agencyId)
      .returning('milestone_id')
      .execute()
    return rows.length > 0
  }
  const rows = await db
    .insertInto('agency_task_completions')
    .values({
      partnership_id: partnershipId,
      inspection_id: inspectionId,
      milestone_id: milestoneId,
      agency_id: agencyId,
      completed_by: by,
      completed_at: now,
    })
    .onConflict((oc) => oc.columns(['inspection_id', 'milestone_id', 'agency_id']).doNothing())
    .returning('milestone_id')
    .execute()
  return rows.length > 0
}

export type TaskRow = Selectable<LocalPlanTasksTable>

export interface TaskFields {
  taskId: string
  title: string
  description: string
  ownerRole: Role
  anchorMilestone: string
  offsetWorkingDays: number
  time: string | null
  createdBy: string | null
}

const taskValues = (partnershipId: string, f: TaskFields, now: Date) => ({
  partnership_id: partnershipId,
  task_id: f.taskId,
  title: f.title,
  description: f.description,
  owner_role: f.ownerRole,
  anchor_milestone: f.anchorMilestone,
  offset_working_days: f.offsetWorkingDays,
  time: f.time,
  created_by: f.createdBy,
  created_at: now,
})

export async function localTasksOf(db: Db, partnershipId: string, inspectionId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('local_tasks')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .orderBy('created_at')
    .orderBy('task_id')
    .execute()
}

export async function insertLocalTask(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  f: TaskFields,
  now: Date,
): Promise<void> {
  await db
    .insertInto('local_tasks')
    .values({ ...taskValues(partnershipId, f, now), inspection_id: inspectionId })
    .execute()
}

/** Removes a local task from one inspection, with its override, completions and named person. */
export async function deleteLocalTask(
  db: Db,
  partnershipId: string,
  inspectionId: string,
  taskId: string,
): Promise<void> {
  await db
    .deleteFrom('milestone_overrides')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('milestone_id', '=', taskId)
    .execute()
  await db
    .deleteFrom('milestone_completions')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('milestone_id', '=', taskId)
    .execute()
  await setAssignment(db, partnershipId, inspectionId, taskId, null, null, new Date(0))
  await db
    .deleteFrom('agency_task_completions')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('milestone_id', '=', taskId)
    .execute()
  await db
    .deleteFrom('local_tasks')
    .where('partnership_id', '=', partnershipId)
    .where('inspection_id', '=', inspectionId)
    .where('task_id', '=', taskId)
    .execute()
}

export async function localPlan(db: Db, partnershipId: string): Promise<TaskRow[]> {
  return db
    .selectFrom('local_plan_tasks')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .orderBy('created_at')
    .orderBy('task_id')
    .execute()
}

export async function findPlanTask(db: Db, partnershipId: string, id: string): Promise<TaskRow | undefined> {
  if (!isUuid(id)) return undefined
  return db
    .selectFrom('local_plan_tasks')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Adds the task to the plan, or replaces the plan's task with the same id. */
export async function upsertPlanTask(db: Db, partnershipId: string, f: TaskFields, now: Date): Promise<void> {
  const values = taskValues(partnershipId, f, now)
  await db
    .insertInto('local_plan_tasks')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['partnership_id', 'task_id']).doUpdateSet({
        title: values.title,
        description: values.description,
        owner_role: values.owner_role,
        anchor_milestone: values.anchor_milestone,
        offset_working_days: values.offset_working_days,
        time: values.time,
      }),
    )
    .execute()
}

export async function deletePlanTask(db: Db, partnershipId: string, id: string): Promise<void> {
  await db.deleteFrom('local_plan_tasks').where('partnership_id', '=', partnershipId).where('id', '=', id).execute()
}
