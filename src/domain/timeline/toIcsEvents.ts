import type { IcsEvent } from '../ics'
import type { ComputedMilestone } from './compute'

/**
 * Calendar entries for a computed timeline. `uidPrefix` should identify the inspection (e.g. its
 * database id) so re-exporting updates events in people's calendars rather than adding copies.
 */
export function milestonesToIcsEvents(
  milestones: readonly ComputedMilestone[],
  uidPrefix: string,
  durationMinutes = 60,
): IcsEvent[] {
  return milestones.map((m) => ({
    uid: `${uidPrefix}-${m.id}@jtai-ready`,
    title: m.day === null ? m.title : `Day ${m.day}: ${m.title}`,
    description: m.description,
    date: m.date,
    time: m.time,
    durationMinutes,
  }))
}
