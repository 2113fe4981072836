import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upsertPlanTask } from './repository'
import { formatIsoDate, WorkingDayCalendar } from '../../domain/calendar'
import { type Framework } from '../../domain/frameworks'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../frameworks/loadDirectory'
import { computeTimeline } from '../../domain/timeline'
import { binary } from '../../../test/support/exports'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
} from '../../../test/support/app'

// The clock stands on Monday 2 March 2026, 09:00 UK time: notification day of the inspection below.
let t: TestApp
let admin: Agent
let coordinator: Agent
let contributor: Agent
let partnershipId: string
let frontDoor: Framework
let inspectionPath = ''

const auditActions = async () =>
  (
    await t.handle.db
      .selectFrom('audit_events')
      .select('action')
      .where('partnership_id', '=', partnershipId)
      .orderBy('seq')
      .execute()
  ).map((r) => r.action)

function dtstarts(ics: string): Map<string, string> {
  const out = new Map<string, string>()
  const unfolded = ics.replace(/\r\n[ \t]/g, '')
  for (const block of unfolded.split('BEGIN:VEVENT').slice(1)) {
    const uid = /UID:([^\r\n]+)/.exec(block)?.[1] ?? ''
    const start = /DTSTART(?:;VALUE=DATE)?:([^\r\n]+)/.exec(block)?.[1] ?? ''
    out.set(uid.replace(/^[^-]+-[^-]+-[^-]+-[^-]+-[^-]+-/, '').replace(/@jtai-ready$/, ''), start)
  }
  return out
}

beforeAll(async () => {
  t = await buildTestApp({ now: '2026-03-02T09:00:00Z' })
  partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  coordinator = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
  contributor = await signIn(t, await createPerson(t, partnershipId, ['contributor'], { agencyId: null }))
  frontDoor = (await loadFrameworksFromDirectory(bundledFrameworksDirectory())).frameworks.find(
    (f) => f.id === 'front-door',
  )!
}, 60_000)
afterAll(async () => t.close())

const expected = (overrides = {}) =>
  computeTimeline(
    frontDoor.timeline,
    { notified: '2026-03-02', notifiedTime: '09:30' },
    WorkingDayCalendar.bundled(),
    overrides,
  )

describe('creating an inspection', () => {
  it('refuses a notification date that is not a working day, naming why', async () => {
    const res = await coordinator
      .post('/inspections/new')
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        frameworkId: 'front-door',
        'notifiedOn-day': '3',
        'notifiedOn-month': '4',
        'notifiedOn-year': '2026',
        notifiedTime: '',
        practice: 'no',
      })
      .expect(400)
    expect(res.text).toContain('<title>Error: Start an inspection')
    expect(res.text).toContain('is not a working day (Good Friday)')
    expect(res.text).toContain('href="#notifiedOn-day"')
  })

  it('explains every missing answer', async () => {
    const res = await coordinator
      .post('/inspections/new')
      .type('form')
      .send({ _csrf: coordinator.csrf, frameworkId: '' })
      .expect(400)
    expect(res.text).toContain('Select the framework')
    expect(res.text).toContain('Enter the date the inspection was notified')
    expect(res.text).toContain('Select whether this is a practice inspection')
  })

  it('creates the inspection, works out every milestone and records it in the audit log', async () => {
    const res = await coordinator
      .post('/inspections/new')
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        frameworkId: 'front-door',
        'notifiedOn-day': '2',
        'notifiedOn-month': '3',
        'notifiedOn-year': '2026',
        notifiedTime: '09:30',
        practice: 'no',
      })
      .expect(303)
    inspectionPath = res.headers.location!
    expect(inspectionPath).toMatch(/^\/inspections\/[0-9a-f-]{36}$/)
    const page = await coordinator.get(inspectionPath).expect(200)
    expect(page.text).toContain('Day 1 of 15')
    expect(page.text).toContain('Next deadline')
    expect(page.text).toContain('Today')
    for (const m of expected()) expect(page.text).toContain(m.title.replace(/'/g, '&#39;'))
    expect(page.text).not.toContain('Practice inspection')
    expect(await auditActions()).toContain('inspection.created')
  })

  it('shows the day and what is due on the home page', async () => {
    const home = await contributor.get('/').expect(200)
    expect(home.text).toContain('Day 1 of 15')
    expect(home.text).toContain('Due today')
  })
})

