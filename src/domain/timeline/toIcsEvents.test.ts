import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar/workingDayCalendar'
import { buildIcsCalendar } from '../ics'
import { computeTimeline } from './compute'
import { frontDoorTimeline } from '../../../test/support/timelineTemplate'
import { milestonesToIcsEvents } from './toIcsEvents'

describe('milestonesToIcsEvents', () => {
  it('turns a timeline into stable, day-labelled calendar entries', () => {
    const timeline = computeTimeline(frontDoorTimeline(), { notified: '2023-01-09' }, WorkingDayCalendar.bundled())
    const events = milestonesToIcsEvents(timeline, 'inspection-42')
    expect(events[0]).toMatchObject({
      uid: 'inspection-42-notification@jtai-ready',
      title: 'Day 1: Inspection notified',
      date: '2023-01-09',
      time: null,
    })
    expect(events.find((e) => e.uid.startsWith('inspection-42-publication'))?.title).toBe('Letter published')
    const ics = buildIcsCalendar(events, { now: new Date('2023-01-09T09:00:00Z') })
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(timeline.length)
    expect(ics).toContain('DTSTART:20230117T170000Z')
  })
})
