import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar'
import {
  approvalWaitingAt,
  digestSlot,
  digestSlotToday,
  overdueAt,
  reviewWarningAt,
  reviewWarningDue,
  taskReminderTimes,
  taskRemindersDue,
} from './schedule'
import { DEFAULT_REMINDER_SETTINGS, type ReminderSettings } from './settings'

// March 2026: Monday 2 to Friday 6, the weekend, Monday 9, Tuesday 10. British Summer Time starts on
// Sunday 29 March. Easter 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays.
const calendar = WorkingDayCalendar.bundled()
// The partnership's closure day: Monday 9 March 2026.
const withClosure = new WorkingDayCalendar({ closures: [{ date: '2026-03-09', title: 'Office move' }] })
const settings: ReminderSettings = { ...DEFAULT_REMINDER_SETTINGS }

const iso = (d: Date) => d.toISOString()
const times = (cal: WorkingDayCalendar, due: { date: string; time: string | null }, s = settings) =>
  taskReminderTimes(cal, s, due).map((r) => [r.stage, iso(r.firesAt)])
const dueAt = (cal: WorkingDayCalendar, due: { date: string; time: string | null }, now: string, s = settings) =>
  taskRemindersDue(cal, s, due, new Date(now)).map((r) => r.stage)

describe('task reminder times', () => {
  it('counts the days before across a weekend, at 09:00 on UK clocks (GMT in early March)', () => {
    expect(times(calendar, { date: '2026-03-10', time: null })).toEqual([
      ['before-2', '2026-03-06T09:00:00.000Z'], // Friday: Saturday and Sunday are not working days
      ['on-the-day', '2026-03-10T09:00:00.000Z'],
      ['overdue', '2026-03-11T09:00:00.000Z'], // a date-only task: the next working day at the reminder time
    ])
  })

  it('skips a closure day of the partnership', () => {
    expect(times(withClosure, { date: '2026-03-10', time: null })[0]).toEqual(['before-2', '2026-03-05T09:00:00.000Z'])
    // Due the Friday before the closure day: overdue on Tuesday, not Monday.
    expect(iso(overdueAt(withClosure, settings, { date: '2026-03-06', time: null }))).toBe('2026-03-10T09:00:00.000Z')
  })

  it('skips the Easter bank holidays and keeps 09:00 in British Summer Time (08:00 UTC)', () => {
    expect(times(calendar, { date: '2026-04-07', time: null })).toEqual([
      ['before-2', '2026-04-01T08:00:00.000Z'], // Wednesday: Good Friday and Easter Monday skipped
      ['on-the-day', '2026-04-07T08:00:00.000Z'],
      ['overdue', '2026-04-08T08:00:00.000Z'],
    ])
    // Due on the Thursday before Easter: overdue on the Tuesday after.
    expect(iso(overdueAt(calendar, settings, { date: '2026-04-02', time: null }))).toBe('2026-04-07T08:00:00.000Z')
  })

  it('crosses the change to British Summer Time', () => {
    expect(times(calendar, { date: '2026-03-30', time: '17:00' })).toEqual([
      ['before-2', '2026-03-26T09:00:00.000Z'], // Thursday, GMT
      ['on-the-day', '2026-03-30T08:00:00.000Z'], // Monday, BST
      ['within-2-hours', '2026-03-30T14:00:00.000Z'],
      ['overdue', '2026-03-30T16:00:00.000Z'], // a timed task: the moment its time passes
    ])
  })

  it('has no reminder on the day when a timed deadline comes before the reminder time', () => {
    expect(times(calendar, { date: '2026-03-04', time: '08:30' }).map(([stage]) => stage)).toEqual([
      'before-2',
      'within-2-hours',
      'overdue',
    ])
  })

  it('talks about a deadline on a weekend on the working day before', () => {
    expect(times(calendar, { date: '2026-03-07', time: null }).slice(0, 2)).toEqual([
      ['before-2', '2026-03-05T09:00:00.000Z'],
      ['on-the-day', '2026-03-06T09:00:00.000Z'],
    ])
  })

  it('follows the settings: days before, on the day, overdue and the time', () => {
    const quiet: ReminderSettings = { ...settings, daysBefore: 0, remindOnTheDay: false, remindOverdue: false }
    expect(times(calendar, { date: '2026-03-10', time: null }, quiet)).toEqual([])
    // "Due within 2 hours" is critical: it goes whatever the settings.
    expect(times(calendar, { date: '2026-03-10', time: '12:00' }, quiet)).toEqual([
      ['within-2-hours', '2026-03-10T10:00:00.000Z'],
    ])
    const early: ReminderSettings = { ...settings, daysBefore: 5, reminderTime: '07:30' }
    expect(times(calendar, { date: '2026-03-10', time: null }, early).slice(0, 2)).toEqual([
      ['before-5', '2026-03-03T07:30:00.000Z'],
      ['on-the-day', '2026-03-10T07:30:00.000Z'],
    ])
  })
})