describe('overriding a date', () => {
  it('needs a reason', async () => {
    const res = await coordinator
      .post(`${inspectionPath}/milestones/fieldwork-end`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        'date-day': '23',
        'date-month': '3',
        'date-year': '2026',
        time: '',
        reason: ' ',
      })
      .expect(400)
    expect(res.text).toContain('Enter the reason for the change')
  })

  it('moves the milestone and everything counted from it, and shows who changed it and why', async () => {
    const before = expected()
    const draftBefore = before.find((m) => m.id === 'draft-letter')!.date
    await coordinator
      .post(`${inspectionPath}/milestones/fieldwork-end`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        'date-day': '23',
        'date-month': '3',
        'date-year': '2026',
        time: '',
        reason: 'Lead inspector extended fieldwork',
      })
      .expect(303)
    const after = expected({ 'fieldwork-end': { date: '2026-03-23' } })
    const draftAfter = after.find((m) => m.id === 'draft-letter')!.date
    expect(draftAfter > draftBefore).toBe(true)
    const page = await coordinator.get(inspectionPath).expect(200)
    expect(page.text).toContain('Lead inspector extended fieldwork')
    expect(page.text).toContain('Changed by Test inspection-coordinator')
    expect(page.text).toContain('computed date Friday 20 March 2026')
    const ics = await coordinator.get(`${inspectionPath}/calendar.ics`).expect(200)
    const starts = dtstarts(ics.text)
    expect(starts.get('fieldwork-end')).toBe('20260323')
    expect(starts.get('draft-letter')).toBe(draftAfter.replace(/-/g, ''))
    expect(await auditActions()).toContain('milestone.overridden')
  })

  it('refuses a date before notification or after the end of the inspection, and writes nothing', async () => {
    const overrides = () =>
      t.handle.db
        .selectFrom('milestone_overrides')
        .select('milestone_id')
        .where('partnership_id', '=', partnershipId)
        .execute()
    const eventsBefore = (await auditActions()).length
    const move = (day: string, month: string, year: string) =>
      coordinator
        .post(`${inspectionPath}/milestones/audit-day`)
        .type('form')
        .send({
          _csrf: coordinator.csrf,
          'date-day': day,
          'date-month': month,
          'date-year': year,
          time: '',
          reason: 'Typed the wrong month',
        })
        .expect(400)
    const early = await move('10', '2', '2026')
    expect(early.text).toContain('<title>Error: Change the date of Multi-agency audit day')
    expect(early.text).toContain('govuk-error-summary')
    expect(early.text).toContain(
      'The new date must be on or after Monday 2 March 2026, the day the inspection was notified',
    )
    expect(early.text).toContain('href="#date-day"')
    // Fieldwork was extended to 23 March above, which moved the end of the inspection too.
    const wsoa = expected({ 'fieldwork-end': { date: '2026-03-23' } }).find((m) => m.id === 'wsoa-due')!
    const late = await move('1', '1', '2027')
    expect(late.text).toContain(
      `The new date must be on or before ${formatIsoDate(wsoa.date)}, the end of the inspection (${wsoa.title})`,
    )
    expect(await overrides()).toEqual([{ milestone_id: 'fieldwork-end' }])
    expect((await auditActions()).length).toBe(eventsBefore)
    expect((await coordinator.get(inspectionPath).expect(200)).text).not.toContain('Week -')
  })

  it('only lets administrators and the coordinator change dates', async () => {
    await contributor.get(`${inspectionPath}/milestones/fieldwork-end`).expect(403)
    await contributor
      .post(`${inspectionPath}/milestones/fieldwork-end`)
      .type('form')
      .send({ _csrf: contributor.csrf, 'date-day': '1', 'date-month': '4', 'date-year': '2026', reason: 'x' })
      .expect(403)
  })

  it('can go back to the computed date', async () => {
    await admin
      .post(`${inspectionPath}/milestones/fieldwork-end/reset`)
      .type('form')
      .send({ _csrf: admin.csrf })
      .expect(303)
    const ics = await admin.get(`${inspectionPath}/calendar.ics`).expect(200)
    expect(dtstarts(ics.text).get('fieldwork-end')).toBe('20260320')
  })
})

describe('local tasks', () => {
  it('adds a task relative to a milestone, keeps it in the local plan and copies it into the next inspection', async () => {
    await coordinator
      .post(`${inspectionPath}/tasks/new`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        title: 'Brief the chief executives',
        description: '=HYPERLINK("http://evil")',
        ownerRole: 'contributor',
        anchorMilestone: 'children-selected',
        offsetWorkingDays: '1',
        time: '10:00',
        keepInPlan: 'yes',
      })
      .expect(303)
    const page = await coordinator.get(inspectionPath).expect(200)
    expect(page.text).toContain('Brief the chief executives')
    expect(page.text).toContain('Local task')
    // Day 4 is Thursday 5 March; one working day later is Friday 6 March at 10:00 (UTC in March).
    const ics = await coordinator.get(`${inspectionPath}/calendar.ics`).expect(200)
    expect(dtstarts(ics.text).get('local-brief-the-chief-executives')).toBe('20260306T100000Z')
    // The contributor sees it in My tasks, and in their own calendar.
    const mine = await contributor.get(`${inspectionPath}/my-tasks`).expect(200)
    expect(mine.text).toContain('Brief the chief executives')
    const myIcs = await contributor.get(`${inspectionPath}/my-tasks.ics`).expect(200)
    expect([...dtstarts(myIcs.text).keys()]).toContain('local-brief-the-chief-executives')
    expect(myIcs.text).not.toContain('Inspection notified')

    const plan = await contributor.get('/local-plan').expect(200)
    expect(plan.text).toContain('Brief the chief executives')

    const practice = await coordinator
      .post('/inspections/new')
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        frameworkId: 'early-help',
        'notifiedOn-day': '9',
        'notifiedOn-month': '3',
        'notifiedOn-year': '2026',
        notifiedTime: '',
        practice: 'yes',
      })
      .expect(303)
    const practicePage = await coordinator.get(practice.headers.location!).expect(200)
    expect(practicePage.text).toContain('Practice inspection')
    expect(practicePage.text).toContain('Brief the chief executives')
    expect((await coordinator.get(`${practice.headers.location!}/my-tasks`).expect(200)).text).toContain(
      'This is a practice inspection',
    )
    expect(await auditActions()).toEqual(expect.arrayContaining(['local-task.added', 'local-plan.task-saved']))
  })

  it('refuses a task with no anchor or a bad offset', async () => {
    const res = await coordinator
      .post(`${inspectionPath}/tasks/new`)
      .type('form')
      .send({ _csrf: coordinator.csrf, title: '', ownerRole: '', anchorMilestone: '', offsetWorkingDays: 'two' })
      .expect(400)
    expect(res.text).toContain('Enter the task')
    expect(res.text).toContain('Select who does the task')
    expect(res.text).toContain('Enter the number of working days as a whole number')
  })
})

