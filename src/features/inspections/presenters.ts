import { addDays, dayOfWeek, formatIsoDate, londonDateOf, type IsoDate } from '../../domain/calendar'
import { ROLE_LABELS, type Role } from '../../domain/directory'
import { dayNumberOf } from '../../domain/timeline'
import {
  isDoneFor,
  isPerAgency,
  mayComplete,
  taskRelation,
  type InspectionTimeline,
  type Reader,
  type TimelineMilestone,
} from './service'

export interface Now {
  date: IsoDate
  time: string
}

/** A milestone as the pages and exports show it: every field named here, nothing else leaks. */
export interface MilestoneView {
  id: string
  title: string
  description: string
  owner: string
  ownerRole: Role
  date: IsoDate
  dateText: string
  time: string | null
  dayText: string
  local: boolean
  overridden: boolean
  statusText: string
  overriddenBy: string | null
  reason: string | null
  isToday: boolean
  passed: boolean
  done: boolean
  /** "Done by Sam Patel on 3 March 2026", or null. */
  doneText: string | null
  /** For a task each agency does: which agencies have done their part, or null. */
  agenciesDoneText: string | null
  /** "Given to Sam Patel" (and who covers while they are unavailable), or null when it is the role's. */
  assigneeText: string | null
  /** The named person's id, or null. */
  assigneeId: string | null
  /** Whether the reader may mark it done or not done (the route table still decides whether they see the button). */
  mayMarkDone: boolean
  /** For My tasks: "Given to you", "Covering for Sam Patel, who is unavailable", or null for the role's. */
  whyMine: string | null
}

/** Whether a milestone's deadline has gone: an earlier day, or today at a time already past. */
export function hasPassed(m: { date: IsoDate; time: string | null }, now: Now): boolean {
  return m.date < now.date || (m.date === now.date && m.time !== null && m.time < now.time)
}

/** "Given to Sam Patel", with who covers while they are unavailable. */
export function describeAssignee(a: TimelineMilestone['assignee']): string | null {
  if (!a) return null
  const covering = a.unavailable
    ? a.deputyName
      ? ` (unavailable: ${a.deputyName} covers)`
      : ' (unavailable, and no deputy named)'
    : ''
  return `Given to ${a.name}${covering}`
}

const on = (at: Date) => formatIsoDate(londonDateOf(at))

export function presentMilestone(m: TimelineMilestone, now: Now, reader?: Reader): MilestoneView {
  const relation = reader ? taskRelation(reader, m) : null
  const ownAgency =
    !m.completion && reader?.agencyId ? m.agencyCompletions.find((a) => a.agencyId === reader.agencyId) : undefined
  const perAgency = isPerAgency(m) && m.agencyCompletions.length > 0
  return {
    id: m.id,
    title: m.title,
    description: m.description,
    owner: ROLE_LABELS[m.ownerRole],
    ownerRole: m.ownerRole,
    date: m.date,
    dateText: formatIsoDate(m.date),
    time: m.time,
    dayText: m.day === null ? '' : `Day ${m.day}`,
    local: m.source === 'local',
    overridden: m.override !== null,
    statusText: m.override
      ? `Changed by ${m.override.by ?? 'someone no longer listed'} on ${formatIsoDate(londonDateOf(m.override.at))} (computed date ${formatIsoDate(m.override.computedDate)}). Reason: ${m.override.reason}`
      : 'Computed',
    overriddenBy: m.override?.by ?? null,
    reason: m.override?.reason ?? null,
    isToday: m.date === now.date,
    passed: hasPassed(m, now),
    done: reader ? isDoneFor(reader, m) : m.completion !== null,
    doneText: m.completion
      ? `Done by ${m.completion.by ?? 'someone no longer listed'} on ${on(m.completion.at)}`
      : ownAgency && isPerAgency(m)
        ? `Done for ${ownAgency.agencyName} by ${ownAgency.by ?? 'someone no longer listed'} on ${on(ownAgency.at)}`
        : null,
    agenciesDoneText: perAgency
      ? `Done by ${m.agencyCompletions.length} agenc${m.agencyCompletions.length === 1 ? 'y' : 'ies'}: ${m.agencyCompletions
          .map((a) => `${a.agencyName} (${a.by ?? 'someone no longer listed'}, ${on(a.at)})`)
          .join('; ')}`
      : null,
    assigneeText: describeAssignee(m.assignee),
    assigneeId: m.assignee?.personId ?? null,
    mayMarkDone: reader ? mayComplete(reader, m) : false,
    whyMine:
      relation === 'named'
        ? 'Given to you'
        : relation === 'covering'
          ? `Covering for ${m.assignee?.name ?? ''}, who is unavailable`
          : null,
  }
}

function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, -((dayOfWeek(date) + 6) % 7))
}

export interface WeekView {
  /** Week 1 is the notification's week. */
  number: number
  label: string
  /** The week to show open: the one with today in it, else the first one still to come. */
  isCurrent: boolean
  days: { date: IsoDate; dateText: string; isToday: boolean; milestones: MilestoneView[] }[]
}

