import { isIsoDate, type IsoDate } from '../calendar/isoDate'
import { NotAWorkingDayError, type WorkingDayCalendar } from '../calendar/workingDayCalendar'
import type { Role } from '../directory'
import {
  checkTimelineReferences,
  formatPath,
  type MilestoneAnchor,
  type MilestoneTemplate,
  type TimelineTemplate,
} from './template'

/** A date (and optionally time) the partnership or inspectorates have fixed for a milestone. */
export interface MilestoneOverride {
  date: IsoDate
  /** Omit to keep the template's time; null for no time. */
  time?: string | null
}

/** When the inspection was notified. */
export interface Notification {
  notified: IsoDate
  /** 'HH:MM', given to the notification milestone. */
  notifiedTime?: string
}

/** A milestone with its date worked out. */
export interface ComputedMilestone {
  id: string
  title: string
  description: string
  ownerRole: Role
  date: IsoDate
  time: string | null
  /** Inspection working day (notification = 1) up to the end of fieldwork; null afterwards or on a non-working day. */
  day: number | null
  status: 'computed' | 'overridden'
  /** The milestone this date was counted from; null when counted from notification or overridden. */
  basedOn: string | null
  anchor: MilestoneAnchor
  source: 'framework' | 'local'
}

/** How strictly the notification date is checked. */
export interface ComputeOptions {
  /**
   * Refuse a notification date that is not a working day (the default: starting an inspection, the
   * command line). An existing inspection passes false: its notification day stays day 1 even if
   * that date has since become a closure day or a loaded bank holiday.
   */
  requireWorkingNotification?: boolean
}

/** The date of inspection day `n` when day 1 is `start` (which need not be a working day). */
export function dateOfDay(calendar: WorkingDayCalendar, start: IsoDate, n: number): IsoDate {
  return n === 1 ? start : calendar.addWorkingDays(start, n - 1)
}

/**
 * The inspection day number of `date` when day 1 is `start`: `start` itself is always day 1; other
 * non-working days have no number; earlier working days count 0, -1, ….
 */
export function dayNumberOf(calendar: WorkingDayCalendar, start: IsoDate, date: IsoDate): number | null {
  if (date === start) return 1
  if (!calendar.isWorkingDay(date)) return null
  return calendar.workingDaysBetween(start, date) + 1
}