describe('exports', () => {
  it('downloads the timeline as a formula-safe spreadsheet', async () => {
    const res = await contributor.get(`${inspectionPath}/timeline.xlsx`).buffer(true).parse(binary).expect(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    expect(res.headers['content-disposition']).toContain('attachment')
    const workbook = new ExcelJS.Workbook()
    const buf = res.body as Buffer
    await workbook.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer)
    const sheet = workbook.getWorksheet('Timeline')!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    expect(header).toEqual([
      'Date',
      'Day',
      'Time',
      'Milestone',
      'Owner',
      'What happens',
      'Local task',
      'Date status',
      'Changed by',
      'Reason for change',
      'Done',
      'Given to',
    ])
    const rows: unknown[][] = []
    sheet.eachRow((row, n) => {
      if (n > 1) rows.push((row.values as unknown[]).slice(1))
    })
    // A real date cell at UTC midnight of the London date, shown as "2 March 2026"; never text or a timestamp.
    expect(rows.find((r) => r[3] === 'Inspection notified')?.[0]).toEqual(new Date('2026-03-02T00:00:00Z'))
    let dateFormat = ''
    sheet.eachRow((row) => {
      if (row.getCell(4).value === 'Inspection notified') dateFormat = row.getCell(1).numFmt
    })
    expect(dateFormat).toBe('d mmmm yyyy')
    const task = rows.find((r) => r[3] === 'Brief the chief executives')!
    expect(task[5]).toBe('\'=HYPERLINK("http://evil")')
  })

  it('has a printable page', async () => {
    const res = await contributor.get(`${inspectionPath}/print`).expect(200)
    expect(res.text).toContain('app-print')
    expect(res.text).toContain('Week 1, from Monday 2 March 2026')
  })

  it('lets an inspector read the timeline but not change it', async () => {
    const inspector = await signIn(t, await createPerson(t, partnershipId, ['inspector']))
    await inspector.get(inspectionPath).expect(200)
    await inspector.get(`${inspectionPath}/calendar.ics`).expect(200)
    await inspector.get(`${inspectionPath}/tasks/new`).expect(403)
  })

  it('is not found from another partnership', async () => {
    const other = await createPartnership(t, 'Elsewhere SCP')
    const outsider = await signIn(t, await createPerson(t, other, ['administrator']))
    await outsider.get(inspectionPath).expect(404)
    await outsider.get(`${inspectionPath}/calendar.ics`).expect(404)
  })
})

