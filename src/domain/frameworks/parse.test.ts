import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../calendar/workingDayCalendar'
import { AGENCY_TYPES } from '../directory'
import { computeTimeline } from '../timeline/compute'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../../features/frameworks/loadDirectory'
import { formatFrameworkProblem, parseFramework } from './parse'

const frontDoorText = await readFile(join(bundledFrameworksDirectory(), 'front-door.json'), 'utf8')

/** The front door framework with one change applied, as text. */
function frontDoorWith(change: (f: Record<string, unknown> & { timeline: { milestones: Record<string, unknown>[] } }) => void): string {
  const data = JSON.parse(frontDoorText)
  change(data)
  return JSON.stringify(data)
}

function messages(text: string, source = 'front-door.json'): string[] {
  const result = parseFramework(text, source)
  return result.ok ? [] : result.errors.map(formatFrameworkProblem)
}

describe('bundled frameworks', () => {
  it('loads all six without problems', async () => {
    const { frameworks, errors } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    expect(errors).toEqual([])
    expect(frameworks.map((f) => f.id)).toEqual([
      'criminal-exploitation', 'csa-family', 'domestic-abuse', 'early-help', 'front-door', 'serious-youth-violence',
    ])
  })

  it('carry the facts from the domain reference', async () => {
    const { frameworks } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    const byId = new Map(frameworks.map((f) => [f.id, f]))
    const fd = byId.get('front-door')
    expect(fd?.criteriaGroups.flatMap((g) => g.criteria.map((c) => c.id))).toEqual(['fd-1', 'fd-2', 'fd-3', 'fd-4', 'fd-5', 'fd-6'])
    expect(fd?.inspectorates).toHaveLength(3)
    const eh = byId.get('early-help')
    expect(eh?.criteriaGroups.flatMap((g) => g.criteria)).toHaveLength(7)
    const syv = byId.get('serious-youth-violence')
    expect(syv?.inspectorates).toContain('HM Inspectorate of Probation (HMIP)')
    expect(syv?.inspectionTeam.reduce((n, m) => n + m.count, 0)).toBe(13)
    for (const f of frameworks) {
      expect(f.selection).toEqual({ children: { min: 20, max: 30 }, audited: { min: 5, max: 7 } })
      expect(f.caseRecords.find((r) => r.agencyType === 'health-provider')?.seenOnSiteOnly).toBe(true)
      expect(f.requiredDocuments.map((d) => d.id)).toEqual(expect.arrayContaining(['masa-arrangements', 'masa-yearly-report', 'threshold-document']))
      for (const a of f.agenciesInScope) expect(AGENCY_TYPES).toContain(a)
      const timeline = computeTimeline(f.timeline, { notified: '2023-01-09' }, WorkingDayCalendar.bundled())
      expect(timeline.find((m) => m.id === 'fieldwork-start')).toMatchObject({ date: '2023-01-23', day: 11 })
      const ids = f.timeline.milestones.map((m) => m.id)
      expect(ids).toEqual(expect.arrayContaining([
        'notification', 'set-up-meeting', 'annex-a-due', 'children-selected', 'agency-returns-due', 'audit-children-selected',
        'audit-tools-sent', 'audit-returns-due', 'audit-day', 'documents-due', 'audit-report-drafted', 'audit-report-due',
        'fieldwork-start', 'kit-meeting-1', 'kit-meeting-2', 'kit-meeting-3', 'fieldwork-end', 'feedback', 'draft-letter',
        'factual-accuracy-due', 'final-letter', 'publication', 'wsoa-due',
      ]))
    }
  })
})

