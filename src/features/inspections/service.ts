import type { Kysely } from 'kysely'
import * as repo from './repository'
import { listPeople } from '../directory/repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import { clockTime, formatIsoDate, londonDateOf, type WorkingDayCalendar } from '../../domain/calendar'
import { ROLE_LABELS, type Role } from '../../domain/directory'
import { frameworkSchema, type Framework } from '../../domain/frameworks'
import {
  computeTimeline,
  overrideLimits,
  TimelineError,
  type ComputedMilestone,
  type MilestoneOverride,
  type MilestoneTemplate,
} from '../../domain/timeline'
import type { CalendarService } from '../calendar/service'
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors'
import type { FrameworkService } from '../frameworks/service'
import { actorOf, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'
import { queueNotifications } from '../notifications/queue'

export interface NewInspection {
  frameworkId: string
  notifiedOn: string
  notifiedTime: string | null
  practice: boolean
}

export interface OverrideInput {
  date: string
  /** null keeps the template's time. */
  time: string | null
  reason: string
}

export interface LocalTaskInput {
  title: string
  description: string
  ownerRole: Role
  anchorMilestone: string
  offsetWorkingDays: number
  time: string | null
  keepInPlan: boolean
}

/** The named person a milestone or local task is given to, and who covers while they are unavailable. */
export interface Assignee {
  personId: string
  name: string
  agencyId: string | null
  agencyName: string | null
  unavailable: boolean
  deputyId: string | null
  deputyName: string | null
  by: string | null
  at: Date
}

/** A computed milestone with who overrode it and why, who marked it done, when, and who it is given to. */
export interface TimelineMilestone extends ComputedMilestone {
  override: { reason: string; by: string | null; at: Date; computedDate: string } | null
  completion: { by: string | null; at: Date } | null
  assignee: Assignee | null
  /** For a task of an agency role given to nobody by name: the agencies that have marked their part done. */
  agencyCompletions: { agencyId: string; agencyName: string; by: string | null; at: Date }[]
}

/** The person reading: who they are, their roles and their agency. */
export type Reader = Pick<Scope, 'personId' | 'roles' | 'agencyId'>

/** Roles held by people who work for an agency. */
const AGENCY_ROLES: readonly Role[] = ['agency-lead', 'senior-approver', 'contributor']

const isManager = (reader: Pick<Reader, 'roles'>) =>
  reader.roles.some((r) => r === 'administrator' || r === 'inspection-coordinator')

/**
 * Whether a task is each agency's own: its owner role is an agency role and it is given to nobody
 * by name, so every agency does its part and marks its part done (a named person's task is theirs).
 */
export function isPerAgency(m: Pick<TimelineMilestone, 'ownerRole' | 'assignee'>): boolean {
  return m.assignee === null && AGENCY_ROLES.includes(m.ownerRole)
}

/**
 * Whether a task is done as the reader sees it: done for everyone (marked by a manager, the named
 * person or a role outside the agencies), or, for a task each agency does, done by the reader's agency.
 */
export function isDoneFor(
  reader: Pick<Reader, 'agencyId'>,
  m: Pick<TimelineMilestone, 'ownerRole' | 'assignee' | 'completion' | 'agencyCompletions'>,
): boolean {
  if (m.completion) return true
  return reader.agencyId !== null && isPerAgency(m) && m.agencyCompletions.some((a) => a.agencyId === reader.agencyId)
}

/** Whether marking the task done marks only the reader's agency's part (an agency person with the task's role). */
function marksForAgency(
  reader: Reader,
  m: Pick<TimelineMilestone, 'ownerRole' | 'assignee'>,
): reader is Reader & {
  agencyId: string
} {
  return isPerAgency(m) && reader.agencyId !== null && !isManager(reader) && reader.roles.includes(m.ownerRole)
}

/**
 * Why a milestone is the reader's task, or null when it is not: given to them by name ('named'),
 * given to someone they are deputy for while that person is unavailable ('covering'), or held by
 * their role and not given to anyone ('role'). A task given to someone else is theirs, not the role's.
 */
export function taskRelation(
  reader: Reader,
  m: Pick<TimelineMilestone, 'ownerRole' | 'assignee'>,
): 'named' | 'covering' | 'role' | null {
  const a = m.assignee
  if (a) {
    if (a.personId === reader.personId) return 'named'
    if (a.unavailable && a.deputyId === reader.personId) return 'covering'
    return null
  }
  return reader.roles.includes(m.ownerRole) ? 'role' : null
}

/**
 * Who may mark a milestone done or not done: the inspection managers; for a task given to a named
 * person, that person (or their deputy while they are unavailable); otherwise whoever holds its
 * owner role. Never an inspector.
 */
export function mayComplete(reader: Reader, m: Pick<TimelineMilestone, 'ownerRole' | 'assignee'>): boolean {
  if (reader.roles.includes('inspector')) return false
  if (isManager(reader)) return true
  return taskRelation(reader, m) !== null
}

export interface InspectionTimeline {
  inspection: repo.InspectionRow
  framework: Framework
  milestones: TimelineMilestone[]
  calendar: WorkingDayCalendar
}

/**
 * Why `date` is impossible for the milestone, or null: before the notification day, after the
 * inspection's end (its last milestone, unless the milestone moves the end itself), or, for the
 * notification, after a milestone fixed to a date. A weekend or holiday is only a warning.
 */
function outOfLimits(
  t: Pick<InspectionTimeline, 'milestones' | 'framework'>,
  milestoneId: string,
  date: string,
): string | null {
  const { earliest, latest } = overrideLimits(t.milestones, milestoneId, t.framework.timeline.notificationMilestone)
  if (earliest && date < earliest.date)
    return `The new date must be on or after ${formatIsoDate(earliest.date)}, the day the inspection was notified`
  if (latest && date > latest.date)
    return latest.kind === 'end'
      ? `The new date must be on or before ${formatIsoDate(latest.date)}, the end of the inspection (${latest.title})`
      : `The new date must be on or before ${formatIsoDate(latest.date)}, the date fixed for ${latest.title}`
  return null
}

/** An open inspection whose milestones a calendar change moves, and their titles. */
export interface CalendarChangeEffect {
  inspection: repo.InspectionRow
  frameworkTitle: string
  moved: string[]
}

/** "Warning: this moves milestones of the inspection notified Monday 2 March 2026 (Front door): Children selected, …." */
export function movedMilestonesWarning(e: CalendarChangeEffect): string {
  const titles = `${e.moved.slice(0, 8).join(', ')}${e.moved.length > 8 ? ` and ${e.moved.length - 8} more` : ''}`
  return `Warning: this moves milestones of the ${e.inspection.practice ? 'practice ' : ''}inspection notified ${formatIsoDate(e.inspection.notified_on)} (${e.frameworkTitle}): ${titles}.`
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'task'
  )
}