describe('which task reminders apply now', () => {
  const dateOnly = { date: '2026-03-10', time: null }
  const timed = { date: '2026-03-10', time: '17:00' }

  it('gives nothing before the first reminder, then only the latest of before, on the day and overdue', () => {
    expect(dueAt(calendar, dateOnly, '2026-03-06T08:59:00Z')).toEqual([])
    expect(dueAt(calendar, dateOnly, '2026-03-06T09:00:00Z')).toEqual(['before-2'])
    expect(dueAt(calendar, dateOnly, '2026-03-09T12:00:00Z')).toEqual(['before-2']) // still, on Monday
    expect(dueAt(calendar, dateOnly, '2026-03-10T09:00:00Z')).toEqual(['on-the-day'])
    expect(dueAt(calendar, dateOnly, '2026-03-10T23:00:00Z')).toEqual(['on-the-day']) // not overdue the same evening
    expect(dueAt(calendar, dateOnly, '2026-03-11T09:00:00Z')).toEqual(['overdue'])
    expect(dueAt(calendar, dateOnly, '2026-03-12T16:00:00Z')).toEqual(['overdue']) // fired on the previous working day
  })

  it('does not send a reminder that fired before the previous working day: a deadline weeks past is not news', () => {
    expect(dueAt(calendar, dateOnly, '2026-03-13T09:00:00Z')).toEqual([])
    expect(dueAt(calendar, dateOnly, '2026-06-01T09:00:00Z')).toEqual([])
    // Over a weekend the previous working day is Friday: Friday's reminder still goes on Monday.
    expect(dueAt(calendar, dateOnly, '2026-03-09T07:00:00Z')).toEqual(['before-2'])
  })

  it('adds "due within 2 hours" in the last two hours of a timed deadline, and overdue once its time passes', () => {
    expect(dueAt(calendar, timed, '2026-03-10T14:59:00Z')).toEqual(['on-the-day'])
    expect(dueAt(calendar, timed, '2026-03-10T15:00:00Z')).toEqual(['on-the-day', 'within-2-hours'])
    expect(dueAt(calendar, timed, '2026-03-10T16:59:59Z')).toEqual(['on-the-day', 'within-2-hours'])
    expect(dueAt(calendar, timed, '2026-03-10T17:00:00Z')).toEqual(['overdue'])
  })

  it('gives the kinds of notification', () => {
    const kinds = (now: string) => taskRemindersDue(calendar, settings, timed, new Date(now)).map((r) => r.kind)
    expect(kinds('2026-03-06T09:00:00Z')).toEqual(['task-due'])
    expect(kinds('2026-03-10T16:00:00Z')).toEqual(['task-due', 'task-due-within-hours'])
    expect(kinds('2026-03-10T17:00:00Z')).toEqual(['task-overdue'])
  })
})

