import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar'
import { DEFAULT_WORKING_HOURS, returnDeadline, workingHoursProblem } from './deadline'

const calendar = WorkingDayCalendar.bundled()
const due = (released: string, hours = 2, wh = DEFAULT_WORKING_HOURS, cal = calendar) =>
  returnDeadline(new Date(released), hours, wh, cal).toISOString()

describe('returnDeadline', () => {
  it('counts within the working day', () => {
    // Tuesday 10 March 2026, GMT.
    expect(due('2026-03-10T10:15:30Z')).toBe('2026-03-10T12:15:30.000Z')
    expect(due('2026-03-10T15:00:00Z')).toBe('2026-03-10T17:00:00.000Z')
  })

  it('carries what is left past the day’s end to the next working day: 16:30 with 2 hours is 10:30', () => {
    expect(due('2026-03-10T16:30:00Z')).toBe('2026-03-11T10:30:00.000Z')
  })

  it('counts from the start of the day when released before it, and from the next day after it ends', () => {
    expect(due('2026-03-10T07:45:00Z')).toBe('2026-03-10T11:00:00.000Z')
    expect(due('2026-03-10T17:00:00Z')).toBe('2026-03-11T11:00:00.000Z')
    expect(due('2026-03-10T22:10:00Z')).toBe('2026-03-11T11:00:00.000Z')
  })

  it('skips a weekend', () => {
    // Friday 13 March 2026 at 16:00: one hour on Friday, one on Monday 16 March.
    expect(due('2026-03-13T16:00:00Z')).toBe('2026-03-16T10:00:00.000Z')
    // Released on Saturday: from Monday's start.
    expect(due('2026-03-14T11:00:00Z')).toBe('2026-03-16T11:00:00.000Z')
  })

  it('skips a bank holiday', () => {
    // Thursday 2 April 2026 at 16:30 (BST): Good Friday 3 April and Easter Monday 6 April are holidays.
    expect(due('2026-04-02T15:30:00Z')).toBe('2026-04-07T09:30:00.000Z')
    // Released on Easter Monday itself.
    expect(due('2026-04-06T10:00:00Z')).toBe('2026-04-07T10:00:00.000Z')
  })

  it('skips a closure day', () => {
    const withClosure = new WorkingDayCalendar({ closures: [{ date: '2026-03-11', title: 'Staff training' }] })
    expect(due('2026-03-10T16:30:00Z', 2, DEFAULT_WORKING_HOURS, withClosure)).toBe('2026-03-12T10:30:00.000Z')
  })

  it('keeps to UK clocks across the change to British Summer Time and back', () => {
    // Friday 27 March 2026 16:30 GMT; clocks go forward on Sunday 29 March: 10:30 BST on Monday is 09:30 UTC.
    expect(due('2026-03-27T16:30:00Z')).toBe('2026-03-30T09:30:00.000Z')
    // Friday 23 October 2026 16:30 BST (15:30 UTC); clocks go back on 25 October: 10:30 GMT on Monday.
    expect(due('2026-10-23T15:30:00Z')).toBe('2026-10-26T10:30:00.000Z')
    // In summer 09:00 is 08:00 UTC: released at 07:30 UTC (08:30 BST), due at 11:00 BST.
    expect(due('2026-07-07T07:30:00Z')).toBe('2026-07-07T10:00:00.000Z')
  })

  it('spans several working days with the partnership’s own hours', () => {
    // 08:00 to 16:00; released Wednesday 11 March 2026 at 12:00 with 24 hours: 4 + 8 + 8 + 4 (Monday).
    expect(due('2026-03-11T12:00:00Z', 24, { dayStarts: '08:00', dayEnds: '16:00' })).toBe('2026-03-16T12:00:00.000Z')
  })

  it('refuses hours and working days that cannot be counted', () => {
    expect(() => due('2026-03-10T10:00:00Z', 0)).toThrow(RangeError)
    expect(() => due('2026-03-10T10:00:00Z', 25)).toThrow(RangeError)
    expect(() => due('2026-03-10T10:00:00Z', 2, { dayStarts: '17:00', dayEnds: '09:00' })).toThrow(RangeError)
    expect(workingHoursProblem({ dayStarts: '9am', dayEnds: '17:00' })).toBe('Enter times like 09:00 and 17:00')
    expect(workingHoursProblem({ dayStarts: '09:00', dayEnds: '09:00' })).toBe(
      'The working day must end after it starts',
    )
    expect(workingHoursProblem({ dayStarts: '09:00', dayEnds: '17:30' })).toBeNull()
  })
})