const taskTemplate = (t: repo.TaskRow): MilestoneTemplate => ({
  id: t.task_id,
  title: t.title,
  description: t.description,
  ownerRole: t.owner_role,
  anchor: { kind: 'after', milestone: t.anchor_milestone, workingDays: t.offset_working_days },
  ...(t.time ? { time: t.time } : {}),
})

/** A local plan task that could not be copied into a new inspection, and why. */
export interface SkippedPlanTask {
  taskId: string
  title: string
  anchor: string
  reason: 'no-anchor' | 'same-id' | 'loop'
}

/**
 * Which local plan tasks fit a framework, in dependency order: a task counted from another plan
 * task comes after it, so tasks anchored on other plan tasks are kept. Skipped are those whose
 * anchor is neither a milestone of the framework nor a task that could be placed, those whose id
 * is a milestone of the framework, and tasks anchored in a loop.
 */
export function placeablePlanTasks(
  framework: Pick<Framework, 'timeline'>,
  plan: readonly repo.TaskRow[],
): { copied: repo.TaskRow[]; skipped: SkippedPlanTask[] } {
  const templateIds = new Set(framework.timeline.milestones.map((m) => m.id))
  const placed = new Set(templateIds)
  const skipped: SkippedPlanTask[] = []
  let waiting = plan.filter((t) => {
    if (!templateIds.has(t.task_id)) return true
    skipped.push({ taskId: t.task_id, title: t.title, anchor: t.anchor_milestone, reason: 'same-id' })
    return false
  })
  const planIds = new Set(waiting.map((t) => t.task_id))
  const copied: repo.TaskRow[] = []
  for (let progress = true; progress && waiting.length;) {
    progress = false
    const next: repo.TaskRow[] = []
    for (const t of waiting) {
      if (placed.has(t.anchor_milestone) && !placed.has(t.task_id)) {
        copied.push(t)
        placed.add(t.task_id)
        progress = true
      } else {
        next.push(t)
      }
    }
    waiting = next
  }
  for (const t of waiting)
    skipped.push({
      taskId: t.task_id,
      title: t.title,
      anchor: t.anchor_milestone,
      reason: planIds.has(t.anchor_milestone) ? 'loop' : 'no-anchor',
    })
  return { copied, skipped }
}