describe('approvals and review dates', () => {
  it('an approval has waited too long a number of working days after its upload, at the time of day it was uploaded', () => {
    // Monday 10:00 with 1 working day allowed: Tuesday 10:00.
    expect(iso(approvalWaitingAt(calendar, settings, new Date('2026-03-02T10:00:00Z')))).toBe(
      '2026-03-03T10:00:00.000Z',
    )
    // Friday: the next working day is Monday; with the closure day, Tuesday.
    expect(iso(approvalWaitingAt(calendar, settings, new Date('2026-03-06T10:00:00Z')))).toBe(
      '2026-03-09T10:00:00.000Z',
    )
    expect(iso(approvalWaitingAt(withClosure, settings, new Date('2026-03-06T10:00:00Z')))).toBe(
      '2026-03-10T10:00:00.000Z',
    )
    // Thursday before Easter, 10:00 BST, 2 working days allowed: Wednesday after Easter, 10:00 BST.
    expect(
      iso(approvalWaitingAt(calendar, { ...settings, approvalWaitDays: 2 }, new Date('2026-04-02T09:00:00Z'))),
    ).toBe('2026-04-08T09:00:00.000Z')
  })

  it('warns of a review date a number of working days before it, until the date has passed', () => {
    const s = { ...settings, reviewWarningDays: 3 }
    // Wednesday 8 April 2026: back over Easter Monday and Good Friday to Wednesday 1 April, 09:00 BST.
    expect(iso(reviewWarningAt(calendar, s, '2026-04-08'))).toBe('2026-04-01T08:00:00.000Z')
    expect(reviewWarningDue(calendar, s, '2026-04-08', new Date('2026-04-01T07:59:00Z'))).toBe(false)
    expect(reviewWarningDue(calendar, s, '2026-04-08', new Date('2026-04-01T08:00:00Z'))).toBe(true)
    expect(reviewWarningDue(calendar, s, '2026-04-08', new Date('2026-04-08T22:00:00Z'))).toBe(true) // 23:00 BST on the day
    expect(reviewWarningDue(calendar, s, '2026-04-08', new Date('2026-04-08T23:00:00Z'))).toBe(false) // the next day
  })
})

describe('the daily summary slot', () => {
  const slot = (cal: WorkingDayCalendar, now: string) => {
    const s = digestSlot(cal, new Date(now))
    return [s.date, iso(s.at)]
  }
  const today = (cal: WorkingDayCalendar, now: string) => digestSlotToday(cal, new Date(now))?.date ?? null

  it('is 08:00 on the latest working day at or before now', () => {
    expect(slot(calendar, '2026-03-04T08:00:00Z')).toEqual(['2026-03-04', '2026-03-04T08:00:00.000Z'])
    expect(slot(calendar, '2026-03-04T07:59:59Z')).toEqual(['2026-03-03', '2026-03-03T08:00:00.000Z'])
    // The weekend and Monday before 08:00 belong to Friday's slot.
    expect(slot(calendar, '2026-03-07T12:00:00Z')).toEqual(['2026-03-06', '2026-03-06T08:00:00.000Z'])
    expect(slot(calendar, '2026-03-09T07:00:00Z')).toEqual(['2026-03-06', '2026-03-06T08:00:00.000Z'])
  })

  it('goes only on a working day: not at a weekend, a bank holiday or a closure day', () => {
    expect(today(calendar, '2026-03-04T08:00:00Z')).toBe('2026-03-04')
    expect(today(calendar, '2026-03-04T07:59:00Z')).toBeNull()
    expect(today(calendar, '2026-03-07T08:00:00Z')).toBeNull() // Saturday
    expect(today(calendar, '2026-04-06T09:00:00Z')).toBeNull() // Easter Monday
    expect(slot(calendar, '2026-04-06T09:00:00Z')).toEqual(['2026-04-02', '2026-04-02T07:00:00.000Z'])
    expect(today(withClosure, '2026-03-09T09:00:00Z')).toBeNull() // the closure day
    expect(today(calendar, '2026-03-09T09:00:00Z')).toBe('2026-03-09')
  })

  it('is at 08:00 British Summer Time in summer (07:00 UTC)', () => {
    expect(today(calendar, '2026-04-07T06:59:00Z')).toBeNull()
    expect(slot(calendar, '2026-04-07T07:00:00Z')).toEqual(['2026-04-07', '2026-04-07T07:00:00.000Z'])
  })
})