describe('marking tasks done, and removing a local task', () => {
  const doneCount = async (action: string) => (await auditActions()).filter((a) => a === action).length

  it('lets the owner mark a task done and not done again, once each, from My tasks', async () => {
    const res = await contributor
      .post(`${inspectionPath}/milestones/local-brief-the-chief-executives/done`)
      .type('form')
      .send({ _csrf: contributor.csrf, done: 'yes', returnTo: 'my-tasks' })
      .expect(303)
    expect(res.headers.location).toBe(`${inspectionPath}/my-tasks`)
    const mine = await contributor.get(`${inspectionPath}/my-tasks`).expect(200)
    expect(mine.text).toContain('Brief the chief executives is marked as done.')
    expect(mine.text).toContain('Done by Test contributor on Monday 2 March 2026')
    expect(mine.text).toContain(
      'Mark as not done<span class="govuk-visually-hidden"> for Brief the chief executives</span>',
    )
    // Twice changes nothing and writes no second event.
    await contributor
      .post(`${inspectionPath}/milestones/local-brief-the-chief-executives/done`)
      .type('form')
      .send({ _csrf: contributor.csrf, done: 'yes' })
      .expect(303)
    expect(await doneCount('milestone.completed')).toBe(1)
    const timeline = await coordinator.get(inspectionPath).expect(200)
    expect(timeline.text).toMatch(/Brief the chief executives[\s\S]{0,400}Done/)
    const sheet = await coordinator.get(`${inspectionPath}/timeline.xlsx`).buffer(true).parse(binary).expect(200)
    const workbook = new ExcelJS.Workbook()
    const buf = sheet.body as Buffer
    await workbook.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer)
    let doneCell: unknown
    workbook.getWorksheet('Timeline')!.eachRow((row) => {
      if (row.getCell(4).value === 'Brief the chief executives') doneCell = row.getCell(11).value
    })
    expect(doneCell).toBe('Done by Test contributor on Monday 2 March 2026')

    await contributor
      .post(`${inspectionPath}/milestones/local-brief-the-chief-executives/done`)
      .type('form')
      .send({ _csrf: contributor.csrf, done: 'no', returnTo: 'my-tasks' })
      .expect(303)
    expect((await contributor.get(`${inspectionPath}/my-tasks`).expect(200)).text).not.toContain(
      'Done by Test contributor',
    )
    expect(await doneCount('milestone.reopened')).toBe(1)
  })

  it('refuses anyone who does not hold the owner role, and inspectors always', async () => {
    const refused = await contributor
      .post(`${inspectionPath}/milestones/annex-a-due/done`)
      .type('form')
      .send({ _csrf: contributor.csrf, done: 'yes' })
      .expect(403)
    expect(refused.text).toContain(
      'Only the owner of “Annex A submitted” or the inspection coordinator can mark it done',
    )
    const inspector = await signIn(t, await createPerson(t, partnershipId, ['inspector']))
    await inspector
      .post(`${inspectionPath}/milestones/fieldwork-end/done`)
      .type('form')
      .send({ _csrf: inspector.csrf, done: 'yes' })
      .expect(403)
    await coordinator
      .post(`${inspectionPath}/milestones/no-such-milestone/done`)
      .type('form')
      .send({ _csrf: coordinator.csrf, done: 'yes' })
      .expect(404)
    expect(await doneCount('milestone.completed')).toBe(1)
  })

  it('shows people only the actions they may take: an inspector has no buttons, a task owner and a manager have theirs', async () => {
    const inspector = await signIn(t, await createPerson(t, partnershipId, ['inspector']))
    const mine = (await inspector.get(`${inspectionPath}/my-tasks`).expect(200)).text
    // The inspectors' own milestones are listed, without a button they would get a 403 for.
    expect(mine).toContain('Inspectors select children')
    expect(mine).not.toContain('Mark as done')
    expect(mine).not.toContain('/done"')
    const timeline = (await inspector.get(inspectionPath).expect(200)).text
    expect(timeline).toContain('Inspectors select children')
    expect(timeline).not.toContain(`${inspectionPath}/milestones/`)
    expect(timeline).not.toContain('Add a local task')
    expect(timeline).not.toContain('Close this inspection')

    // The contributor may mark their own task, and nothing else.
    const contributorTasks = (await contributor.get(`${inspectionPath}/my-tasks`).expect(200)).text
    expect(contributorTasks).toContain('for Brief the chief executives</span>')
    const contributorTimeline = (await contributor.get(inspectionPath).expect(200)).text
    expect(contributorTimeline).not.toContain(`${inspectionPath}/milestones/`)
    expect(contributorTimeline).not.toContain('Close this inspection')

    const managerTimeline = (await coordinator.get(inspectionPath).expect(200)).text
    expect(managerTimeline).toContain(`href="${inspectionPath}/milestones/audit-day"`)
    expect(managerTimeline).toContain('Add a local task')
    expect(managerTimeline).toContain('Close this inspection')
    const page = (await coordinator.get(`${inspectionPath}/milestones/children-selected`).expect(200)).text
    expect(page).toContain('Mark as done')
    expect(page).toContain('Save who does it')
  })

  it('takes a done task off the overdue list once its time has passed', async () => {
    // Two days on, Annex A (due on day 2) has passed; sessions from before have timed out.
    t.clock.advance(2 * 86_400_000)
    const manager = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    const overdue = (await manager.get(`${inspectionPath}/my-tasks`).expect(200)).text
    expect(overdue.slice(overdue.indexOf('Overdue'), overdue.indexOf('Due today'))).toContain('Annex A submitted')
    await manager
      .post(`${inspectionPath}/milestones/annex-a-due/done`)
      .type('form')
      .send({ _csrf: manager.csrf, done: 'yes', returnTo: 'my-tasks' })
      .expect(303)
    const after = (await manager.get(`${inspectionPath}/my-tasks`).expect(200)).text
    expect(after.slice(after.indexOf('Overdue'), after.indexOf('Due today'))).not.toContain('Annex A submitted')
    expect(after.slice(after.indexOf('<h2 class="govuk-heading-m">Done</h2>'))).toContain('Annex A submitted')
    // A manager may mark an inspector-owned milestone done too, from the milestone page.
    await manager
      .post(`${inspectionPath}/milestones/children-selected/done`)
      .type('form')
      .send({ _csrf: manager.csrf, done: 'yes', returnTo: 'milestone' })
      .expect(303)
    expect((await manager.get(`${inspectionPath}/milestones/children-selected`).expect(200)).text).toContain(
      'Done by Test inspection-coordinator',
    )
  })

  it('removes a local task from the inspection, but not while another task is counted from it', async () => {
    const manager = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    await manager
      .post(`${inspectionPath}/tasks/new`)
      .type('form')
      .send({
        _csrf: manager.csrf,
        title: 'Debrief',
        description: '',
        ownerRole: 'contributor',
        anchorMilestone: 'local-brief-the-chief-executives',
        offsetWorkingDays: '1',
        time: '',
      })
      .expect(303)
    const blocked = await manager
      .post(`${inspectionPath}/tasks/local-brief-the-chief-executives/remove`)
      .type('form')
      .send({ _csrf: manager.csrf })
      .expect(409)
    expect(blocked.text).toContain('Remove “Debrief” first: it is counted from this task')
    expect(blocked.text).toContain('href="#remove-task"')
    await contributor
      .post(`${inspectionPath}/tasks/local-debrief/remove`)
      .type('form')
      .send({ _csrf: contributor.csrf })
      .expect(403)
    await manager
      .post(`${inspectionPath}/tasks/fieldwork-end/remove`)
      .type('form')
      .send({ _csrf: manager.csrf })
      .expect(404)
    await manager
      .post(`${inspectionPath}/tasks/local-debrief/remove`)
      .type('form')
      .send({ _csrf: manager.csrf })
      .expect(303)
    await manager
      .post(`${inspectionPath}/tasks/local-brief-the-chief-executives/remove`)
      .type('form')
      .send({ _csrf: manager.csrf })
      .expect(303)
    const page = await manager.get(inspectionPath).expect(200)
    expect(page.text).not.toContain('Brief the chief executives')
    expect(page.text).toContain('The local task has been removed from this inspection')
    expect(await doneCount('local-task.removed')).toBe(2)
    // The local plan keeps it for future inspections.
    expect((await manager.get('/local-plan').expect(200)).text).toContain('Brief the chief executives')
  })
})

