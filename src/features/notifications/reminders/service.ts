import type { Kysely } from 'kysely'
import * as repo from './repository'
import { approvalRecipients } from './recipients'
import type { Database } from '../../../db/schema'
import type { Clock } from '../../../domain/clock'
import { clockTime, formatDate, formatIsoDate, londonDateOf, type WorkingDayCalendar } from '../../../domain/calendar'
import { reviewByDate, type ApproverFacts } from '../../../domain/evidenceStatus'
import type { NotificationKindId, ReminderSettings } from '../../../domain/notifications'
import {
  approvalWaitingAt,
  digestSlotToday,
  londonInstant,
  reviewWarningDue,
  taskRemindersDue,
  WITHIN_HOURS_MS,
  type TaskReminder,
} from '../../../domain/notifications/schedule'
import { change } from '../../../shared/change'
import { actorOf, type Scope } from '../../../shared/scope'
import type { CalendarService } from '../../calendar/service'
import { describeInspection } from '../../inspections/presenters'
import {
  isDoneFor,
  isPerAgency,
  type createInspectionService,
  type InspectionTimeline,
  type TimelineMilestone,
} from '../../inspections/service'
import { queueNotifications, type NotificationInput } from '../queue'

/**
 * The milestone whose deadline an approval is needed by: each framework's "Documentary evidence to
 * inspectors". While it is due today and an agency has not done its part, an approval that agency's
 * documents wait for must be given today ('approval-due-today', critical). A framework without it
 * has no such reminder.
 */
export const EVIDENCE_MILESTONE = 'documents-due'

/** The kinds the reminder job makes; their dedupe keys begin with the kind, then the ids of the thing. */
const REMINDER_KINDS = [
  'task-due',
  'task-due-within-hours',
  'task-overdue',
  'approval-waiting',
  'approval-due-today',
  'review-due',
  'deputy-covering',
] as const satisfies readonly NotificationKindId[]

/**
 * The thing a reminder's dedupe key is about, without the stage: a reminder whose thing no longer
 * applies to its person (done, given to someone else, moved, approved, replaced) is stopped.
 *   task-due:<inspection>:<milestone>:<due>:<stage>      → task:<inspection>:<milestone>:<due>
 *   approval-waiting:<requirement>:<version>             → approval:<requirement>:<version>
 *   approval-due-today:<requirement>:<version>:<date>    → approval-today:<requirement>:<version>:<date>
 *   review-due:<requirement>:<version>:<review date>     → review:<requirement>:<version>
 *   deputy-covering:<principal>:<deputy>:<audit seq>     → covering:<principal>:<deputy>:<audit seq>
 */
function thingOf(dedupeKey: string): string {
  const [kind, a = '', b = '', c = ''] = dedupeKey.split(':')
  switch (kind) {
    case 'task-due':
    case 'task-due-within-hours':
    case 'task-overdue':
      return `task:${a}:${b}:${c}`
    case 'approval-waiting':
      return `approval:${a}:${b}`
    case 'approval-due-today':
      return `approval-today:${a}:${b}:${c}`
    case 'review-due':
      return `review:${a}:${b}`
    case 'deputy-covering':
      return `covering:${a}:${b}:${c}`
    default:
      return dedupeKey
  }
}

/** "2026-03-10", or "2026-03-10T1700" for a timed deadline (a moved date or time makes a new key). */
const dueStamp = (m: Pick<TimelineMilestone, 'date' | 'time'>) =>
  m.time ? `${m.date}T${m.time.replace(':', '')}` : m.date

/** "Monday 9 March 2026" or "Monday 9 March 2026 at 5:00pm". */
const dueWords = (m: Pick<TimelineMilestone, 'date' | 'time'>) =>
  `${formatIsoDate(m.date)}${m.time ? ` at ${clockTime(m.time)}` : ''}`

/** The title and body of a task reminder: the inspection and the task, nothing else. */
function taskWords(
  t: InspectionTimeline,
  m: TimelineMilestone,
  r: TaskReminder,
  coveringFor: string | null,
): { title: string; body: string } {
  const title =
    r.kind === 'task-overdue'
      ? `${m.title} is overdue`
      : r.kind === 'task-due-within-hours'
        ? `${m.title} is due at ${clockTime(m.time ?? '00:00')} today`
        : r.stage === 'on-the-day'
          ? `${m.title} is due today${m.time ? ` at ${clockTime(m.time)}` : ''}`
          : `${m.title} is due on ${dueWords(m)}`
  const covering = coveringFor ? ` You are covering for ${coveringFor} while they are unavailable.` : ''
  const body =
    r.kind === 'task-overdue'
      ? `${m.title} was due on ${dueWords(m)} and is not marked done. Inspection: ${describeInspection(t)}.${covering}`
      : `${m.title} is due on ${dueWords(m)}. Inspection: ${describeInspection(t)}. Mark it done on the timeline when it is finished.${covering}`
  return { title, body }
}

