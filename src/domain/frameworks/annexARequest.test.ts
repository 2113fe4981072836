import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../../features/frameworks/loadDirectory'
import { formatFrameworkProblem, parseFramework } from './parse'

const ceText = await readFile(join(bundledFrameworksDirectory(), 'criminal-exploitation.json'), 'utf8')

/** The criminal exploitation framework with one change to its Annex A request, as problems found. */
function problemsWith(change: (f: { annexA: { requiredLists: Record<string, unknown>[]; producedMilestone?: string } }) => void): string[] {
  const data = JSON.parse(ceText)
  change(data)
  const result = parseFramework(JSON.stringify(data), 'criminal-exploitation.json')
  return result.ok ? [] : result.errors.map(formatFrameworkProblem)
}

describe('the Annex A lists a framework asks for', () => {
  it('every bundled framework asks for referrals, section 47 enquiries and children not in full-time education, and marks "Annex A lists produced"', async () => {
    const { frameworks, errors } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    expect(errors).toEqual([])
    expect(frameworks).toHaveLength(6)
    for (const f of frameworks) {
      const lists = f.annexA?.requiredLists.map((r) => r.list)
      expect(lists).toEqual(expect.arrayContaining(['List 3', 'List 5', 'School-age children not in full-time education']))
      expect(f.annexA?.producedMilestone).toBe('annex-a-produced')
      const themeLists = (f.annexAThemeLists ?? []).flatMap((t) => Object.keys(t.lists))
      expect(themeLists).toContain('School-age children not in full-time education')
    }
  })

  it('names the theme cohort and its flag column in each thematic framework (the front door has none)', async () => {
    const { frameworks } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    const cohorts = Object.fromEntries(
      frameworks.map((f) => {
        const cohort = f.annexA?.requiredLists.find((r) => r.themeCohort)
        return [f.id, cohort ? [cohort.list, cohort.flagColumn ?? null] : null]
      }),
    )
    expect(cohorts).toEqual({
      'criminal-exploitation': ['Children at risk of criminal exploitation', 'Risk type'],
      'csa-family': ['Children at risk of sexual abuse in the family', 'Type of concern'],
      'domestic-abuse': ['Children who are victims of domestic abuse', 'Domestic abuse concern'],
      'early-help': ['List 2', null],
      'front-door': null,
      'serious-youth-violence': ['Children involved in serious youth violence', 'Involvement in serious youth violence'],
    })
  })

  it('refuses a list that is neither ILACS nor a theme list, a list asked for twice, and two cohorts', () => {
    expect(
      problemsWith((f) => {
        f.annexA.requiredLists.push({ list: 'List 12' }, { list: 'List 3' }, { list: 'List 2', themeCohort: true })
      }),
    ).toEqual([
      'criminal-exploitation.json: annexA.requiredLists[4].list: "List 12" is neither an ILACS list ("List 1" to "List 11") nor a list in annexAThemeLists',
      'criminal-exploitation.json: annexA.requiredLists[5].list: "List 3" is asked for twice',
      'criminal-exploitation.json: annexA.requiredLists: should mark at most one list as the theme cohort',
    ])
  })

  it('refuses a flag column the cohort does not have, one that may be blank, or a flag on a list that is not the cohort', () => {
    const cohort = (f: { annexA: { requiredLists: Record<string, unknown>[] } }) =>
      f.annexA.requiredLists.find((r) => r.themeCohort)!
    expect(problemsWith((f) => void (cohort(f).flagColumn = 'Gang name'))).toEqual([
      'criminal-exploitation.json: annexA.requiredLists[3].flagColumn: refers to the column "Gang name", which "Children at risk of criminal exploitation" does not have',
    ])
    expect(problemsWith((f) => void (cohort(f).flagColumn = 'Date risk ended'))).toEqual([
      'criminal-exploitation.json: annexA.requiredLists[3].flagColumn: should name a required column: "Date risk ended" may be left blank',
    ])
    expect(problemsWith((f) => void (f.annexA.requiredLists[0]!.flagColumn = 'Referral Source'))).toEqual([
      'criminal-exploitation.json: annexA.requiredLists[0].flagColumn: is only for the theme cohort (themeCohort: true)',
    ])
  })

  it('refuses a milestone the timeline does not have, and an unknown field', () => {
    expect(problemsWith((f) => void (f.annexA.producedMilestone = 'annex-a-finished'))).toEqual([
      'criminal-exploitation.json: annexA.producedMilestone: refers to the milestone "annex-a-finished", which the timeline does not have',
    ])
    expect(problemsWith((f) => void ((f.annexA as Record<string, unknown>).lists = []))).toHaveLength(1)
  })
})