describe('closing an inspection', () => {
  it('closes it so the home page moves on, keeps its timeline readable, and opens it again', async () => {
    const manager = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    const reader = await signIn(t, await createPerson(t, partnershipId, ['contributor']))
    await reader.post(`${inspectionPath}/close`).type('form').send({ _csrf: reader.csrf }).expect(403)
    expect((await reader.get('/').expect(200)).text).toContain(
      'Joint targeted area inspection of the multi-agency response to identification of initial need and risk, notified Monday 2 March 2026',
    )

    await manager.post(`${inspectionPath}/close`).type('form').send({ _csrf: manager.csrf }).expect(303)
    const page = await manager.get(inspectionPath).expect(200)
    expect(page.text).toContain('This inspection was closed on Wednesday 4 March 2026 by Test inspection-coordinator')
    expect(page.text).toContain('Open this inspection again')
    expect((await manager.get('/inspections').expect(200)).text).toContain('Closed')
    // The home page now talks about the open practice inspection instead.
    const home = (await reader.get('/').expect(200)).text
    expect(home).toContain('Practice inspection')
    expect(home).not.toContain('notified Monday 2 March 2026')

    await manager.post(`${inspectionPath}/reopen`).type('form').send({ _csrf: manager.csrf }).expect(303)
    expect((await reader.get('/').expect(200)).text).toContain('notified Monday 2 March 2026')
    expect((await auditActions()).filter((a) => a === 'inspection.closed' || a === 'inspection.reopened')).toEqual([
      'inspection.closed',
      'inspection.reopened',
    ])
  })
})

