import { describe, expect, it } from 'vitest'
import { SAMPLE_NOTIFIED, SAMPLE_WORKBOOK } from './samples'
import { validateAnnexAFile } from './validateAnnexAFile'

const NFTE = 'School-age children not in full-time education'

describe('checking the lists an inspection asks for', async () => {
  const asked = await validateAnnexAFile(SAMPLE_WORKBOOK, {
    notified: SAMPLE_NOTIFIED,
    requiredLists: ['List 3', 'List 5', NFTE],
  })
  const ilacs = await validateAnnexAFile(SAMPLE_WORKBOOK, { notified: SAMPLE_NOTIFIED })

  it('checks only the lists asked for', () => {
    expect(asked.lists.map((l) => l.list)).toEqual(['List 3', 'List 5'])
    expect(new Set(asked.rows.map((r) => r.list))).toEqual(new Set(['List 3', 'List 5']))
    expect(asked.problems.every((p) => p.list === null || p.list === 'List 3' || p.list === 'List 5')).toBe(true)
  })

  it('names the lists asked for but not in the file, and the ones ignored, with their sheets; none is an error', () => {
    expect(asked.requested?.missing).toEqual([{ list: NFTE, title: NFTE }])
    expect(asked.requested?.asked.map((a) => a.title)).toEqual(['Referrals', 'Section 47 enquiries and ICPCs', NFTE])
    expect(asked.requested?.ignored.map((i) => i.list)).toEqual([
      'List 1',
      'List 2',
      'List 4',
      'List 6',
      'List 7',
      'List 8',
      'List 9',
      'List 10',
      'List 11',
    ])
    expect(asked.requested?.ignored[0]).toEqual({ list: 'List 1', title: 'Contacts', sheet: 'List 1' })
    expect(asked.problems.some((p) => p.rule === 'workbook.list-missing' || p.rule === 'workbook.no-lists')).toBe(false)
  })

  it('without an inspection, checks every list as before (ILACS lists 1–11)', () => {
    expect(ilacs.requested).toBeUndefined()
    expect(ilacs.lists).toHaveLength(11)
    expect(ilacs.rows.some((r) => r.list === 'List 1')).toBe(true)
  })

  it('a workbook with none of the lists asked for says which were asked for', async () => {
    const none = await validateAnnexAFile(SAMPLE_WORKBOOK, { notified: SAMPLE_NOTIFIED, requiredLists: [NFTE] })
    expect(none.lists).toEqual([])
    expect(none.problems.find((p) => p.rule === 'workbook.no-lists')?.message).toContain(
      `None of the lists this inspection's framework asks for (${NFTE}) was found`,
    )
  })
})
