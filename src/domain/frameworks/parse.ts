import { parse as parseYaml } from 'yaml'
import { normaliseHeader, slugify } from '../annexA/normaliseText'
import { checkTimelineReferences, formatPath } from '../timeline/template'
import { describeZodIssue } from './describeIssue'
import { frameworkSchema, type Framework } from './schema'

/** One thing wrong with a framework file, precise enough for an administrator to fix it. */
export interface FrameworkProblem {
  /** The file (or other source) name. */
  source: string
  /** Where in the file, e.g. `timeline.milestones[3].anchor.milestone`; empty for the whole file. */
  path: string
  message: string
}

/** The framework, or every problem found in it. */
export type FrameworkParseResult = { ok: true; framework: Framework } | { ok: false; errors: FrameworkProblem[] }

/** "front-door.json: timeline.milestones[3].anchor.milestone: refers to a milestone …". */
export function formatFrameworkProblem(problem: FrameworkProblem): string {
  return problem.path ? `${problem.source}: ${problem.path}: ${problem.message}` : `${problem.source}: ${problem.message}`
}

/**
 * Reads a framework from JSON (or YAML when `sourceName` ends .yaml/.yml) and checks it: shape
 * and types, unique ids, timeline anchors that exist and form no loop, and agency types that are
 * in scope. Never throws for bad content.
 */
export function parseFramework(text: string, sourceName: string): FrameworkParseResult {
  const problem = (path: string, message: string): FrameworkProblem => ({ source: sourceName, path, message })
  let data: unknown
  try {
    data = /\.ya?ml$/i.test(sourceName) ? parseYaml(text) : JSON.parse(text)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { ok: false, errors: [problem('', `is not valid ${/\.ya?ml$/i.test(sourceName) ? 'YAML' : 'JSON'} (${detail})`)] }
  }
  const parsed = frameworkSchema.safeParse(data)
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((issue) => problem(formatPath(issue.path), describeZodIssue(issue, data))) }
  }
  const errors = checkFramework(parsed.data).map((p) => problem(formatPath(p.path), p.message))
  return errors.length ? { ok: false, errors } : { ok: true, framework: parsed.data }
}

interface PathProblem {
  path: (string | number)[]
  message: string
}

function checkFramework(framework: Framework): PathProblem[] {
  const problems: PathProblem[] = []
  const unique = (label: string, entries: { id: string; path: (string | number)[] }[]) => {
    const seen = new Map<string, string>()
    for (const entry of entries) {
      const earlier = seen.get(entry.id)
      if (earlier !== undefined) problems.push({ path: entry.path, message: `the ${label} id "${entry.id}" is used twice (also at ${earlier})` })
      else seen.set(entry.id, formatPath(entry.path))
    }
  }
  unique('criteria group', framework.criteriaGroups.map((g, i) => ({ id: g.id, path: ['criteriaGroups', i, 'id'] })))
  unique(
    'criterion',
    framework.criteriaGroups.flatMap((g, i) => g.criteria.map((c, j) => ({ id: c.id, path: ['criteriaGroups', i, 'criteria', j, 'id'] }))),
  )
  unique('document', framework.requiredDocuments.map((d, i) => ({ id: d.id, path: ['requiredDocuments', i, 'id'] })))

  const inScope = new Set(framework.agenciesInScope)
  framework.requiredDocuments.forEach((d, i) => {
    if (!inScope.has(d.agencyType)) problems.push({ path: ['requiredDocuments', i, 'agencyType'], message: `"${d.agencyType}" is not in agenciesInScope` })
  })
  framework.caseRecords.forEach((r, i) => {
    if (!inScope.has(r.agencyType)) problems.push({ path: ['caseRecords', i, 'agencyType'], message: `"${r.agencyType}" is not in agenciesInScope` })
  })
  if (framework.selection.audited.max > framework.selection.children.max) {
    problems.push({ path: ['selection', 'audited', 'max'], message: 'should not be more than the number of children selected' })
  }
  for (const p of checkTimelineReferences(framework.timeline)) problems.push({ path: ['timeline', ...p.path], message: p.message })
  problems.push(...checkThemeLists(framework.annexAThemeLists ?? []))
  problems.push(...checkAnnexARequest(framework))
  return problems
}

/**
 * The lists an inspection asks for exist (an ILACS "List 1" to "List 11" or one of the framework's theme
 * lists), each once; one theme cohort at most, its flag a column of that theme list; the milestone is
 * one of the timeline's.
 */
