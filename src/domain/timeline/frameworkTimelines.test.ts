import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar/workingDayCalendar'
import { parseFramework } from '../frameworks/parse'
import { bundledFrameworksDirectory } from '../../features/frameworks/loadDirectory'
import { computeTimeline, type ComputedMilestone, type MilestoneOverride } from './compute'
import { overrideLimits } from './bounds'
import type { TimelineTemplate } from './template'

const calendar = WorkingDayCalendar.bundled()
const dir = bundledFrameworksDirectory()
const frameworks = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => {
    const parsed = parseFramework(readFileSync(join(dir, file), 'utf8'), file)
    if (!parsed.ok) throw new Error(`${file} is invalid`)
    return parsed.framework
  })

/**
 * The inspection days these milestones had before they were anchored to the milestone they follow
 * in the process (the seed's week-by-week plan): the default timeline must not change.
 */
const FORMER_DAYS: Record<string, number> = {
  'agency-returns-due': 4,
  'audit-children-selected': 5,
  'audit-tools-sent': 5,
  'audit-returns-due': 6,
  'audit-day': 7,
  'audit-report-drafted': 8,
  'audit-report-due': 9,
}

const asDays = (template: TimelineTemplate): TimelineTemplate => ({
  ...template,
  milestones: template.milestones.map((m) =>
    m.id in FORMER_DAYS ? { ...m, anchor: { kind: 'day', day: FORMER_DAYS[m.id]! } } : m,
  ),
})

const when = (timeline: ComputedMilestone[]) =>
  Object.fromEntries(timeline.map((m) => [m.id, `${m.date} ${m.time ?? ''} ${m.day ?? ''}`]))
const byId = (timeline: ComputedMilestone[]) => new Map(timeline.map((m) => [m.id, m]))

describe('the bundled frameworks’ timelines', () => {
  it('has all six frameworks', () => {
    expect(frameworks.map((f) => f.id).sort()).toEqual([
      'criminal-exploitation',
      'csa-family',
      'domestic-abuse',
      'early-help',
      'front-door',
      'serious-youth-violence',
    ])
  })

  describe.each(frameworks.map((f) => [f.id, f.timeline] as const))('%s', (_id, template) => {
    it('anchors each step of the audit to the step it follows in the process', () => {
      const anchors = Object.fromEntries(template.milestones.map((m) => [m.id, m.anchor]))
      expect(anchors['agency-returns-due']).toEqual({ kind: 'after', milestone: 'children-selected', workingDays: 0 })
      expect(anchors['audit-children-selected']).toEqual({
        kind: 'after',
        milestone: 'agency-returns-due',
        workingDays: 1,
      })
      expect(anchors['audit-day']).toEqual({ kind: 'after', milestone: 'audit-returns-due', workingDays: 1 })
      expect(anchors['audit-report-drafted']).toEqual({ kind: 'after', milestone: 'audit-day', workingDays: 1 })
      expect(anchors['audit-report-due']).toEqual({ kind: 'after', milestone: 'audit-report-drafted', workingDays: 1 })
    })

    it.each([
      ['2026-03-02', undefined],
      ['2023-01-09', '09:30'],
      // Easter, the 2023 coronation and May holidays, Christmas and New Year in the first fortnight.
      ['2024-03-18', undefined],
      ['2023-04-24', undefined],
      ['2023-12-11', '10:00'],
      ['2026-12-14', undefined],
    ])('keeps the default dates and times exactly, notified %s', (notified, notifiedTime) => {
      const notification = { notified, ...(notifiedTime ? { notifiedTime } : {}) }
      expect(when(computeTimeline(template, notification, calendar))).toEqual(
        when(computeTimeline(asDays(template), notification, calendar)),
      )
    })

    it('keeps them when the notification is moved, even to a Saturday', () => {
      const notification = { notified: '2026-03-02' }
      for (const date of ['2026-03-03', '2026-03-07']) {
        const overrides: Record<string, MilestoneOverride> = { notification: { date } }
        expect(when(computeTimeline(template, notification, calendar, overrides))).toEqual(
          when(computeTimeline(asDays(template), notification, calendar, overrides)),
        )
      }
    })

    it('moves the audit report with the audit day, and an override on the report still wins', () => {
      const notification = { notified: '2026-03-02' }
      const plain = byId(computeTimeline(template, notification, calendar))
      const auditDay = plain.get('audit-day')!.date
      const later = calendar.addWorkingDays(auditDay, 1)
      const moved = byId(computeTimeline(template, notification, calendar, { 'audit-day': { date: later } }))
      for (const id of ['audit-report-drafted', 'audit-report-due'])
        expect(moved.get(id)?.date).toBe(calendar.addWorkingDays(plain.get(id)!.date, 1))
      // Documentary evidence is due on day 7 whatever happens to the audit day; fieldwork does not move.
      for (const id of ['documents-due', 'fieldwork-start', 'wsoa-due'])
        expect(moved.get(id)?.date).toBe(plain.get(id)?.date)
      const fixed = byId(
        computeTimeline(template, notification, calendar, {
          'audit-day': { date: later },
          'audit-report-due': { date: '2026-03-16' },
        }),
      )
      expect(fixed.get('audit-report-drafted')?.date).toBe(moved.get('audit-report-drafted')?.date)
      expect(fixed.get('audit-report-due')).toMatchObject({ date: '2026-03-16', status: 'overridden' })
    })

    it("moves the agencies' returns and the whole audit with the children's selection", () => {
      const notification = { notified: '2026-03-02' }
      const plain = byId(computeTimeline(template, notification, calendar))
      const later = calendar.addWorkingDays(plain.get('children-selected')!.date, 1)
      const moved = byId(computeTimeline(template, notification, calendar, { 'children-selected': { date: later } }))
      for (const id of [
        'agency-returns-due',
        'audit-children-selected',
        'audit-tools-sent',
        'audit-returns-due',
        'audit-day',
        'audit-report-drafted',
        'audit-report-due',
      ])
        expect(moved.get(id)?.date, id).toBe(calendar.addWorkingDays(plain.get(id)!.date, 1))
      expect(moved.get('audit-children-selected')?.time).toBe('11:00')
    })

    it('ends with the written statement of action, which limits the audit day but not itself', () => {
      const timeline = computeTimeline(template, { notified: '2026-03-02' }, calendar)
      const wsoa = byId(timeline).get('wsoa-due')!
      expect(overrideLimits(timeline, 'audit-day', template.notificationMilestone)).toEqual({
        earliest: { date: '2026-03-02', title: 'Inspection notified', kind: 'notification' },
        latest: { date: wsoa.date, title: wsoa.title, kind: 'end' },
      })
      expect(overrideLimits(timeline, 'wsoa-due', template.notificationMilestone).latest).toBeNull()
      // Fieldwork's start moves everything after it, the end included.
      expect(overrideLimits(timeline, 'fieldwork-start', template.notificationMilestone).latest).toBeNull()
    })
  })
})