/** Why a timeline could not be computed. */
export class TimelineError extends Error {
  constructor(
    message: string,
    readonly code: 'not-a-working-day' | 'invalid-date' | 'invalid-template' | 'unknown-milestone',
  ) {
    super(message)
    this.name = 'TimelineError'
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

/**
 * Works out the date of every milestone in `template` plus the partnership's `localTasks`, for an
 * inspection notified on `notification.notified`. An override fixes a milestone's date and every
 * milestone anchored to it (directly or through others) moves with it. Returns milestones in date
 * order: on the same day by time, untimed ones after the timed ones, then in template order (local
 * tasks last), so day 1 starts with the notification at its time.
 * Throws {@link TimelineError} for a notification date that is not a working day, a bad date,
 * an override for an unknown milestone, or local tasks that break the anchors.
 */
export function computeTimeline(
  template: TimelineTemplate,
  notification: Notification,
  calendar: WorkingDayCalendar,
  overrides: Readonly<Record<string, MilestoneOverride>> = {},
  localTasks: readonly MilestoneTemplate[] = [],
  options: ComputeOptions = {},
): ComputedMilestone[] {
  const { notified, notifiedTime } = notification
  if (!isIsoDate(notified))
    throw new TimelineError(
      `The notification date "${notified}" is not a real date in the form YYYY-MM-DD.`,
      'invalid-date',
    )
  if (notifiedTime !== undefined && !TIME.test(notifiedTime)) {
    throw new TimelineError(`The notification time "${notifiedTime}" is not a time like 09:30.`, 'invalid-date')
  }
  if (options.requireWorkingNotification ?? true) {
    try {
      calendar.assertNotificationDay(notified)
    } catch (error) {
      if (error instanceof NotAWorkingDayError) throw new TimelineError(error.message, 'not-a-working-day')
      throw error
    }
  }

  const all = [
    ...template.milestones.map((m) => ({ ...m, source: 'framework' as const })),
    ...localTasks.map((m) => ({ ...m, source: 'local' as const })),
  ]
  const problems = checkTimelineReferences({ ...template, milestones: all })
  if (problems.length) {
    const first = problems[0]
    const where = first ? `${formatPath(first.path)} ${first.message}` : ''
    throw new TimelineError(`The timeline cannot be worked out: ${where}.`, 'invalid-template')
  }
  const byId = new Map(all.map((m) => [m.id, m]))
  for (const [id, override] of Object.entries(overrides)) {
    if (!byId.has(id)) throw new TimelineError(`There is no milestone "${id}" to move.`, 'unknown-milestone')
    if (!isIsoDate(override.date))
      throw new TimelineError(`The new date for "${id}" ("${override.date}") is not a real date.`, 'invalid-date')
    if (override.time != null && !TIME.test(override.time))
      throw new TimelineError(`The new time for "${id}" ("${override.time}") is not a time like 09:30.`, 'invalid-date')
  }

  // Day N counts from the notification milestone's date: the overridden one when it was moved.
  const start = overrides[template.notificationMilestone]?.date ?? notified
  const dates = new Map<string, IsoDate>()
  // References were checked above, so recursion ends and every lookup succeeds.
  const dateOf = (id: string): IsoDate => {
    const known = dates.get(id)
    if (known) return known
    const milestone = byId.get(id)
    if (!milestone) throw new TimelineError(`There is no milestone "${id}".`, 'unknown-milestone')
    const override = overrides[id]
    const date = override
      ? override.date
      : milestone.anchor.kind === 'day'
        ? dateOfDay(calendar, start, milestone.anchor.day)
        : calendar.addWorkingDays(dateOf(milestone.anchor.milestone), milestone.anchor.workingDays)
    dates.set(id, date)
    return date
  }

  const fieldworkEnd = dateOf(template.fieldworkEndMilestone)
  const computed = all.map((m, order): ComputedMilestone & { order: number } => {
    const override = overrides[m.id]
    const date = dateOf(m.id)
    const templateTime = m.id === template.notificationMilestone && notifiedTime ? notifiedTime : (m.time ?? null)
    return {
      id: m.id,
      title: m.title,
      description: m.description,
      ownerRole: m.ownerRole,
      date,
      time: override && override.time !== undefined ? override.time : templateTime,
      day: date <= fieldworkEnd ? dayNumberOf(calendar, start, date) : null,
      status: override ? 'overridden' : 'computed',
      basedOn: override || m.anchor.kind === 'day' ? null : m.anchor.milestone,
      anchor: m.anchor,
      source: m.source,
      order,
    }
  })
  computed.sort((a, b) =>
    a.date !== b.date ? (a.date < b.date ? -1 : 1) : compareTimes(a.time, b.time) || a.order - b.order,
  )
  return computed.map(({ order: _order, ...milestone }) => milestone)
}

/** Earlier times first; a milestone with no time comes after those with one. */
function compareTimes(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return a < b ? -1 : 1
}

/** Explains an anchor in words, e.g. "Day 4" or "15 working days after Fieldwork ends". */
export function describeAnchor(anchor: MilestoneAnchor, titleOf: (id: string) => string | undefined): string {
  if (anchor.kind === 'day') return `Day ${anchor.day}`
  const other = titleOf(anchor.milestone) ?? anchor.milestone
  const n = Math.abs(anchor.workingDays)
  if (n === 0) return `Same day as ${other}`
  return `${n} working day${n === 1 ? '' : 's'} ${anchor.workingDays > 0 ? 'after' : 'before'} ${other}`
}
