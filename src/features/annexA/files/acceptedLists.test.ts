import { describe, expect, it } from 'vitest'
import { CLEAN_NOTIFIED, list6Rows, list7Rows } from '../../../../test/fixtures/annex-a/cleanLists'
import type { AcceptedChild } from '../../../domain/annexA/crossListChecks'
import { writeTempCsv } from '../../../../test/support/annexA'
import { validateAnnexAFile } from './validateAnnexAFile'
import { validateInWorker } from './validateInWorker'

/** List 7 with C1001 (on the clean List 6) and C3003, who is on no List 6. */
function list7WithStranger(): string[][] {
  const [headers, c1001] = list7Rows() as [string[], string[]]
  return [headers, c1001, ['C3003', ...c1001.slice(1)]]
}

const acceptedList6: AcceptedChild[] = [
  { list: 'List 6', childId: 'C1001', dob: '2012-05-14', sex: 'b) Female' },
  { list: 'List 6', childId: 'C1002', dob: '2019-09-03', sex: 'a) Male' },
]

const only = (rule: string, r: Awaited<ReturnType<typeof validateAnnexAFile>>) =>
  r.problems.filter((p) => p.rule === rule)

describe('cross-list rules against the accepted lists', () => {
  it('checks a List 7 uploaded alone against the accepted List 6, naming it', async () => {
    const path = await writeTempCsv('List 7.csv', list7WithStranger())
    const r = await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: acceptedList6 })
    const cp = only('cp.missing-from-cin', r)
    expect(cp.map((p) => [p.list, p.row, p.value, p.column])).toEqual([['List 7', 3, 'C3003', 'Child Unique ID']])
    expect(cp[0]?.message).toContain('not in the accepted List 6 (children in need)')
    expect(r.lists[0]).toMatchObject({ list: 'List 7', rowsWithProblems: 1, queries: 1, errors: 0 })
  })

  it('does not check List 7 when no List 6 is accepted or in the file', async () => {
    const path = await writeTempCsv('List 7.csv', list7WithStranger())
    expect(only('cp.missing-from-cin', await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED }))).toEqual([])
    const otherLists: AcceptedChild[] = [{ list: 'List 3', childId: 'C1001', dob: '2012-05-14', sex: 'b) Female' }]
    expect(
      only(
        'cp.missing-from-cin',
        await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: otherLists }),
      ),
    ).toEqual([])
  })

  it('a list in the file replaces its accepted version', async () => {
    // The accepted List 7 says C1001 was born on another day, but this file's List 7 replaces it.
    const path = await writeTempCsv('List 7.csv', list7Rows())
    const accepted: AcceptedChild[] = [
      ...acceptedList6,
      { list: 'List 7', childId: 'C1001', dob: '2012-05-15', sex: 'a) Male' },
    ]
    const r = await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: accepted })
    expect(r.problems).toEqual([])
    // A file's own List 6 replaces the accepted List 6 for the child protection check too.
    const accepted6WithoutC1001: AcceptedChild[] = [{ list: 'List 6', childId: 'C1002', dob: null, sex: null }]
    const both = await writeTempCsv('List 6.csv', list6Rows())
    const r6 = await validateAnnexAFile(both, { notified: CLEAN_NOTIFIED, acceptedChildren: accepted6WithoutC1001 })
    expect(r6.problems).toEqual([])
  })

  it('a new List 6 alone is checked against the accepted List 7', async () => {
    const path = await writeTempCsv('List 6.csv', list6Rows())
    const accepted: AcceptedChild[] = [
      { list: 'List 7', childId: 'C1001', dob: '2012-05-14', sex: 'b) Female' },
      { list: 'List 7', childId: 'C4004', dob: null, sex: null },
      { list: 'List 7', childId: 'C4004', dob: null, sex: null },
    ]
    const r = await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: accepted })
    const cp = only('cp.missing-from-cin', r)
    expect(cp.map((p) => [p.list, p.row, p.value])).toEqual([['List 6', null, 'C4004']])
    expect(cp[0]?.message).toContain('in the accepted List 7 but not in this List 6')
  })

  it('child.inconsistent-dob and -sex against an accepted list name the list the other value came from', async () => {
    const path = await writeTempCsv('List 7.csv', list7Rows())
    const accepted: AcceptedChild[] = [
      { list: 'List 6', childId: 'C1001', dob: '2012-05-15', sex: 'a) Male' },
      { list: 'List 3', childId: 'C1001', dob: '2012-05-15', sex: 'b) Female' },
    ]
    const r = await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: accepted })
    const [dob] = only('child.inconsistent-dob', r)
    const [sex] = only('child.inconsistent-sex', r)
    expect(dob).toMatchObject({
      list: 'List 7',
      row: 2,
      column: 'Date of Birth',
      value: '14/05/2012',
      severity: 'query',
    })
    expect(dob?.message).toContain(
      'has date of birth 14 May 2012 here but 15 May 2012 in the accepted List 6 and List 3',
    )
    // The 2026 template calls the column "Sex" (same codes, same column id).
    expect(sex).toMatchObject({ list: 'List 7', row: 2, column: 'Sex', value: 'b) Female', severity: 'query' })
    expect(sex?.message).toContain('recorded as Female here but Male in the accepted List 6')
    expect(sex?.message).not.toContain('List 3')
    expect(r.problems).toHaveLength(2)
  })

  it('ignores malformed accepted entries instead of failing', async () => {
    const path = await writeTempCsv('List 7.csv', list7Rows())
    const junk = [
      { list: 'List 6', childId: '', dob: null, sex: null },
      { list: 'List 6', childId: 'C1001', dob: 'not a date', sex: '' },
      null,
    ] as unknown as AcceptedChild[]
    const r = await validateAnnexAFile(path, { notified: CLEAN_NOTIFIED, acceptedChildren: junk })
    expect(r.readable).toBe(true)
    expect(r.problems).toEqual([])
  })

  it('passes the accepted children through the worker thread', async () => {
    const path = await writeTempCsv('List 7.csv', list7WithStranger())
    const r = await validateInWorker(path, { notified: CLEAN_NOTIFIED, acceptedChildren: acceptedList6 })
    expect(only('cp.missing-from-cin', r).map((p) => p.value)).toEqual(['C3003'])
  })
})
