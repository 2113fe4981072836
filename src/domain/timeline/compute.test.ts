import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromDayNumber, toDayNumber } from '../calendar/isoDate'
import { WorkingDayCalendar } from '../calendar/workingDayCalendar'
import { computeTimeline, describeAnchor, TimelineError, type ComputedMilestone } from './compute'
import type { MilestoneTemplate } from './template'
import { frontDoorTimeline } from '../../../test/support/timelineTemplate'

const template = frontDoorTimeline()
const calendar = WorkingDayCalendar.bundled()

const byId = (milestones: ComputedMilestone[]) => new Map(milestones.map((m) => [m.id, m]))
const datesOf = (milestones: ComputedMilestone[], ids: string[]) => {
  const map = byId(milestones)
  return ids.map((id) => map.get(id)?.date)
}

describe('computeTimeline', () => {
  it('matches a real 2023 inspection notified on Monday 9 January', () => {
    const timeline = computeTimeline(template, { notified: '2023-01-09', notifiedTime: '09:30' }, calendar)
    const map = byId(timeline)
    expect(map.get('notification')).toMatchObject({
      date: '2023-01-09',
      time: '09:30',
      day: 1,
      status: 'computed',
      basedOn: null,
    })
    expect(
      datesOf(timeline, [
        'annex-a-due',
        'children-selected',
        'audit-children-selected',
        'audit-returns-due',
        'audit-day',
        'audit-report-due',
      ]),
    ).toEqual(['2023-01-10', '2023-01-12', '2023-01-13', '2023-01-16', '2023-01-17', '2023-01-19'])
    expect(map.get('audit-tools-sent')).toMatchObject({ date: '2023-01-13', time: '13:00', day: 5 })
    expect(map.get('documents-due')).toMatchObject({ date: '2023-01-17', time: '17:00', day: 7 })
    expect(
      datesOf(timeline, [
        'fieldwork-start',
        'kit-meeting-1',
        'kit-meeting-2',
        'kit-meeting-3',
        'fieldwork-end',
        'feedback',
      ]),
    ).toEqual(['2023-01-23', '2023-01-24', '2023-01-25', '2023-01-26', '2023-01-27', '2023-01-27'])
    expect(map.get('fieldwork-end')).toMatchObject({ day: 15, basedOn: 'fieldwork-start' })
    // Friday of week 6, Thursday of week 8, Monday and Thursday of week 10.
    expect(datesOf(timeline, ['draft-letter', 'factual-accuracy-due', 'final-letter', 'publication'])).toEqual([
      '2023-02-17',
      '2023-03-02',
      '2023-03-13',
      '2023-03-16',
    ])
    expect(map.get('draft-letter')?.day).toBeNull()
    // 70 working days after 16 March 2023, past Easter and three May bank holidays.
    expect(map.get('wsoa-due')?.date).toBe('2023-06-29')
  })

  it('returns milestones in date order, then by time with untimed ones after, then in framework order', () => {
    const timeline = computeTimeline(template, { notified: '2023-01-09' }, calendar)
    const keys = timeline.map((m) => `${m.date} ${m.time ?? '~'}`)
    expect([...keys].sort()).toEqual(keys)
    const ids = timeline.map((m) => m.id)
    expect(ids.indexOf('documents-due')).toBeLessThan(ids.indexOf('audit-day'))
    expect(ids.indexOf('audit-children-selected')).toBeLessThan(ids.indexOf('audit-tools-sent'))
    expect(ids[0]).toBe('notification')
  })

  it('puts day 1 in time order: the notification at its time first, then the rest in framework order', () => {
    const early: MilestoneTemplate = {
      id: 'local-call-the-chair',
      title: 'Call the chair',
      description: '',
      ownerRole: 'administrator',
      anchor: { kind: 'after', milestone: 'notification', workingDays: 0 },
      time: '08:00',
    }
    const late: MilestoneTemplate = { ...early, id: 'local-brief-staff', title: 'Brief staff', time: '16:00' }
    const untimed: MilestoneTemplate = { ...early, id: 'local-book-rooms', title: 'Book rooms', time: undefined }
    const timeline = computeTimeline(
      template,
      { notified: '2023-01-09', notifiedTime: '09:30' },
      calendar,
      {},
      [untimed, late, early].map(({ time, ...m }) => (time ? { ...m, time } : m)),
    )
    expect(timeline.filter((m) => m.day === 1).map((m) => `${m.time ?? '-'} ${m.id}`)).toEqual([
      '08:00 local-call-the-chair',
      '09:30 notification',
      '16:00 local-brief-staff',
      '- partners-told',
      '- set-up-meeting',
      '- annex-a-produced',
      '- local-book-rooms',
    ])
    // A time given on the milestone page re-sorts the day.
    const moved = computeTimeline(template, { notified: '2023-01-09', notifiedTime: '09:30' }, calendar, {
      'set-up-meeting': { date: '2023-01-09', time: '09:00' },
    })
    expect(moved.slice(0, 2).map((m) => m.id)).toEqual(['set-up-meeting', 'notification'])
  })

  it('pushes fieldwork past Easter', () => {
    const timeline = computeTimeline(template, { notified: '2024-03-18' }, calendar)
    expect(datesOf(timeline, ['audit-report-due', 'fieldwork-start', 'kit-meeting-3', 'fieldwork-end'])).toEqual([
      '2024-03-28',
      '2024-04-03',
      '2024-04-08',
      '2024-04-09',
    ])
    expect(byId(timeline).get('fieldwork-end')?.day).toBe(15)
  })

  it('pushes fieldwork past Christmas and New Year', () => {
    const timeline = computeTimeline(template, { notified: '2023-12-11' }, calendar)
    expect(datesOf(timeline, ['audit-report-due', 'fieldwork-start', 'kit-meeting-3', 'fieldwork-end'])).toEqual([
      '2023-12-21',
      '2023-12-27',
      '2024-01-02',
      '2024-01-03',
    ])
  })

  it('skips the early May, coronation and spring bank holidays of 2023', () => {
    const timeline = computeTimeline(template, { notified: '2023-04-24' }, calendar)
    expect(
      datesOf(timeline, ['audit-returns-due', 'audit-report-due', 'fieldwork-start', 'fieldwork-end', 'draft-letter']),
    ).toEqual(['2023-05-02', '2023-05-05', '2023-05-10', '2023-05-16', '2023-06-07'])
  })

  it('moves everything anchored to an overridden milestone, and nothing else', () => {
    const timeline = computeTimeline(template, { notified: '2023-01-09' }, calendar, {
      'fieldwork-start': { date: '2023-01-30' },
    })
    const map = byId(timeline)
    expect(map.get('fieldwork-start')).toMatchObject({
      date: '2023-01-30',
      status: 'overridden',
      basedOn: null,
      day: 16,
    })
    expect(datesOf(timeline, ['kit-meeting-1', 'fieldwork-end', 'feedback', 'draft-letter', 'audit-day'])).toEqual([
      '2023-01-31',
      '2023-02-03',
      '2023-02-03',
      '2023-02-24',
      '2023-01-17',
    ])
    const later = computeTimeline(template, { notified: '2023-01-09' }, calendar, {
      'draft-letter': { date: '2023-02-21', time: '10:00' },
    })
    expect(byId(later).get('draft-letter')).toMatchObject({ date: '2023-02-21', time: '10:00', status: 'overridden' })
    expect(byId(later).get('factual-accuracy-due')?.date).toBe('2023-03-06')
    expect(byId(later).get('fieldwork-end')?.date).toBe('2023-01-27')
  })

  it('counts day N from an overridden notification date, and numbers days from it', () => {
    // Notified Monday 9 January 2023, but the inspectorates moved notification to Tuesday 10 January.
    const timeline = computeTimeline(template, { notified: '2023-01-09', notifiedTime: '09:30' }, calendar, {
      notification: { date: '2023-01-10' },
    })
    const map = byId(timeline)
    expect(map.get('notification')).toMatchObject({ date: '2023-01-10', time: '09:30', day: 1, status: 'overridden' })
    expect(map.get('set-up-meeting')).toMatchObject({ date: '2023-01-10', day: 1, status: 'computed' })
    expect(map.get('annex-a-due')).toMatchObject({ date: '2023-01-11', day: 2 })
    expect(map.get('children-selected')).toMatchObject({ date: '2023-01-13', day: 4 })
    expect(map.get('fieldwork-start')).toMatchObject({ date: '2023-01-24', day: 11 })
    expect(map.get('fieldwork-end')).toMatchObject({ date: '2023-01-30', day: 15 })
    expect(map.get('draft-letter')).toMatchObject({ date: '2023-02-20', day: null })
    const numbered = timeline.filter((m) => m.day !== null)
    expect(Math.min(...numbered.map((m) => m.day ?? 0))).toBe(1)
  })

  it("keeps an existing inspection's notification day as day 1 when it later stops being a working day", () => {
    const closed = new WorkingDayCalendar({ closures: [{ date: '2023-01-09', title: 'Office closed' }] })
    expect(() => computeTimeline(template, { notified: '2023-01-09' }, closed)).toThrow(TimelineError)
    const timeline = computeTimeline(template, { notified: '2023-01-09' }, closed, {}, [], {
      requireWorkingNotification: false,
    })
    const map = byId(timeline)
    expect(map.get('notification')).toMatchObject({ date: '2023-01-09', day: 1 })
    // Day 2 onwards is unchanged: counted in working days after the notification day.
    expect(map.get('annex-a-due')).toMatchObject({ date: '2023-01-10', day: 2 })
    expect(map.get('fieldwork-end')).toMatchObject({ date: '2023-01-27', day: 15 })
    // A notification moved to a Saturday: day 2 is the next working day.
    const weekend = byId(
      computeTimeline(template, { notified: '2023-01-09' }, calendar, { notification: { date: '2023-01-14' } }),
    )
    expect(weekend.get('notification')).toMatchObject({ date: '2023-01-14', day: 1 })
    expect(weekend.get('annex-a-due')).toMatchObject({ date: '2023-01-16', day: 2 })
  })

  it('places local tasks relative to any milestone, before or after it', () => {
    const local: MilestoneTemplate[] = [
      {
        id: 'brief-leaders',
        title: 'Brief leaders',
        description: '',
        ownerRole: 'inspection-coordinator',
        anchor: { kind: 'after', milestone: 'fieldwork-start', workingDays: -2 },
      },
      {
        id: 'rehearse',
        title: 'Rehearse presentation',
        description: '',
        ownerRole: 'senior-approver',
        anchor: { kind: 'after', milestone: 'brief-leaders', workingDays: 1 },
        time: '14:00',
      },
      {
        id: 'book-rooms',
        title: 'Book rooms',
        description: '',
        ownerRole: 'administrator',
        anchor: { kind: 'day', day: 3 },
      },
    ]
    const timeline = computeTimeline(template, { notified: '2023-01-09' }, calendar, {}, local)
    const map = byId(timeline)
    expect(map.get('brief-leaders')).toMatchObject({
      date: '2023-01-19',
      day: 9,
      source: 'local',
      basedOn: 'fieldwork-start',
    })
    expect(map.get('rehearse')).toMatchObject({ date: '2023-01-20', time: '14:00', day: 10 })
    expect(map.get('book-rooms')?.date).toBe('2023-01-11')
    const moved = computeTimeline(
      template,
      { notified: '2023-01-09' },
      calendar,
      { 'fieldwork-start': { date: '2023-01-30' } },
      local,
    )
    expect(byId(moved).get('rehearse')?.date).toBe('2023-01-27')
  })

  it('refuses a notification date that is not a working day, with a clear reason', () => {
    expect(() => computeTimeline(template, { notified: '2023-01-08' }, calendar)).toThrow(
      'The notification date 2023-01-08 is not a working day (a weekend), so inspection days cannot be counted from it.',
    )
    try {
      computeTimeline(template, { notified: '2023-05-08' }, calendar)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(TimelineError)
      expect((error as TimelineError).code).toBe('not-a-working-day')
      expect((error as TimelineError).message).toMatch(/coronation/)
    }
    expect(() => computeTimeline(template, { notified: '2023-02-29' }, calendar)).toThrow(/not a real date/)
    expect(() => computeTimeline(template, { notified: '2023-01-09', notifiedTime: '9.30' }, calendar)).toThrow(
      /not a time/,
    )
  })

  it('refuses overrides and local tasks that do not fit the template', () => {
    expect(() =>
      computeTimeline(template, { notified: '2023-01-09' }, calendar, { nope: { date: '2023-01-10' } }),
    ).toThrow('There is no milestone "nope" to move.')
    const clash: MilestoneTemplate = {
      id: 'audit-day',
      title: 'x',
      description: '',
      ownerRole: 'contributor',
      anchor: { kind: 'day', day: 2 },
    }
    expect(() => computeTimeline(template, { notified: '2023-01-09' }, calendar, {}, [clash])).toThrow(
      /"audit-day" is used twice/,
    )
    const loop: MilestoneTemplate[] = [
      {
        id: 'a',
        title: 'A',
        description: '',
        ownerRole: 'contributor',
        anchor: { kind: 'after', milestone: 'b', workingDays: 1 },
      },
      {
        id: 'b',
        title: 'B',
        description: '',
        ownerRole: 'contributor',
        anchor: { kind: 'after', milestone: 'a', workingDays: 1 },
      },
    ]
    expect(() => computeTimeline(template, { notified: '2023-01-09' }, calendar, {}, loop)).toThrow(/loop: a → b → a/)
  })

  it('describes anchors in words', () => {
    const titles = (id: string) => (id === 'fieldwork-end' ? 'Fieldwork ends' : undefined)
    expect(describeAnchor({ kind: 'day', day: 4 }, titles)).toBe('Day 4')
    expect(describeAnchor({ kind: 'after', milestone: 'fieldwork-end', workingDays: 15 }, titles)).toBe(
      '15 working days after Fieldwork ends',
    )
    expect(describeAnchor({ kind: 'after', milestone: 'x', workingDays: -1 }, titles)).toBe('1 working day before x')
    expect(describeAnchor({ kind: 'after', milestone: 'fieldwork-end', workingDays: 0 }, titles)).toBe(
      'Same day as Fieldwork ends',
    )
  })

  describe('properties', () => {
    const workingNotification = fc
      .integer({ min: toDayNumber('2015-01-01'), max: toDayNumber('2030-12-31') })
      .map(fromDayNumber)
      .map((d) => calendar.workingDayOnOrAfter(d))
    const anchored = template.milestones.flatMap((m) =>
      m.anchor.kind === 'after' ? [{ id: m.id, anchor: m.anchor }] : [],
    )

    it('puts every computed milestone on a working day', () => {
      fc.assert(
        fc.property(workingNotification, (notified) => {
          for (const m of computeTimeline(template, { notified }, calendar))
            expect(calendar.isWorkingDay(m.date)).toBe(true)
        }),
        { numRuns: 200 },
      )
    })

    it('never puts an anchored milestone before its anchor, even after an override', () => {
      const overrideTarget = fc.constantFrom(...template.milestones.map((m) => m.id))
      const shift = fc.integer({ min: -10, max: 30 })
      fc.assert(
        fc.property(workingNotification, overrideTarget, shift, (notified, target, by) => {
          const plain = byId(computeTimeline(template, { notified }, calendar))
          const original = plain.get(target)?.date ?? notified
          const overrides = { [target]: { date: calendar.addWorkingDays(original, by) } }
          const map = byId(computeTimeline(template, { notified }, calendar, overrides))
          for (const { id, anchor } of anchored) {
            if (id === target) continue
            const own = map.get(id)?.date ?? ''
            const base = map.get(anchor.milestone)?.date ?? ''
            if (anchor.workingDays > 0) expect(own > base).toBe(true)
            if (anchor.workingDays === 0) expect(own >= base).toBe(true)
            expect(calendar.workingDaysBetween(base, own)).toBe(anchor.workingDays)
          }
        }),
        { numRuns: 200 },
      )
    })

    it('numbers days 1..15 in date order up to the end of fieldwork', () => {
      fc.assert(
        fc.property(workingNotification, (notified) => {
          const timeline = computeTimeline(template, { notified }, calendar)
          const numbered = timeline.filter((m) => m.day !== null)
          expect(numbered.map((m) => m.day)).toEqual(
            [...numbered.map((m) => m.day)].sort((a, b) => (a ?? 0) - (b ?? 0)),
          )
          expect(byId(timeline).get('fieldwork-end')?.day).toBe(15)
          expect(byId(timeline).get('fieldwork-start')?.day).toBe(11)
          expect(
            timeline
              .filter((m) => m.date > (byId(timeline).get('fieldwork-end')?.date ?? ''))
              .every((m) => m.day === null),
          ).toBe(true)
        }),
        { numRuns: 100 },
      )
    })
  })
})