describe('parseFramework', () => {
  it('names the file, the place and the problem', () => {
    const text = frontDoorWith((f) => {
      const milestone = f.timeline.milestones[3]
      if (milestone) milestone.anchor = { kind: 'after', milestone: 'no-such-step', workingDays: 2 }
    })
    expect(messages(text)).toEqual(['front-door.json: timeline.milestones[3].anchor.milestone: refers to a milestone "no-such-step" that does not exist'])
  })

  it('reports type and shape problems in plain English', () => {
    const text = frontDoorWith((f) => {
      f.publishedOn = '2022-13-01'
      f.agenciesInScope = ['police', 'fire-service']
      delete f.title
      f.inspectionTeam = []
      f.publishedBy = 'Ofsted'
      const milestone = f.timeline.milestones[2]
      if (milestone) milestone.time = '9am'
    })
    expect(messages(text)).toEqual(expect.arrayContaining([
      'front-door.json: title: is missing (it should be text)',
      'front-door.json: publishedOn: should be a real date in the form YYYY-MM-DD',
      expect.stringMatching(/^front-door.json: agenciesInScope\[1\]: should be one of "la-childrens-services", .* not "fire-service"$/),
      'front-door.json: inspectionTeam: should list at least 1 item',
      'front-door.json: has a field "publishedBy" that is not recognised (check the spelling)',
      'front-door.json: timeline.milestones[2].time: should be a time like "09:30" or "17:00"',
    ]))
  })

  it('finds duplicate ids, loops and out-of-scope agencies', () => {
    const text = frontDoorWith((f) => {
      const groups = f.criteriaGroups as { criteria: { id: string }[] }[]
      const second = groups[1]?.criteria[0]
      if (second) second.id = 'fd-1'
      const ms = f.timeline.milestones
      const a = ms.findIndex((m) => m.id === 'fieldwork-start')
      const start = ms[a]
      if (start) start.anchor = { kind: 'after', milestone: 'fieldwork-end', workingDays: -4 }
      const docs = f.requiredDocuments as { agencyType: string }[]
      if (docs[0]) docs[0].agencyType = 'probation'
    })
    const found = messages(text)
    expect(found).toContain('front-door.json: criteriaGroups[1].criteria[0].id: the criterion id "fd-1" is used twice (also at criteriaGroups[0].criteria[0].id)')
    expect(found).toContain('front-door.json: requiredDocuments[0].agencyType: "probation" is not in agenciesInScope')
    expect(found.some((m) => /timeline\.milestones\[\d+\]\.anchor\.milestone: milestones are anchored in a loop: .*fieldwork-start → fieldwork-end → fieldwork-start|fieldwork-end → fieldwork-start → fieldwork-end/.test(m))).toBe(true)
  })

  it('rejects unknown anchor kinds and text that is not JSON', () => {
    const text = frontDoorWith((f) => {
      const m = f.timeline.milestones[0]
      if (m) m.anchor = { kind: 'before', milestone: 'x', workingDays: 1 }
    })
    expect(messages(text)).toEqual(['front-door.json: timeline.milestones[0].anchor.kind: should be one of the allowed kinds, not "before"'])
    expect(messages('{"id": ')[0]).toMatch(/^front-door.json: is not valid JSON/)
  })

  it('reads YAML too', () => {
    const yaml = `id: tiny\ntitle: Tiny\nversion: "1"\npublishedOn: 2024-01-01\nscope: s\ninspectorates: [Ofsted]\nagenciesInScope: [police]\ninspectionTeam: [{inspectorate: Ofsted, role: Lead, count: 1}]\ncriteriaGroups: [{id: g, title: G, criteria: [{id: t-1, text: T}]}]\nrequiredDocuments: []\ncaseRecords: []\nselection: {children: {min: 20, max: 30}, audited: {min: 5, max: 7}}\ntimeline:\n  milestones:\n    - {id: notification, title: N, description: '', ownerRole: administrator, anchor: {kind: day, day: 1}}\n    - {id: fieldwork-end, title: E, description: '', ownerRole: inspector, anchor: {kind: after, milestone: notification, workingDays: 14}}\n`
    const result = parseFramework(yaml, 'tiny.yaml')
    expect(result.ok).toBe(true)
    // The yaml package follows YAML 1.2, which keeps an unquoted 2024-01-01 as text.
    if (result.ok) expect(result.framework.timeline.notificationMilestone).toBe('notification')
  })
})

describe('loadFrameworksFromDirectory', () => {
  it('leaves out bad files, reports them, and insists the id matches the file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frameworks-'))
    await writeFile(join(dir, 'front-door.json'), frontDoorText)
    await writeFile(join(dir, 'renamed.json'), frontDoorText)
    await writeFile(join(dir, 'broken.json'), '{')
    await writeFile(join(dir, 'README.md'), 'ignored')
    const { frameworks, errors } = await loadFrameworksFromDirectory(dir)
    expect(frameworks.map((f) => f.id)).toEqual(['front-door'])
    expect(errors.map(formatFrameworkProblem)).toEqual([
      expect.stringMatching(/^broken.json: is not valid JSON/),
      'renamed.json: id: is "front-door" but the file is named "renamed.json"; rename one so they match',
    ])
  })
})

describe('Annex A theme lists in a framework', () => {
  const themeList = () => ({
    lists: {
      'Children at risk': {
        title: 'Children at risk',
        columns: [
          { name: 'Child Unique ID', type: 'text', required: true },
          { name: 'Date risk identified', type: 'date', required: true },
        ],
        period: { months: 6, event_columns: ['Date risk identified'] },
      },
    },
  })

  it('carries the criminal exploitation theme lists in the ILACS list format', async () => {
    const { frameworks } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    const ce = frameworks.find((f) => f.id === 'criminal-exploitation')
    expect(ce?.annexAThemeLists?.flatMap((f) => Object.keys(f.lists))).toEqual(['Children at risk of criminal exploitation', 'School-age children not in full-time education'])
  })

  it('accepts a well-formed theme list', () => {
    // Added beside the framework's own theme lists, which the lists it asks for name.
    expect(
      messages(frontDoorWith((f) => void (f.annexAThemeLists = [...(f.annexAThemeLists as object[]), themeList()]))),
    ).toEqual([])
  })

  it('refuses a broken theme list with the path and the problem', () => {
    const broken = themeList()
    ;(broken.lists['Children at risk'].columns[1] as Record<string, unknown>).type = 'when'
    expect(messages(frontDoorWith((f) => {
        f.annexAThemeLists = [broken]
        delete f.annexA
      }))).toEqual([
      'front-door.json: annexAThemeLists[0].lists.Children at risk.columns[1].type: should be one of "text", "code", "date", "integer", "postcode", "text_or_code", not "when"',
    ])
    const noColumns = { lists: { 'Children at risk': { title: 'Children at risk', columns: [] } } }
    expect(messages(frontDoorWith((f) => {
        f.annexAThemeLists = [noColumns]
        delete f.annexA
      }))).toEqual([
      'front-door.json: annexAThemeLists[0].lists.Children at risk.columns: should list at least 1 item',
    ])
  })

  it('refuses rules naming a column the list does not have, and a numbered list name', () => {
    const badRef = themeList()
    badRef.lists['Children at risk'].period.event_columns = ['Date of referral']
    const numbered = { lists: { 'List 3': themeList().lists['Children at risk'] } }
    expect(messages(frontDoorWith((f) => {
        f.annexAThemeLists = [badRef, numbered]
        delete f.annexA
      }))).toEqual([
      'front-door.json: annexAThemeLists[0].lists.Children at risk.period.event_columns[0]: refers to the column "Date of referral", which this list does not have',
      'front-door.json: annexAThemeLists[1].lists.List 3: should not be named like a numbered ILACS list: theme lists are named by their title',
    ])
  })
})