/** Milestones by week (weeks counted from the notification week) and by day, with today always shown. */
export function byWeek(t: InspectionTimeline, now: Now, reader?: Reader): WeekView[] {
  const views = t.milestones.map((m) => presentMilestone(m, now, reader))
  const start = dayOneOf(t)
  const firstMonday = mondayOf(start)
  const lastDate = views.reduce((last, m) => (m.date > last ? m.date : last), start)
  const days = new Map<IsoDate, MilestoneView[]>()
  for (const m of views) days.set(m.date, [...(days.get(m.date) ?? []), m])
  if (now.date >= start && now.date <= lastDate && !days.has(now.date)) days.set(now.date, [])
  const weeks = new Map<IsoDate, WeekView>()
  for (const date of [...days.keys()].sort()) {
    const monday = mondayOf(date)
    const n = Math.round((Date.parse(monday) - Date.parse(firstMonday)) / (7 * 86_400_000)) + 1
    const week = weeks.get(monday) ?? {
      number: n,
      label: `Week ${n}, from ${formatIsoDate(monday)}`,
      isCurrent: false,
      days: [],
    }
    week.days.push({
      date,
      dateText: formatIsoDate(date),
      isToday: date === now.date,
      milestones: days.get(date) ?? [],
    })
    weeks.set(monday, week)
  }
  const list = [...weeks.values()]
  const thisMonday = mondayOf(now.date)
  const current = weeks.get(thisMonday) ?? list.find((w) => (w.days[0]?.date ?? '') > now.date)
  if (current) current.isCurrent = true
  return list
}

export interface Countdown {
  title: string
  when: string
  text: string
}

/** The next deadline not yet passed or done, and how long until it. */
export function nextDeadline(
  t: InspectionTimeline,
  now: Now,
  filter: (m: TimelineMilestone) => boolean = () => true,
): Countdown | null {
  const next = t.milestones.find((m) => filter(m) && !hasPassed(m, now) && m.completion === null)
  if (!next) return null
  const when = `${formatIsoDate(next.date)}${next.time ? ` at ${next.time}` : ''}`
  let text: string
  if (next.date === now.date) {
    if (next.time) {
      const minutes = toMinutes(next.time) - toMinutes(now.time)
      const h = Math.floor(minutes / 60)
      const m = minutes % 60
      text = `today, in ${h ? `${h} hour${h === 1 ? '' : 's'} ` : ''}${m} minute${m === 1 ? '' : 's'}`
    } else {
      text = 'today'
    }
  } else {
    const working = t.calendar.workingDaysBetween(now.date, next.date)
    const calendarDays = Math.round((Date.parse(next.date) - Date.parse(now.date)) / 86_400_000)
    text = `in ${working} working day${working === 1 ? '' : 's'} (${calendarDays} calendar day${calendarDays === 1 ? '' : 's'})`
  }
  return { title: next.title, when, text }
}

function toMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
}

/** Day 1 of the inspection: the notification milestone's date, which may have been moved. */
export function dayOneOf(t: InspectionTimeline): IsoDate {
  return t.milestones.find((m) => m.id === t.framework.timeline.notificationMilestone)?.date ?? t.inspection.notified_on
}

/** "Day 4 of 15" during the inspection (to the end of fieldwork); null before or after. */
export function dayOfInspection(t: InspectionTimeline, now: Now): { day: number; of: number; text: string } | null {
  const end = t.milestones.find((m) => m.id === t.framework.timeline.fieldworkEndMilestone)
  const start = dayOneOf(t)
  if (!end?.day || now.date < start || now.date > end.date) return null
  const cal = t.calendar
  const onWorkingDay = now.date === start || cal.isWorkingDay(now.date)
  const date = onWorkingDay ? now.date : cal.previousWorkingDay(now.date)
  // Day 1 stays day 1 even when it has since become a closure day or a bank holiday.
  const day = date <= start ? 1 : dayNumberOf(cal, start, date)
  if (day === null) return null
  return {
    day,
    of: end.day,
    text: onWorkingDay
      ? `Day ${day} of ${end.day}`
      : `Day ${day} of ${end.day} was the last working day; day ${day + 1} is ${formatIsoDate(cal.nextWorkingDay(now.date))}`,
  }
}

/** Whether a milestone is the reader's task: given to them, covered by them, or their role's and given to nobody. */
export function isMine(reader: Reader, m: TimelineMilestone): boolean {
  return taskRelation(reader, m) !== null
}

/**
 * The signed-in person's tasks: those given to them by name, those of a person they are deputy for
 * while that person is unavailable, and those of their roles not given to anyone. Overdue means
 * passed and not marked done; today's and the next ones show whether they are done; done lists the rest.
 */
export function myTasks(t: InspectionTimeline, who: Reader | readonly Role[], now: Now, nextCount = 10) {
  // Roles alone (no person) see their roles' tasks that are given to nobody.
  const reader: Reader = Array.isArray(who)
    ? { personId: '', agencyId: null, roles: [...(who as readonly Role[])] }
    : (who as Reader)
  const mine = t.milestones.filter((m) => isMine(reader, m)).map((m) => presentMilestone(m, now, reader))
  return {
    overdue: mine.filter((m) => m.passed && !m.done),
    today: mine.filter((m) => m.isToday && !m.passed),
    next: mine.filter((m) => m.date > now.date).slice(0, nextCount),
    done: mine.filter((m) => m.done && m.passed),
    all: mine,
  }
}

export function describeInspection(t: {
  framework: { title: string }
  inspection: { notified_on: string; practice: boolean }
}): string {
  return `${t.inspection.practice ? 'Practice: ' : ''}${t.framework.title}, notified ${formatIsoDate(t.inspection.notified_on)}`
}