/**
 * Inspections and their timelines. An inspection keeps a snapshot of the framework it began with,
 * so a later upload never moves its dates; its milestones are computed on every read from that
 * snapshot, the partnership's working-day calendar, its overrides and its local tasks.
 */
export interface InspectionServiceDeps {
  db: Kysely<Database>
  clock: Clock
  frameworks: FrameworkService
  calendar: CalendarService
}

export function createInspectionService({ db, clock, frameworks, calendar: calendars }: InspectionServiceDeps) {
  async function requireInspection(scope: Scope, id: string): Promise<repo.InspectionRow> {
    const inspection = await repo.findInspection(db, scope.partnershipId, id)
    if (!inspection) throw new NotFoundError('Inspection')
    return inspection
  }

  /** Every open inspection's timeline; one that cannot be worked out is left out. */
  async function openTimelines(scope: Pick<Scope, 'partnershipId'>): Promise<InspectionTimeline[]> {
    const open = (await repo.listInspections(db, scope.partnershipId)).filter((i) => i.status === 'open')
    const out: InspectionTimeline[] = []
    for (const inspection of open) {
      try {
        out.push(await build(scope, inspection))
      } catch (error) {
        if (!(error instanceof AppError)) throw error
      }
    }
    return out
  }

  /** Compares timelines worked out earlier with the same inspections now (or on `calendar`, a calendar not yet stored). */
  async function movedMilestones(
    scope: Pick<Scope, 'partnershipId'>,
    before: InspectionTimeline[],
    calendar?: WorkingDayCalendar,
  ): Promise<CalendarChangeEffect[]> {
    const effects: CalendarChangeEffect[] = []
    for (const earlier of before) {
      const inspection = earlier.inspection
      try {
        const after = await build(scope, inspection, db, calendar)
        const was = new Map(earlier.milestones.map((m) => [m.id, m.date]))
        const moved = after.milestones.filter((m) => was.get(m.id) !== m.date).map((m) => m.title)
        if (moved.length) effects.push({ inspection, frameworkTitle: earlier.framework.title, moved })
      } catch (error) {
        if (!(error instanceof AppError)) throw error
      }
    }
    return effects
  }

  async function build(
    scope: Pick<Scope, 'partnershipId'>,
    inspection: repo.InspectionRow,
    handle: Kysely<Database> = db,
    withCalendar?: WorkingDayCalendar,
  ): Promise<InspectionTimeline> {
    const framework = frameworkSchema.parse(inspection.framework)
    const [calendar, overrideRows, tasks, completionRows, assignmentRows, agencyRows] = await Promise.all([
      withCalendar ?? calendars.calendarFor(scope.partnershipId, handle),
      repo.overridesOf(handle, scope.partnershipId, inspection.id),
      repo.localTasksOf(handle, scope.partnershipId, inspection.id),
      repo.completionsOf(handle, scope.partnershipId, inspection.id),
      repo.assignmentsOf(handle, scope.partnershipId, inspection.id),
      repo.agencyCompletionsOf(handle, scope.partnershipId, inspection.id),
    ])
    const overrides: Record<string, MilestoneOverride> = {}
    for (const o of overrideRows)
      overrides[o.milestone_id] = o.time === null ? { date: o.date } : { date: o.date, time: o.time }
    const notification = {
      notified: inspection.notified_on,
      ...(inspection.notified_time ? { notifiedTime: inspection.notified_time } : {}),
    }
    const localTasks = tasks.map(taskTemplate)
    let computed: ComputedMilestone[]
    let plain: ComputedMilestone[]
    try {
      // The notification day stays day 1 even if it has since become a closure day or a loaded bank
      // holiday: only starting an inspection refuses a non-working notification date.
      const existing = { requireWorkingNotification: false }
      computed = computeTimeline(framework.timeline, notification, calendar, overrides, localTasks, existing)
      plain = overrideRows.length
        ? computeTimeline(framework.timeline, notification, calendar, {}, localTasks, existing)
        : computed
    } catch (error) {
      if (error instanceof TimelineError)
        throw new ConflictError(
          `The timeline cannot be worked out: ${error.message} Check the partnership’s closure days and bank holidays.`,
        )
      throw error
    }
    const plainDate = new Map(plain.map((m) => [m.id, m.date]))
    const byMilestone = new Map(overrideRows.map((o) => [o.milestone_id, o]))
    const completions = new Map(completionRows.map((c) => [c.milestone_id, c]))
    const assignments = new Map(assignmentRows.map((a) => [a.milestone_id, a]))
    const milestones = computed.map((m): TimelineMilestone => {
      const o = byMilestone.get(m.id)
      const c = completions.get(m.id)
      const a = assignments.get(m.id)
      return {
        ...m,
        override: o
          ? { reason: o.reason, by: o.overridden_by_name, at: o.at, computedDate: plainDate.get(m.id) ?? m.date }
          : null,
        completion: c ? { by: c.completed_by_name, at: c.completed_at } : null,
        assignee: a
          ? {
              personId: a.person_id,
              name: a.person_name,
              agencyId: a.agency_id,
              agencyName: a.agency_name,
              unavailable: a.unavailable,
              deputyId: a.deputy_id,
              deputyName: a.deputy_name,
              by: a.assigned_by_name,
              at: a.assigned_at,
            }
          : null,
        agencyCompletions: agencyRows
          .filter((r) => r.milestone_id === m.id)
          .map((r) => ({
            agencyId: r.agency_id,
            agencyName: r.agency_name,
            by: r.completed_by_name,
            at: r.completed_at,
          })),
      }
    })
    return { inspection, framework, milestones, calendar }
  }

  async function timeline(scope: Scope, id: string): Promise<InspectionTimeline> {
    return build(scope, await requireInspection(scope, id))
  }

  /**
   * Who a milestone may be given to: active people of the partnership (not disabled, access not
   * ended), never an inspector unless the milestone is the inspectors' own.
   */
  async function assigneeChoices(scope: Scope, id: string, milestoneId: string) {
    const current = await timeline(scope, id)
    const milestone = current.milestones.find((m) => m.id === milestoneId)
    if (!milestone) throw new NotFoundError('Milestone')
    const today = londonDateOf(clock.now())
    const people = await listPeople(db, scope.partnershipId)
    return people.filter(
      (p) =>
        !p.disabled_at &&
        (p.access_ends_on === null || p.access_ends_on >= today) &&
        (milestone.ownerRole === 'inspector' || !p.roles.includes('inspector')),
    )
  }

  return {
    list: (scope: Scope) => repo.listInspections(db, scope.partnershipId),
    get: requireInspection,
    timeline,

    /** The open inspection the home page talks about: the newest real one, else the newest practice one. */
    async current(scope: Scope): Promise<InspectionTimeline | null> {
      const open = (await repo.listInspections(db, scope.partnershipId)).filter((i) => i.status === 'open')
      const chosen = open.find((i) => !i.practice) ?? open[0]
      if (!chosen) return null
      try {
        return await build(scope, chosen)
      } catch (error) {
        if (error instanceof AppError) return null
        throw error
      }
    },

    /**
     * What adding a closure day on `date` would move: for each open inspection, the milestones
     * whose date would change. Nothing is stored.
     */
    async closureDayEffects(scope: Scope, date: string, title: string): Promise<CalendarChangeEffect[]> {
      const before = await openTimelines(scope)
      if (!before.length) return []
      const withClosure = await calendars.calendarFor(scope.partnershipId, db, [{ date, title }])
      return movedMilestones(scope, before, withClosure)
    },

    /** The open inspections' timelines now, to compare with after a change to the calendar (see movedSince). */
    openTimelines,

    /** For each inspection in `before`, the milestones whose date has changed since. */
    movedSince: (scope: Pick<Scope, 'partnershipId'>, before: InspectionTimeline[]): Promise<CalendarChangeEffect[]> =>
      movedMilestones(scope, before),

    /**
     * Starts an inspection from the partnership's current version of the framework, copying the
     * partnership's local plan into it. A notification date that is not a working day is refused.
     */
    async create(scope: Scope, input: NewInspection) {
      const effective = await frameworks.get(scope, input.frameworkId).catch(() => {
        throw new ValidationError({ frameworkId: 'Select a framework from the list' })
      })
      const framework = effective.framework
      const calendar = await calendars.calendarFor(scope.partnershipId)
      const plan = await repo.localPlan(db, scope.partnershipId)
      const { copied, skipped } = placeablePlanTasks(framework, plan)
      try {
        computeTimeline(
          framework.timeline,
          { notified: input.notifiedOn, ...(input.notifiedTime ? { notifiedTime: input.notifiedTime } : {}) },
          calendar,
          {},
          copied.map(taskTemplate),
        )
      } catch (error) {
        if (error instanceof TimelineError && (error.code === 'not-a-working-day' || error.code === 'invalid-date')) {
          throw new ValidationError({
            notifiedOn: `${error.message} Enter the date of a working day (Monday to Friday, not a bank holiday or closure day).`,
          })
        }
        throw error
      }
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const inspection = await repo.insertInspection(
          trx,
          scope.partnershipId,
          {
            frameworkId: framework.id,
            framework,
            frameworkVersionId: effective.versionId,
            notifiedOn: input.notifiedOn,
            notifiedTime: input.notifiedTime,
            practice: input.practice,
            createdBy: scope.personId,
          },
          now,
        )
        for (const t of copied) {
          await repo.insertLocalTask(
            trx,
            scope.partnershipId,
            inspection.id,
            {
              taskId: t.task_id,
              title: t.title,
              description: t.description,
              ownerRole: t.owner_role,
              anchorMilestone: t.anchor_milestone,
              offsetWorkingDays: t.offset_working_days,
              time: t.time,
              createdBy: scope.personId,
            },
            now,
          )
        }
        return {
          result: { inspection, skippedPlanTasks: skipped },
          audit: {
            action: 'inspection.created',
            entityType: 'inspection',
            entityId: inspection.id,
            summary: `Started ${input.practice ? 'a practice' : 'an'} inspection: ${framework.title}, notified ${formatIsoDate(input.notifiedOn)}`,
            details: {
              frameworkId: framework.id,
              frameworkVersion: framework.version,
              frameworkVersionId: effective.versionId,
              notifiedOn: input.notifiedOn,
              notifiedTime: input.notifiedTime,
              practice: input.practice,
              localPlanTasksCopied: copied.length,
              localPlanTasksSkipped: skipped.map((t) => t.taskId),
            },
          },
        }
      })
    },

    /** Fixes a milestone's date (and optionally time); milestones counted from it move with it. */
    async overrideMilestone(
      scope: Scope,
      id: string,
      milestoneId: string,
      input: OverrideInput,
    ): Promise<TimelineMilestone> {
      const current = await timeline(scope, id)
      const before = current.milestones.find((m) => m.id === milestoneId)
      if (!before) throw new NotFoundError('Milestone')
      if (!input.reason.trim()) throw new ValidationError({ reason: 'Enter the reason for the change' })
      const problem = outOfLimits(current, milestoneId, input.date)
      if (problem) throw new ValidationError({ date: problem })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.upsertOverride(
          trx,
          scope.partnershipId,
          id,
          { milestoneId, date: input.date, time: input.time, reason: input.reason, by: scope.personId },
          now,
        )
        const after = (await build(scope, current.inspection, trx)).milestones
        const moved = after
          .filter((m) => m.id !== milestoneId && current.milestones.find((b) => b.id === m.id)?.date !== m.date)
          .map((m) => m.id)
        const updated = after.find((m) => m.id === milestoneId)!
        return {
          result: updated,
          audit: {
            action: 'milestone.overridden',
            entityType: 'inspection',
            entityId: id,
            summary: `Moved ${before.title} from ${formatIsoDate(before.date)}${before.time ? ` at ${before.time}` : ''} to ${formatIsoDate(updated.date)}${updated.time ? ` at ${updated.time}` : ''}`,
            details: {
              milestoneId,
              before: { date: before.date, time: before.time },
              after: { date: updated.date, time: updated.time },
              reason: input.reason,
              moved,
            },
          },
        }
      })
    },

    /** Goes back to the computed date for a milestone. */
    async resetMilestone(scope: Scope, id: string, milestoneId: string): Promise<void> {
      const current = await timeline(scope, id)
      const milestone = current.milestones.find((m) => m.id === milestoneId)
      if (!milestone) throw new NotFoundError('Milestone')
      if (!milestone.override) return
      await change(db, clock, actorOf(scope), async (trx) => {
        await repo.deleteOverride(trx, scope.partnershipId, id, milestoneId)
        return {
          result: undefined,
          audit: {
            action: 'milestone.override-removed',
            entityType: 'inspection',
            entityId: id,
            summary: `${milestone.title} is back to its computed date, ${formatIsoDate(milestone.override!.computedDate)}`,
            details: { milestoneId, was: milestone.date, now: milestone.override!.computedDate },
          },
        }
      })
    },

    /** Adds a partnership task relative to a milestone; optionally keeps it in the local plan for future inspections. */
    async addLocalTask(scope: Scope, id: string, input: LocalTaskInput): Promise<string> {
      const current = await timeline(scope, id)
      const ids = new Set(current.milestones.map((m) => m.id))
      if (!ids.has(input.anchorMilestone))
        throw new ValidationError({ anchorMilestone: 'Select the milestone this task is counted from' })
      const base = `local-${slug(input.title)}`
      let taskId = base
      for (let n = 2; ids.has(taskId); n += 1) taskId = `${base}-${n}`
      const fields: repo.TaskFields = {
        taskId,
        title: input.title,
        description: input.description,
        ownerRole: input.ownerRole,
        anchorMilestone: input.anchorMilestone,
        offsetWorkingDays: input.offsetWorkingDays,
        time: input.time,
        createdBy: scope.personId,
      }
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.insertLocalTask(trx, scope.partnershipId, id, fields, now)
        // Check the timeline still works out before committing.
        await build(scope, current.inspection, trx)
        const audit = [
          {
            action: 'local-task.added',
            entityType: 'inspection',
            entityId: id,
            summary: `Added local task ${input.title}`,
            details: { taskId, ...input },
          },
        ]
        if (input.keepInPlan) {
          await repo.upsertPlanTask(trx, scope.partnershipId, fields, now)
          audit.push({
            action: 'local-plan.task-saved',
            entityType: 'local-plan',
            entityId: id,
            summary: `Kept ${input.title} in the local plan for future inspections`,
            details: { taskId, ...input },
          })
        }
        return { result: undefined, audit }
      })
      return taskId
    },

    /**
     * Marks a milestone or local task done, or not done again. Whoever holds its owner role may,
     * and so may the administrator and the inspection coordinator; doing it twice changes nothing.
     */
    async setDone(scope: Scope, id: string, milestoneId: string, done: boolean): Promise<{ title: string }> {
      const current = await timeline(scope, id)
      const milestone = current.milestones.find((m) => m.id === milestoneId)
      if (!milestone) throw new NotFoundError('Milestone')
      if (!mayComplete(scope, milestone))
        throw new ForbiddenError(
          milestone.assignee
            ? `Only ${milestone.assignee.name} (or their deputy while they are unavailable) or the inspection coordinator can mark “${milestone.title}” done`
            : `Only the owner of “${milestone.title}” or the inspection coordinator can mark it done`,
        )
      // A task each agency does: an agency person marks their own agency's part only.
      const agency = marksForAgency(scope, milestone) ? scope.agencyId : null
      const agencyName = agency ? await repo.agencyName(db, scope.partnershipId, agency) : null
      await change(db, clock, actorOf(scope), async (trx, now) => {
        const changed = agency
          ? await repo.setAgencyCompletion(trx, scope.partnershipId, id, milestoneId, agency, done, scope.personId, now)
          : done
            ? await repo.insertCompletion(trx, scope.partnershipId, id, milestoneId, scope.personId, now)
            : await repo.deleteCompletion(trx, scope.partnershipId, id, milestoneId)
        const audit = changed
          ? [
              {
                action: done ? 'milestone.completed' : 'milestone.reopened',
                entityType: 'inspection',
                entityId: id,
                summary: `${done ? 'Marked' : 'Marked not'} done${agencyName ? ` for ${agencyName}` : ''}: ${milestone.title}`,
                details: { milestoneId, due: milestone.date, ...(agency ? { agencyId: agency } : {}) },
              },
            ]
          : []
        return { result: undefined, audit }
      })
      return { title: milestone.title }
    },

    assigneeChoices,

    /** Gives a milestone or local task to a named person, or back to its owner role (null). */
    async assign(scope: Scope, id: string, milestoneId: string, personId: string | null): Promise<TimelineMilestone> {
      const current = await timeline(scope, id)
      const milestone = current.milestones.find((m) => m.id === milestoneId)
      if (!milestone) throw new NotFoundError('Milestone')
      let person: { id: string; name: string } | undefined
      if (personId !== null) {
        const choices = await assigneeChoices(scope, id, milestoneId)
        person = choices.find((p) => p.id === personId)
        if (!person)
          throw new ValidationError({
            personId:
              milestone.ownerRole === 'inspector'
                ? 'Select a person from the list'
                : 'Select a person from the list: someone of the partnership who can sign in, not an inspector',
          })
      }
      if ((milestone.assignee?.personId ?? null) === personId) return milestone
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.setAssignment(trx, scope.partnershipId, id, milestoneId, personId, scope.personId, now)
        const updated = (await build(scope, current.inspection, trx)).milestones.find((m) => m.id === milestoneId)!
        // The person given the task is told (not when they give it to themselves).
        if (person && person.id !== scope.personId)
          await queueNotifications(trx, scope.partnershipId, now, [
            {
              personId: person.id,
              kind: 'task-assigned',
              title: `${updated.title} is given to you`,
              body: `${scope.name} gave you ${updated.title}, due on ${formatIsoDate(updated.date)}${updated.time ? ` at ${clockTime(updated.time)}` : ''}. Inspection: ${current.inspection.practice ? 'Practice: ' : ''}${current.framework.title}, notified ${formatIsoDate(current.inspection.notified_on)}.`,
              link: `/inspections/${id}/my-tasks`,
            },
          ])
        return {
          result: updated,
          audit: {
            action: person ? 'milestone.assigned' : 'milestone.unassigned',
            entityType: 'inspection',
            entityId: id,
            summary: person
              ? `Gave ${milestone.title} to ${person.name}`
              : `${milestone.title} is back with the ${ROLE_LABELS[milestone.ownerRole]} role${milestone.assignee ? ` (was given to ${milestone.assignee.name})` : ''}`,
            details: { milestoneId, personId, was: milestone.assignee?.personId ?? null },
          },
        }
      })
    },

    /** Removes a local task from this inspection (the local plan keeps its own copy). */
    async removeLocalTask(scope: Scope, id: string, taskId: string): Promise<void> {
      const current = await timeline(scope, id)
      const task = current.milestones.find((m) => m.id === taskId && m.source === 'local')
      if (!task) throw new NotFoundError('Task')
      const counted = (await repo.localTasksOf(db, scope.partnershipId, id))
        .filter((r) => r.anchor_milestone === taskId)
        .map((r) => r.title)
      if (counted.length)
        throw new ConflictError(
          `Remove ${counted.map((t) => `“${t}”`).join(', ')} first: ${counted.length === 1 ? 'it is' : 'they are'} counted from this task`,
        )
      await change(db, clock, actorOf(scope), async (trx) => {
        await repo.deleteLocalTask(trx, scope.partnershipId, id, taskId)
        return {
          result: undefined,
          audit: {
            action: 'local-task.removed',
            entityType: 'inspection',
            entityId: id,
            summary: `Removed local task ${task.title}`,
            details: { taskId, date: task.date },
          },
        }
      })
    },

    /**
     * Closes an inspection when the partnership has finished with it (or a rehearsal is over), so
     * the home page moves on; or opens it again. Its timeline stays readable either way.
     */
    async setClosed(scope: Scope, id: string, closing: boolean): Promise<void> {
      const inspection = await requireInspection(scope, id)
      if ((inspection.status === 'closed') === closing) return
      const what = `${inspection.practice ? 'practice ' : ''}inspection notified ${formatIsoDate(inspection.notified_on)}`
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.setInspectionClosed(trx, scope.partnershipId, id, scope.personId, closing, now)
        return {
          result: undefined,
          audit: {
            action: closing ? 'inspection.closed' : 'inspection.reopened',
            entityType: 'inspection',
            entityId: id,
            summary: `${closing ? 'Closed' : 'Opened again'} the ${what}`,
            details: { practice: inspection.practice, notifiedOn: inspection.notified_on },
          },
        }
      })
    },

    localPlan: (scope: Scope) => repo.localPlan(db, scope.partnershipId),

    async removePlanTask(scope: Scope, planTaskId: string): Promise<void> {
      const task = await repo.findPlanTask(db, scope.partnershipId, planTaskId)
      if (!task) throw new NotFoundError('Task')
      await change(db, clock, actorOf(scope), async (trx) => {
        await repo.deletePlanTask(trx, scope.partnershipId, planTaskId)
        return {
          result: undefined,
          audit: {
            action: 'local-plan.task-removed',
            entityType: 'local-plan',
            entityId: task.task_id,
            summary: `Removed ${task.title} from the local plan`,
            details: { taskId: task.task_id },
          },
        }
      })
    },
  }
}