describe('moving the notification date, practice exports and local plan order', () => {
  let practicePath = ''
  // Earlier tests moved the clock on, past the first sessions' idle time-out.
  let coordinator: Agent
  let contributor: Agent
  beforeAll(async () => {
    coordinator = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    contributor = await signIn(t, await createPerson(t, partnershipId, ['contributor'], { agencyId: null }))
  })
  const newPractice = async (day: string, month: string) =>
    (
      await coordinator
        .post('/inspections/new')
        .type('form')
        .send({
          _csrf: coordinator.csrf,
          frameworkId: 'front-door',
          'notifiedOn-day': day,
          'notifiedOn-month': month,
          'notifiedOn-year': '2026',
          notifiedTime: '',
          practice: 'yes',
        })
        .expect(303)
    ).headers.location!

  it('counts day N from an overridden notification date, and numbers the days from it', async () => {
    practicePath = await newPractice('13', '4')
    expect(
      dtstarts((await coordinator.get(`${practicePath}/calendar.ics`).expect(200)).text).get('children-selected'),
    ).toBe('20260416')
    await coordinator
      .post(`${practicePath}/milestones/notification`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        'date-day': '14',
        'date-month': '4',
        'date-year': '2026',
        time: '',
        reason: 'Notified a day late',
      })
      .expect(303)
    const starts = dtstarts((await coordinator.get(`${practicePath}/calendar.ics`).expect(200)).text)
    expect(starts.get('notification')).toBe('20260414')
    expect(starts.get('annex-a-due')).toBe('20260415')
    expect(starts.get('children-selected')).toBe('20260417')
    expect(starts.get('fieldwork-start')).toBe('20260428')
    const page = await coordinator.get(`${practicePath}/milestones/children-selected`).expect(200)
    expect(page.text).toContain('Friday 17 April 2026 (Day 4)')
    expect((await coordinator.get(`${practicePath}/milestones/notification`).expect(200)).text).toContain(
      'Tuesday 14 April 2026 (Day 1)',
    )
  })

  it('accepts a milestone moved to a weekend, with a warning', async () => {
    const res = await coordinator
      .post(`${practicePath}/milestones/audit-day`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        'date-day': '25',
        'date-month': '4',
        'date-year': '2026',
        time: '',
        reason: 'Saturday audit',
      })
      .expect(303)
    const timeline = await coordinator.get(res.headers.location!).expect(200)
    expect(timeline.text).toContain(
      'Saturday 25 April 2026 is not a working day; milestones counted from it start from the next working day.',
    )
    expect((await coordinator.get(`${practicePath}/milestones/audit-day`).expect(200)).text).toContain(
      'Saturday 25 April 2026 is not a working day',
    )
    expect((await coordinator.get(`${practicePath}/milestones/audit-report-due`).expect(200)).text).not.toContain(
      'is not a working day',
    )
  })

  it('labels practice exports: PRACTICE: in the calendar and a PRACTICE note in the spreadsheet', async () => {
    const ics = (await contributor.get(`${practicePath}/calendar.ics`).expect(200)).text.replace(/\r\n[ \t]/g, '')
    const summaries = ics.split('\r\n').filter((l) => l.startsWith('SUMMARY:'))
    expect(summaries.length).toBeGreaterThan(20)
    expect(summaries.every((l) => l.startsWith('SUMMARY:PRACTICE: '))).toBe(true)
    const mine = (await contributor.get(`${practicePath}/my-tasks.ics`).expect(200)).text.replace(/\r\n[ \t]/g, '')
    expect(
      mine
        .split('\r\n')
        .filter((l) => l.startsWith('SUMMARY:'))
        .every((l) => l.startsWith('SUMMARY:PRACTICE: ')),
    ).toBe(true)

    const res = await contributor.get(`${practicePath}/timeline.xlsx`).buffer(true).parse(binary).expect(200)
    expect(res.headers['content-disposition']).toContain('-practice.xlsx')
    const workbook = new ExcelJS.Workbook()
    const buf = res.body as Buffer
    await workbook.xlsx.load(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer)
    expect(workbook.getWorksheet('Timeline')).toBeUndefined()
    const sheet = workbook.getWorksheet('PRACTICE timeline')!
    expect(sheet.getRow(1).getCell(1).text).toMatch(/^PRACTICE inspection/)
    expect((sheet.getRow(2).values as unknown[]).slice(1, 4)).toEqual(['Date', 'Day', 'Time'])
    expect(sheet.getRow(3).getCell(4).value).toBe('Inspection notified')
  })

  it('copies plan tasks counted from other plan tasks, names the ones it cannot place, and shows milestone titles in the plan', async () => {
    await coordinator
      .post(`${practicePath}/tasks/new`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        title: 'Book rooms',
        description: '',
        ownerRole: 'contributor',
        anchorMilestone: 'fieldwork-start',
        offsetWorkingDays: '-3',
        time: '',
        keepInPlan: 'yes',
      })
      .expect(303)
    // Its id sorts before the task it is counted from, so copying in stored order would drop it.
    await coordinator
      .post(`${practicePath}/tasks/new`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        title: 'Agree room layout',
        description: '',
        ownerRole: 'contributor',
        anchorMilestone: 'local-book-rooms',
        offsetWorkingDays: '1',
        time: '',
        keepInPlan: 'yes',
      })
      .expect(303)
    await upsertPlanTask(
      t.handle.db,
      partnershipId,
      {
        taskId: 'local-ghost',
        title: 'Ghost task',
        description: '',
        ownerRole: 'contributor',
        anchorMilestone: 'no-such-milestone',
        offsetWorkingDays: 1,
        time: null,
        createdBy: null,
      },
      new Date(),
    )

    const plan = (await coordinator.get('/local-plan').expect(200)).text
    expect(plan).toContain('3 working days before Fieldwork starts')
    expect(plan).toContain('1 working day after Book rooms')
    expect(plan).toContain('1 working day after Inspectors select children')
    expect(plan).not.toContain('after fieldwork-start')
    expect(plan).not.toContain('after local-book-rooms')

    const created = await newPractice('11', '5')
    const page = await coordinator.get(created).expect(200)
    expect(page.text).toContain('Book rooms')
    expect(page.text).toContain('Agree room layout')
    expect(page.text).not.toContain('Ghost task</')
    expect(page.text).toContain(
      'This task in your local plan could not be added: “Ghost task” (it is counted from “no-such-milestone”, which is neither a milestone of this framework nor a task in your local plan).',
    )
    expect(page.text).not.toContain('does not have the milestone')
    const starts = dtstarts((await coordinator.get(`${created}/calendar.ics`).expect(200)).text)
    // Fieldwork starts Monday 25 May 2026 is a bank holiday, so Tuesday 26 May; book rooms 3 working days before, layout a day after that.
    expect(starts.get('fieldwork-start')).toBe('20260526')
    expect(starts.get('local-book-rooms')).toBe('20260520')
    expect(starts.get('local-agree-room-layout')).toBe('20260521')
  })
})

