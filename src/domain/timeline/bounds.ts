import type { IsoDate } from '../calendar/isoDate'
import type { ComputedMilestone } from './compute'

type Step = Pick<ComputedMilestone, 'id' | 'title' | 'date' | 'anchor' | 'status'>

/** A limit on a milestone's new date, with the milestone that sets it. */
export interface DateLimit {
  date: IsoDate
  title: string
  /** 'notification': the day the inspection was notified; 'end': the inspection's last milestone; 'fixed': a milestone fixed to a date. */
  kind: 'notification' | 'end' | 'fixed'
}

/**
 * The milestones that move when `id` moves: those counted from it (directly or through others) and
 * not fixed to a date of their own. Moving the notification moves every day-numbered milestone too.
 */
export function movesWith(milestones: readonly Step[], id: string, notificationMilestone: string): Set<string> {
  const moving = new Set<string>()
  const follows = (m: Step) =>
    m.anchor.kind === 'after'
      ? m.anchor.milestone === id || moving.has(m.anchor.milestone)
      : id === notificationMilestone && m.id !== id
  for (let grew = true; grew;) {
    grew = false
    for (const m of milestones) {
      if (m.id === id || moving.has(m.id) || m.status === 'overridden') continue
      if (follows(m)) {
        moving.add(m.id)
        grew = true
      }
    }
  }
  return moving
}

/**
 * The earliest and latest dates a milestone may be moved to (both inclusive; null for no limit).
 * A milestone may not go before the notification day, nor after the inspection's end: the latest
 * milestone of the timeline (usually the written statement of action's due date) among those that
 * do not move with it. A milestone the end itself is counted from (or the last milestone itself)
 * moves the end, so it has no upper limit. The notification may not go after a milestone fixed to a
 * date (which would then come before it). Weekends and holidays are not limits: they are warnings.
 */
export function overrideLimits(
  milestones: readonly Step[],
  id: string,
  notificationMilestone: string,
): { earliest: DateLimit | null; latest: DateLimit | null } {
  const moving = movesWith(milestones, id, notificationMilestone)
  const staying = milestones.filter((m) => m.id !== id && !moving.has(m.id))
  if (id === notificationMilestone) {
    const firstFixed = staying.reduce<Step | null>((first, m) => (!first || m.date < first.date ? m : first), null)
    return {
      earliest: null,
      latest: firstFixed ? { date: firstFixed.date, title: firstFixed.title, kind: 'fixed' } : null,
    }
  }
  const notification = milestones.find((m) => m.id === notificationMilestone)
  const earliest: DateLimit | null = notification
    ? { date: notification.date, title: notification.title, kind: 'notification' }
    : null
  const last = milestones.reduce<Step | null>((latest, m) => (!latest || m.date >= latest.date ? m : latest), null)
  if (!last || last.id === id || moving.has(last.id)) return { earliest, latest: null }
  const end = staying.reduce<Step | null>((latest, m) => (!latest || m.date >= latest.date ? m : latest), null)
  return { earliest, latest: end ? { date: end.date, title: end.title, kind: 'end' } : null }
}
