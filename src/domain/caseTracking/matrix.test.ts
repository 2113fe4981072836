import { describe, expect, it } from 'vitest'
import { agencyProgress, countdown, isLate, knownCounts, returnStatus, type MatrixAnswer } from './matrix'

const answer = (childId: string, agencyId: string, known: MatrixAnswer['known']): MatrixAnswer => ({
  childId,
  agencyId,
  known,
  late: false,
})

describe('knownCounts', () => {
  it('counts children known to 0, 1, 2 and 3 or more agencies (Yes only)', () => {
    const children = ['c1', 'c2', 'c3', 'c4', 'c5']
    const answers = [
      answer('c1', 'police', 'no'),
      answer('c1', 'health', 'checking'),
      answer('c2', 'police', 'yes'),
      answer('c2', 'health', 'no'),
      answer('c3', 'police', 'yes'),
      answer('c3', 'health', 'yes'),
      answer('c4', 'police', 'yes'),
      answer('c4', 'health', 'yes'),
      answer('c4', 'school', 'yes'),
      answer('c4', 'yjs', 'yes'),
    ]
    expect(knownCounts(children, answers)).toEqual({ none: 2, one: 1, two: 1, threeOrMore: 1 })
  })

  it('ignores answers about children not in the selection, and counts an agency once per child', () => {
    expect(
      knownCounts(
        ['c1'],
        [answer('gone', 'police', 'yes'), answer('c1', 'police', 'yes'), answer('c1', 'police', 'yes')],
      ),
    ).toEqual({ none: 0, one: 1, two: 0, threeOrMore: 0 })
  })

  it('is all zeros for no children', () => {
    expect(knownCounts([], [])).toEqual({ none: 0, one: 0, two: 0, threeOrMore: 0 })
  })
})

describe('returnStatus and agencyProgress', () => {
  it('submitted, submitted late, in progress once anyone answers, else not started', () => {
    const at = new Date('2026-03-05T11:00:00Z')
    expect(returnStatus({ agencyId: 'a', submittedAt: at, late: false }, 3)).toBe('submitted')
    expect(returnStatus({ agencyId: 'a', submittedAt: at, late: true }, 3)).toBe('submitted-late')
    expect(returnStatus({ agencyId: 'a', submittedAt: null, late: false }, 1)).toBe('in-progress')
    expect(returnStatus(undefined, 0)).toBe('not-started')
    // A chase makes a return row with nothing answered: still not started.
    expect(returnStatus({ agencyId: 'a', submittedAt: null, late: false }, 0)).toBe('not-started')
  })

  it('counts each agency’s answers, Yes and still checking, over the selected children only', () => {
    const progress = agencyProgress(
      ['police', 'health'],
      ['c1', 'c2'],
      [answer('c1', 'police', 'yes'), answer('c2', 'police', 'checking'), answer('old', 'health', 'yes')],
      [{ agencyId: 'police', submittedAt: null, late: false }],
    )
    expect(progress).toEqual([
      { agencyId: 'police', answered: 2, known: 1, checking: 1, status: 'in-progress' },
      { agencyId: 'health', answered: 0, known: 0, checking: 0, status: 'not-started' },
    ])
  })
})

describe('countdown', () => {
  const due = new Date('2026-03-05T12:00:00Z')
  const at = (iso: string) => countdown(new Date(iso), due)

  it('says how long is left', () => {
    expect(at('2026-03-05T10:40:00Z')).toEqual({ passed: false, text: '1 hour 20 minutes left' })
    expect(at('2026-03-05T10:00:00Z')).toEqual({ passed: false, text: '2 hours left' })
    expect(at('2026-03-05T11:59:00Z')).toEqual({ passed: false, text: '1 minute left' })
    expect(at('2026-03-05T11:59:30Z')).toEqual({ passed: false, text: 'Less than a minute left' })
    expect(at('2026-03-04T09:00:00Z')).toEqual({ passed: false, text: '1 day 3 hours left' })
  })

  it('says how long ago the deadline passed', () => {
    expect(at('2026-03-05T12:10:00Z')).toEqual({ passed: true, text: 'Deadline passed 10 minutes ago' })
    expect(at('2026-03-05T12:00:00Z')).toEqual({ passed: true, text: 'Deadline passed just now' })
    expect(at('2026-03-05T14:05:00Z')).toEqual({ passed: true, text: 'Deadline passed 2 hours 5 minutes ago' })
  })
})

describe('isLate', () => {
  it('is late only after the deadline', () => {
    const due = new Date('2026-03-05T12:00:00Z')
    expect(isLate(new Date('2026-03-05T12:00:00Z'), due)).toBe(false)
    expect(isLate(new Date('2026-03-05T12:00:01Z'), due)).toBe(true)
    expect(isLate(new Date('2026-03-05T12:00:01Z'), null)).toBe(false)
  })
})
