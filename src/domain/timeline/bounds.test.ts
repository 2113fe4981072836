import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar/workingDayCalendar'
import { frontDoorTimeline } from '../../../test/support/timelineTemplate'
import { computeTimeline } from './compute'
import { movesWith, overrideLimits } from './bounds'

const template = frontDoorTimeline()
const calendar = WorkingDayCalendar.bundled()
const notified = { notified: '2026-03-02' }

describe('movesWith', () => {
  it('follows anchors through other milestones, but not through one fixed to a date', () => {
    const plain = computeTimeline(template, notified, calendar)
    expect([...movesWith(plain, 'audit-day', 'notification')].sort()).toEqual([
      'audit-report-drafted',
      'audit-report-due',
    ])
    const fixed = computeTimeline(template, notified, calendar, { 'audit-report-drafted': { date: '2026-03-12' } })
    expect([...movesWith(fixed, 'audit-day', 'notification')]).toEqual([])
    // Every day-numbered milestone moves with the notification.
    expect(movesWith(plain, 'notification', 'notification').size).toBe(plain.length - 1)
  })
})

describe('overrideLimits', () => {
  it('keeps a milestone between the notification day and the end of the inspection', () => {
    const plain = computeTimeline(template, notified, calendar)
    const { earliest, latest } = overrideLimits(plain, 'documents-due', 'notification')
    expect(earliest?.date).toBe('2026-03-02')
    expect(latest).toMatchObject({ title: 'Written statement of action due', kind: 'end' })
    expect(latest?.date).toBe(plain.at(-1)?.date)
  })

  it('keeps the notification on or before a milestone fixed to a date', () => {
    const fixed = computeTimeline(template, notified, calendar, { 'audit-day': { date: '2026-03-10' } })
    expect(overrideLimits(fixed, 'notification', 'notification')).toEqual({
      earliest: null,
      latest: { date: '2026-03-10', title: 'Multi-agency audit day', kind: 'fixed' },
    })
    expect(overrideLimits(computeTimeline(template, notified, calendar), 'notification', 'notification')).toEqual({
      earliest: null,
      latest: null,
    })
  })
})