const isInspector = (p: repo.ReminderPerson) => p.roles.includes('inspector')

/** An input with the thing it is about, for the person it is for. */
type Reminder = NotificationInput & { dedupeKey: string }

export interface ReminderServiceDeps {
  db: Kysely<Database>
  clock: Clock
  inspections: Pick<ReturnType<typeof createInspectionService>, 'openTimelines'>
  calendar: Pick<CalendarService, 'calendarFor'>
}

/**
 * Reminders from working-day deadlines and the daily summary. `run()` is the job the app calls
 * every minute: for every partnership it works out which reminders apply now, makes those nobody
 * has had yet (so running it twice tells nobody twice), stops those not yet emailed whose thing no
 * longer applies, and writes the daily summary emails once a working day at 08:00. It only reads
 * when there is nothing to do. Reminders are the app telling people, not anyone's action: they
 * write no audit event (the notifications and the outbox are their record).
 */
export function createReminderService({ db, clock, inspections, calendar: calendars }: ReminderServiceDeps) {
  /** What applies for one partnership now: reminders to make, and the things still open per person. */
  async function workOut(partnershipId: string, now: Date, calendar: WorkingDayCalendar) {
    const today = londonDateOf(now)
    const [settings, timelines, people, approvers, requirements] = await Promise.all([
      repo.reminderSettings(db, partnershipId),
      inspections.openTimelines({ partnershipId }),
      repo.peopleOf(db, partnershipId, today),
      repo.approversOf(db, partnershipId),
      repo.versionedRequirements(db, partnershipId),
    ])
    const byId = new Map(people.map((p) => [p.id, p]))
    const told = (id: string | null | undefined): repo.ReminderPerson | undefined => {
      const p = id ? byId.get(id) : undefined
      return p && p.active && !isInspector(p) ? p : undefined
    }
    const reminders: Reminder[] = []
    const open = new Set<string>()
    const remind = (personId: string, thing: string, input: Omit<Reminder, 'personId'> | null) => {
      open.add(`${personId} ${thing}`)
      if (input) reminders.push({ ...input, personId })
    }

    // Milestones and tasks of open inspections.
    for (const t of timelines) {
      const link = `/inspections/${t.inspection.id}/my-tasks`
      for (const m of t.milestones) {
        if (m.completion || m.ownerRole === 'inspector') continue
        const who: { person: repo.ReminderPerson; coveringFor: string | null }[] = []
        if (m.assignee) {
          const named = told(m.assignee.personId)
          if (named) who.push({ person: named, coveringFor: null })
          const deputy = m.assignee.unavailable ? told(m.assignee.deputyId) : undefined
          const principal = byId.get(m.assignee.personId)
          if (deputy && principal) who.push({ person: deputy, coveringFor: principal.name })
        } else {
          for (const p of people)
            if (told(p.id) && p.roles.includes(m.ownerRole) && !(isPerAgency(m) && isDoneFor(p, m)))
              who.push({ person: p, coveringFor: null })
        }
        if (!who.length) continue
        const thing = `task:${t.inspection.id}:${m.id}:${dueStamp(m)}`
        const due = taskRemindersDue(t.calendar, settings, m, now)
        for (const { person, coveringFor } of who) {
          remind(person.id, thing, null)
          for (const r of due)
            remind(person.id, thing, {
              kind: r.kind,
              ...taskWords(t, m, r, coveringFor),
              link,
              dedupeKey: `${r.kind}:${t.inspection.id}:${m.id}:${dueStamp(m)}:${r.stage}`,
            })
        }
      }
    }

    // Whoever is unavailable: their deputy is told once per covering (the audit event that marked
    // them unavailable), and gets their reminders and approvals until they are back.
    const covering = people.flatMap((principal) => {
      const deputy = principal.unavailable && principal.active ? told(principal.deputyId) : undefined
      return deputy ? [{ principal, deputy }] : []
    })
    const since = await repo.coveringSince(
      db,
      partnershipId,
      covering.map((c) => c.principal.id),
    )
    for (const { principal, deputy } of covering) {
      const seq = since.get(principal.id) ?? 0
      remind(deputy.id, `covering:${principal.id}:${deputy.id}:${seq}`, {
        kind: 'deputy-covering',
        title: `You are covering for ${principal.name}`,
        body: `${principal.name} is unavailable. Their tasks and approvals are yours until they are back, and you will get their reminders.`,
        link: '/',
        dedupeKey: `deputy-covering:${principal.id}:${deputy.id}:${seq}`,
      })
    }

    // Approvals waiting, and an approval needed today by the documentary evidence deadline.
    const current = timelines.find((t) => !t.inspection.practice) ?? timelines[0]
    const evidenceDue = current?.milestones.find((m) => m.id === EVIDENCE_MILESTONE && m.date === today)
    const inScope = new Set(current?.framework.requiredDocuments.map((d) => d.id) ?? [])
    const leads = people.filter((p) => told(p.id) && p.roles.includes('agency-lead'))
    for (const req of requirements) {
      const link = `/evidence/requirements/${req.id}`
      const what = `${req.title} (${req.agencyName})`
      if (req.status === 'uploaded') {
        const approver = told(approvers.get(req.agencyId))
        const facts: ApproverFacts | null = approver
          ? {
              id: approver.id,
              name: approver.name,
              unavailable: approver.unavailable,
              deputyId: approver.deputyId,
              deputyName: byId.get(approver.deputyId ?? '')?.name ?? null,
            }
          : null
        const to = approvalRecipients(facts, req.uploadedBy).filter((id) => told(id))
        const waiting = now >= approvalWaitingAt(calendar, settings, req.uploadedAt)
        for (const id of to)
          remind(
            id,
            `approval:${req.id}:${req.versionId}`,
            waiting
              ? {
                  kind: 'approval-waiting',
                  title: `${what} has waited for approval since ${formatDate(req.uploadedAt)}`,
                  body: `A new version of ${what} was uploaded on ${formatDate(req.uploadedAt)} and waits for the senior approver.`,
                  link,
                  dedupeKey: `approval-waiting:${req.id}:${req.versionId}`,
                }
              : null,
          )
        if (
          current &&
          evidenceDue &&
          !evidenceDue.completion &&
          !isDoneFor({ agencyId: req.agencyId }, evidenceDue) &&
          (req.documentId === null || inScope.has(req.documentId))
        ) {
          const deadline = evidenceDue.time ? londonInstant(today, evidenceDue.time) : null
          // From the reminder time, or two hours before an earlier deadline; never after the deadline.
          const from = Math.min(
            londonInstant(today, settings.reminderTime).getTime(),
            deadline ? deadline.getTime() - WITHIN_HOURS_MS : Infinity,
          )
          const fires = now.getTime() >= from
          const before = !deadline || now < deadline
          for (const id of to)
            remind(
              id,
              `approval-today:${req.id}:${req.versionId}:${today}`,
              fires && before
                ? {
                    kind: 'approval-due-today',
                    title: `Approve ${what} today`,
                    body: `${evidenceDue.title} is due today${evidenceDue.time ? ` at ${clockTime(evidenceDue.time)}` : ''}. Inspection: ${describeInspection(current)}. ${what} waits for approval.`,
                    link,
                    dedupeKey: `approval-due-today:${req.id}:${req.versionId}:${today}`,
                  }
                : null,
            )
        }
      }
      // Review dates: the agency lead is warned while the date is near and has not passed.
      const reviewBy = reviewByDate(londonDateOf(req.uploadedAt), req.reviewIntervalMonths)
      const warn = reviewWarningDue(calendar, settings, reviewBy, now)
      for (const lead of leads)
        if (lead.agencyId === req.agencyId)
          remind(
            lead.id,
            `review:${req.id}:${req.versionId}`,
            warn
              ? {
                  kind: 'review-due',
                  title: `${what} is due for review by ${formatIsoDate(reviewBy)}`,
                  body: `The current version of ${what} should be reviewed by ${formatIsoDate(reviewBy)}. Upload a reviewed version before then.`,
                  link,
                  dedupeKey: `review-due:${req.id}:${req.versionId}:${reviewBy}`,
                }
              : null,
          )
    }
    return { reminders, open }
  }

  /** One partnership's run: new reminders, stopped ones, then the daily summaries. */
  async function runPartnership(partnershipId: string, now: Date) {
    const calendar = await calendars.calendarFor(partnershipId)
    const { reminders, open } = await workOut(partnershipId, now, calendar)

    let created = 0
    const had = await repo.existingKeys(db, partnershipId, reminders)
    const fresh = reminders.filter((r) => !had.has(`${r.personId} ${r.dedupeKey}`))
    if (fresh.length)
      created = (await db.transaction().execute((trx) => queueNotifications(trx, partnershipId, now, fresh))).length

    let cancelled = 0
    const unsent = await repo.unsentReminders(db, partnershipId, REMINDER_KINDS)
    const stale = [
      ...new Set(unsent.filter((n) => !open.has(`${n.person_id} ${thingOf(n.dedupe_key!)}`)).map((n) => n.id)),
    ]
    if (stale.length)
      cancelled = await db.transaction().execute((trx) => repo.cancelReminders(trx, partnershipId, stale))

    let digests = 0
    const slot = digestSlotToday(calendar, now)
    if (slot) {
      const subject = `Your JTAI Ready summary for ${formatDate(slot.date)}`
      for (const d of await repo.digestsDue(db, partnershipId, slot.at, slot.date)) {
        if (!d.active || d.email.trim() === '') continue
        try {
          const wrote = await db.transaction().execute((trx) =>
            repo.writeDigest(
              trx,
              partnershipId,
              {
                personId: d.personId,
                email: d.email,
                slotDate: slot.date,
                subject,
                ids: d.notifications.map((n) => n.id),
              },
              digestBody,
              now,
            ),
          )
          if (wrote) digests += 1
        } catch (error) {
          if (!(error instanceof repo.DigestExistsError)) throw error
        }
      }
    }
    return { created, cancelled, digests }
  }

  return {
    /** The reminder job: every partnership, once. Safe to run again at once: it tells nobody twice. */
    async run(): Promise<{ created: number; cancelled: number; digests: number }> {
      const now = clock.now()
      const total = { created: 0, cancelled: 0, digests: 0 }
      // One partnership's failure does not keep the others' reminders back; the first is thrown after.
      let failure: Error | undefined
      for (const partnershipId of await repo.partnershipIds(db)) {
        try {
          const r = await runPartnership(partnershipId, now)
          total.created += r.created
          total.cancelled += r.cancelled
          total.digests += r.digests
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error))
        }
      }
      if (failure) throw failure
      return total
    },

    /** The partnership's reminder timings (the defaults until someone changes them). */
    settings: (scope: Scope): Promise<ReminderSettings> => repo.reminderSettings(db, scope.partnershipId),

    /** Changes the partnership's reminder timings, with its audit event. */
    async saveSettings(scope: Scope, next: ReminderSettings): Promise<void> {
      const before = await repo.reminderSettings(db, scope.partnershipId)
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.saveReminderSettings(trx, scope.partnershipId, next, scope.personId, now)
        return {
          result: undefined,
          audit: {
            action: 'notification-settings.update',
            entityType: 'notification-settings',
            entityId: null,
            summary: `Changed the reminder settings: ${describeSettings(next)}`,
            details: { before: { ...before }, after: { ...next } },
          },
        }
      })
    },
  }
}

/** The daily summary's text: the titles, oldest first (the worker adds the link and the footer). */
function digestBody(titles: string[]): string {
  const count = titles.length === 1 ? '1 new notification' : `${titles.length} new notifications`
  return `You have ${count} in JTAI Ready:\n\n${titles.map((t) => `- ${t}`).join('\n')}`
}

/** "2 working days before and on the day at 9:00am; overdue; approvals after 1 working day; reviews 20 working days ahead". */
export function describeSettings(s: ReminderSettings): string {
  const when = [
    s.daysBefore > 0 ? `${s.daysBefore} working ${s.daysBefore === 1 ? 'day' : 'days'} before` : null,
    s.remindOnTheDay ? 'on the day' : null,
  ].filter(Boolean)
  const parts = [
    when.length ? `${when.join(' and ')} at ${clockTime(s.reminderTime)}` : 'no reminders before a task is due',
    s.remindOverdue ? 'when overdue' : 'not when overdue',
    `approvals after ${s.approvalWaitDays} working ${s.approvalWaitDays === 1 ? 'day' : 'days'}`,
    `reviews ${s.reviewWarningDays} working ${s.reviewWarningDays === 1 ? 'day' : 'days'} ahead`,
  ]
  return parts.join('; ')
}