function checkAnnexARequest(framework: Framework): PathProblem[] {
  const request = framework.annexA
  if (!request) return []
  const problems: PathProblem[] = []
  const themeLists = new Map<string, NonNullable<Framework['annexAThemeLists']>[number]['lists'][string]>()
  for (const file of framework.annexAThemeLists ?? []) for (const [key, list] of Object.entries(file.lists)) themeLists.set(key, list)
  const seen = new Set<string>()
  let cohorts = 0
  request.requiredLists.forEach((entry, i) => {
    const at = (...rest: (string | number)[]) => ['annexA', 'requiredLists', i, ...rest]
    const ilacs = /^List (\d+)$/.exec(entry.list)
    const theme = themeLists.get(entry.list)
    if (!theme && !(ilacs && Number(ilacs[1]) >= 1 && Number(ilacs[1]) <= 11))
      problems.push({ path: at('list'), message: `"${entry.list}" is neither an ILACS list ("List 1" to "List 11") nor a list in annexAThemeLists` })
    if (seen.has(entry.list)) problems.push({ path: at('list'), message: `"${entry.list}" is asked for twice` })
    seen.add(entry.list)
    if (entry.themeCohort) cohorts++
    if (entry.flagColumn !== undefined) {
      if (!entry.themeCohort) problems.push({ path: at('flagColumn'), message: 'is only for the theme cohort (themeCohort: true)' })
      else if (!theme) problems.push({ path: at('flagColumn'), message: 'is only checked on a theme list: the cohort must be one of annexAThemeLists' })
      else {
        const column = theme.columns.find((c) => normaliseHeader(c.name) === normaliseHeader(entry.flagColumn!) || c.id === entry.flagColumn)
        if (!column) problems.push({ path: at('flagColumn'), message: `refers to the column "${entry.flagColumn}", which "${entry.list}" does not have` })
        else if (!column.required) problems.push({ path: at('flagColumn'), message: `should name a required column: "${column.name}" may be left blank` })
      }
    }
  })
  if (cohorts > 1) problems.push({ path: ['annexA', 'requiredLists'], message: 'should mark at most one list as the theme cohort' })
  if (request.producedMilestone && !framework.timeline.milestones.some((m) => m.id === request.producedMilestone))
    problems.push({ path: ['annexA', 'producedMilestone'], message: `refers to the milestone "${request.producedMilestone}", which the timeline does not have` })
  return problems
}

/**
 * What the Annex A list schema cannot check in a theme list: it is not named like a numbered ILACS
 * list (theme lists have no number), its column ids are unique, and every rule names one of its columns.
 * Code lists not defined in the file are the ILACS ones, checked when the library is built.
 */
function checkThemeLists(themeLists: NonNullable<Framework['annexAThemeLists']>): PathProblem[] {
  const problems: PathProblem[] = []
  themeLists.forEach((file, i) => {
    for (const [key, list] of Object.entries(file.lists)) {
      const at = (...rest: (string | number)[]) => ['annexAThemeLists', i, 'lists', key, ...rest]
      if (/^list\s*\d+$/i.test(key.trim())) problems.push({ path: at(), message: 'should not be named like a numbered ILACS list: theme lists are named by their title' })
      const ids = new Map<string, number>()
      list.columns.forEach((c, j) => {
        const id = c.id ?? slugify(c.name)
        const earlier = ids.get(id)
        if (earlier !== undefined) problems.push({ path: at('columns', j, 'name'), message: `gives the column id "${id}", already used by columns[${earlier}]` })
        else ids.set(id, j)
      })
      const known = (ref: string) => list.columns.some((c) => (c.id ?? slugify(c.name)) === ref || normaliseHeader(c.name) === normaliseHeader(ref))
      const checkRef = (ref: string, path: (string | number)[]) => {
        if (!known(ref)) problems.push({ path: at(...path), message: `refers to the column "${ref}", which this list does not have` })
      }
      list.period?.event_columns.forEach((ref, j) => checkRef(ref, ['period', 'event_columns', j]))
      list.period?.open_when_blank.forEach((ref, j) => checkRef(ref, ['period', 'open_when_blank', j]))
      list.date_order?.forEach((pair, j) => pair.forEach((ref, k) => checkRef(ref, ['date_order', j, k])))
      if (typeof list.child_id_column === 'string') checkRef(list.child_id_column, ['child_id_column'])
    }
  })
  return problems
}