describe('tasks for named people, deputies and agencies', () => {
  let manager: Agent
  let path = ''
  let sam: Awaited<ReturnType<typeof createPerson>>
  let dee: Awaited<ReturnType<typeof createPerson>>
  let olly: Awaited<ReturnType<typeof createPerson>>
  let police = ''
  let council = ''
  const named = async (person: { id: string }, name: string) =>
    t.handle.db.updateTable('people').set({ name }).where('id', '=', person.id).execute()
  const assign = (agent: Agent, milestoneId: string, personId: string) =>
    agent.post(`${path}/milestones/${milestoneId}/assign`).type('form').send({ _csrf: agent.csrf, personId })
  const assignments = () =>
    t.handle.db
      .selectFrom('task_assignments')
      .select(['milestone_id', 'person_id'])
      .where('partnership_id', '=', partnershipId)
      .execute()

  beforeAll(async () => {
    manager = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    police = await createAgency(t, partnershipId, 'Anytown Constabulary', 'police')
    council = await createAgency(t, partnershipId, 'Anytown Council', 'la-childrens-services')
    sam = await createPerson(t, partnershipId, ['senior-approver'], { agencyId: police })
    dee = await createPerson(t, partnershipId, ['senior-approver'], { agencyId: police })
    olly = await createPerson(t, partnershipId, ['senior-approver'], { agencyId: council })
    await named(sam, 'Sam Patel')
    await named(dee, 'Dee Deputy')
    await named(olly, 'Olly Other')
    await t.handle.db.updateTable('people').set({ deputy_id: dee.id }).where('id', '=', sam.id).execute()
    path = (
      await manager
        .post('/inspections/new')
        .type('form')
        .send({
          _csrf: manager.csrf,
          frameworkId: 'front-door',
          'notifiedOn-day': '1',
          'notifiedOn-month': '6',
          'notifiedOn-year': '2026',
          notifiedTime: '09:30',
          practice: 'yes',
        })
        .expect(303)
    ).headers.location!
  })

  it('lists day 1 in time order and folds the timeline by week, this week open', async () => {
    const page = (await manager.get(path).expect(200)).text
    const at = (title: string) => page.indexOf(`>${title}</a>`)
    expect(at('Inspection notified')).toBeGreaterThan(0)
    expect(at('Inspection notified')).toBeLessThan(at('All partners told'))
    expect(at('All partners told')).toBeLessThan(at('Set-up meeting'))
    expect(at('Set-up meeting')).toBeLessThan(at('Annex A lists produced'))
    const weeks = page.match(/<details class="govuk-details" id="week-\d+"( open)?>/g) ?? []
    expect(weeks.length).toBeGreaterThan(5)
    // Today (early March) is before this practice inspection, so its first week is the one open.
    expect(weeks.filter((w) => w.includes(' open'))).toEqual(['<details class="govuk-details" id="week-1" open>'])
    // The printable page has every week open.
    const print = (await manager.get(`${path}/print`).expect(200)).text
    expect((print.match(/<details class="govuk-details" id="week-\d+" open>/g) ?? []).length).toBe(weeks.length)
  })

  it('gives a task to a named person, who then has it in My tasks instead of everyone with the role', async () => {
    const choices = (await manager.get(`${path}/milestones/audit-day`).expect(200)).text
    expect(choices).toContain('Sam Patel, Anytown Constabulary')
    expect(choices).not.toContain('Test inspector')
    await assign(manager, 'audit-day', sam.id).expect(303)
    expect(await assignments()).toEqual([{ milestone_id: 'audit-day', person_id: sam.id }])
    expect((await auditActions()).at(-1)).toBe('milestone.assigned')
    expect((await manager.get(path).expect(200)).text).toContain('Given to Sam Patel')

    const samAgent = await signIn(t, sam)
    const samTasks = (await samAgent.get(`${path}/my-tasks`).expect(200)).text
    expect(samTasks).toContain('Multi-agency audit day')
    expect(samTasks).toContain('Given to you')
    // Another agency's senior approver no longer has it (nor sees it overdue later); their role's other tasks stay.
    const ollyAgent = await signIn(t, olly)
    const ollyTasks = (await ollyAgent.get(`${path}/my-tasks`).expect(200)).text
    expect(ollyTasks).not.toContain('Multi-agency audit day')
    expect(ollyTasks).toContain('Fieldwork starts')
    await ollyAgent
      .post(`${path}/milestones/audit-day/done`)
      .type('form')
      .send({ _csrf: ollyAgent.csrf, done: 'yes' })
      .expect(403)
    // Saturday 20 June: the audit day and the start of fieldwork have passed.
    t.clock.advance(Date.parse('2026-06-20T09:00:00Z') - t.clock.now().getTime())
    const later = await signIn(t, olly)
    const overdue = (await later.get(`${path}/my-tasks`).expect(200)).text
    expect(overdue.slice(overdue.indexOf('Overdue'), overdue.indexOf('Due today'))).toContain('Fieldwork starts')
    expect(overdue).not.toContain('Multi-agency audit day')
  })

  it('lets the deputy cover while the person is unavailable, and only then', async () => {
    manager = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    const deeAgent = await signIn(t, dee)
    expect((await deeAgent.get(`${path}/my-tasks`).expect(200)).text).not.toContain('Multi-agency audit day')
    await t.handle.db.updateTable('people').set({ unavailable: true }).where('id', '=', sam.id).execute()
    const covering = (await deeAgent.get(`${path}/my-tasks`).expect(200)).text
    expect(covering).toContain('Multi-agency audit day')
    expect(covering).toContain('Covering for Sam Patel, who is unavailable')
    expect((await manager.get(path).expect(200)).text).toContain('Given to Sam Patel (unavailable: Dee Deputy covers)')
    await deeAgent
      .post(`${path}/milestones/audit-day/done`)
      .type('form')
      .send({ _csrf: deeAgent.csrf, done: 'yes', returnTo: 'my-tasks' })
      .expect(303)
    expect((await auditActions()).at(-1)).toBe('milestone.completed')
    expect((await deeAgent.get(`${path}/my-tasks`).expect(200)).text).toContain(
      'Multi-agency audit day is marked as done.',
    )
    await t.handle.db.updateTable('people').set({ unavailable: false }).where('id', '=', sam.id).execute()
    expect((await deeAgent.get(`${path}/my-tasks`).expect(200)).text).not.toContain('Multi-agency audit day')
  })

  it('never gives an agency task to an inspector or to someone outside the partnership, and writes nothing', async () => {
    const inspector = await createPerson(t, partnershipId, ['inspector'])
    const other = await createPerson(t, await createPartnership(t, 'Other SCP'), ['senior-approver'])
    const before = (await auditActions()).length
    for (const id of [inspector.id, other.id, 'not-an-id']) {
      const res = await assign(manager, 'documents-due', id).expect(400)
      expect(res.text).toContain('govuk-error-summary')
      expect(res.text).toContain(
        'Select a person from the list: someone of the partnership who can sign in, not an inspector',
      )
    }
    expect(await assignments()).toEqual([{ milestone_id: 'audit-day', person_id: sam.id }])
    expect((await auditActions()).length).toBe(before)
    // An inspectors' milestone may go to a named inspector.
    await named(inspector, 'Iris Inspector')
    await assign(manager, 'children-selected', inspector.id).expect(303)
    expect((await manager.get(path).expect(200)).text).toContain('Given to Iris Inspector')
  })

  it('gives a local task to a named person, and takes a task back to its role', async () => {
    await manager
      .post(`${path}/tasks/new`)
      .type('form')
      .send({
        _csrf: manager.csrf,
        title: 'Brief the police gold group',
        description: '',
        ownerRole: 'senior-approver',
        anchorMilestone: 'fieldwork-start',
        offsetWorkingDays: '-1',
        time: '',
      })
      .expect(303)
    await assign(manager, 'local-brief-the-police-gold-group', sam.id).expect(303)
    const samTasks = (await (await signIn(t, sam)).get(`${path}/my-tasks`).expect(200)).text
    expect(samTasks).toContain('Brief the police gold group')
    expect((await (await signIn(t, olly)).get(`${path}/my-tasks`).expect(200)).text).not.toContain(
      'Brief the police gold group',
    )
    await assign(manager, 'audit-day', '').expect(303)
    expect((await auditActions()).at(-1)).toBe('milestone.unassigned')
    expect((await (await signIn(t, olly)).get(`${path}/my-tasks`).expect(200)).text).toContain('Multi-agency audit day')
    // Other roles may not give tasks.
    const samAgent = await signIn(t, sam)
    await assign(samAgent, 'audit-day', sam.id).expect(403)
  })

  it("keeps each agency's part of an agency task to itself: one agency marking it done does not mark it for another", async () => {
    const pat = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId: police }))
    const lee = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId: council }))
    const overdue = (text: string) => text.slice(text.indexOf('Overdue'), text.indexOf('Due today'))
    // The documentary evidence (day 7) is past: each agency has it overdue until it marks its own part done.
    expect(overdue((await pat.get(`${path}/my-tasks`).expect(200)).text)).toContain(
      'Documentary evidence to inspectors',
    )
    await pat
      .post(`${path}/milestones/documents-due/done`)
      .type('form')
      .send({ _csrf: pat.csrf, done: 'yes', returnTo: 'my-tasks' })
      .expect(303)
    const patTasks = (await pat.get(`${path}/my-tasks`).expect(200)).text
    expect(overdue(patTasks)).not.toContain('Documentary evidence to inspectors')
    expect(patTasks).toContain('Done for Anytown Constabulary by Test agency-lead on Saturday 20 June 2026')
    expect(overdue((await lee.get(`${path}/my-tasks`).expect(200)).text)).toContain(
      'Documentary evidence to inspectors',
    )
    const events = await t.handle.db
      .selectFrom('audit_events')
      .select('summary')
      .where('partnership_id', '=', partnershipId)
      .where('action', '=', 'milestone.completed')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(events.summary).toBe('Marked done for Anytown Constabulary: Documentary evidence to inspectors')
    // Managers see who has done their part; marking it done themselves marks it for everyone.
    const timeline = (await manager.get(path).expect(200)).text
    expect(timeline).toMatch(
      /Documentary evidence to inspectors<\/a>(?:(?!<\/tr>)[\s\S])*Done by 1 agency: Anytown Constabulary/,
    )
    await manager
      .post(`${path}/milestones/documents-due/done`)
      .type('form')
      .send({ _csrf: manager.csrf, done: 'yes' })
      .expect(303)
    expect(overdue((await lee.get(`${path}/my-tasks`).expect(200)).text)).not.toContain(
      'Documentary evidence to inspectors',
    )
    // Pat taking back the police part leaves the manager's mark for everyone.
    await pat
      .post(`${path}/milestones/documents-due/done`)
      .type('form')
      .send({ _csrf: pat.csrf, done: 'no', returnTo: 'my-tasks' })
      .expect(303)
    expect(overdue((await pat.get(`${path}/my-tasks`).expect(200)).text)).not.toContain(
      'Documentary evidence to inspectors',
    )
  })
})
