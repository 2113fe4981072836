import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binary } from '../../../../test/support/exports'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  csrfFrom,
  signIn,
  type Agent,
  type TestApp,
  type TestPerson,
} from '../../../../test/support/app'

let t: TestApp
let a: string
let inspectionId: string
let police: string
let health: string
let children: string[]
let otherChild: string
const people: Record<string, TestPerson> = {}
const agents: Record<string, Agent> = {}

/** A released selection of the inspectors' children, written straight into the tables (issue 12's selection is C1's). */
async function releaseSelection(pid: string, inspection: string, refs: string[], dueAt: string): Promise<string[]> {
  await t.handle.db
    .insertInto('case_selections')
    .values({
      inspection_id: inspection,
      partnership_id: pid,
      released_at: '2026-03-05T09:00:00Z',
      released_by: null,
      due_at: dueAt,
      updated_at: '2026-03-05T09:00:00Z',
    })
    .execute()
  const ids: string[] = []
  for (const [i, ref] of refs.entries()) {
    const row = await t.handle.db
      .insertInto('selected_children')
      .values({
        partnership_id: pid,
        inspection_id: inspection,
        position: i + 1,
        child_ref: ref,
        name: ref === 'LA-003' ? '=HYPERLINK("http://evil.example","Click")' : `Child ${ref}`,
        date_of_birth: '2012-05-14',
        nhs_number: i === 0 ? '943 476 5919' : null,
        address: null,
        in_register: true,
        source: 'register',
        added_by: null,
        added_at: '2026-03-05T08:00:00Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.push(row.id)
  }
  return ids
}

async function startInspection(pid: string): Promise<string> {
  const admin = await createPerson(t, pid, ['administrator'])
  const { inspection } = await t.services.inspections.create(
    { partnershipId: pid, personId: admin.id, name: 'Admin', roles: ['administrator'], agencyId: null },
    { frameworkId: 'criminal-exploitation', notifiedOn: '2026-03-02', notifiedTime: null, practice: false },
  )
  return inspection.id
}

const childPath = (id: string) => `/case-tracking/return/children/${id}`

async function openChild(agent: Agent, id: string) {
  const page = await agent.get(childPath(id)).expect(200)
  return { page, csrf: csrfFrom(page.text), version: /name="version" value="(\d+)"/.exec(page.text)![1]! }
}

async function answer(agent: Agent, id: string, fields: Record<string, string>, version?: string) {
  const opened = await openChild(agent, id)
  return agent
    .post(childPath(id))
    .type('form')
    .send({ _csrf: opened.csrf, version: version ?? opened.version, ...fields })
}

const YES = {
  known: 'yes',
  involvement: 'open',
  leadPractitioner: 'PC Sam Jones',
  team: 'Child exploitation team',
  'lastContact-day': '2',
  'lastContact-month': '3',
  'lastContact-year': '2026',
  note: 'Missing episodes in February',
  'question-criminal-exploitation': 'yes',
}

async function auditActions(action: string) {
  return t.handle.db
    .selectFrom('audit_events')
    .select(['actor_id', 'entity_id', 'summary', 'details'])
    .where('partnership_id', '=', a)
    .where('action', '=', action)
    .orderBy('seq')
    .execute()
}

/** Moves the clock on in steps shorter than the idle time-out, each agent making a request at each step. */
async function advanceKeepingSessions(to: string) {
  const target = new Date(to).getTime()
  while (t.clock.now().getTime() < target) {
    t.clock.set(new Date(Math.min(target, t.clock.now().getTime() + 20 * 60_000)))
    for (const agent of Object.values(agents)) await agent.get('/').expect(200)
  }
}

beforeAll(async () => {
  t = await buildTestApp({ now: '2026-03-05T09:30:00Z' })
  a = await createPartnership(t, 'Partnership A')
  police = await createAgency(t, a, 'A Police', 'police')
  health = await createAgency(t, a, 'A Health', 'health-icb')
  const la = await createAgency(t, a, 'A Children’s Services', 'la-childrens-services')
  people.coordinator = await createPerson(t, a, ['inspection-coordinator'])
  people.laLead = await createPerson(t, a, ['agency-lead'], { agencyId: la })
  people.policeLead = await createPerson(t, a, ['agency-lead'], { agencyId: police })
  people.policeOne = await createPerson(t, a, ['contributor'], { agencyId: police })
  people.policeTwo = await createPerson(t, a, ['contributor'], { agencyId: police })
  people.healthLead = await createPerson(t, a, ['agency-lead'], { agencyId: health })
  people.healthDeputy = await createPerson(t, a, ['contributor'], { agencyId: health })
  people.inspector = await createPerson(t, a, ['inspector'])
  // Probation is not in the criminal exploitation framework's scope.
  const probation = await t.handle.db
    .insertInto('agencies')
    .values({
      partnership_id: a,
      name: 'A Probation',
      type: 'probation',
      is_statutory: true,
      senior_approver_id: null,
      updated_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  people.probation = await createPerson(t, a, ['contributor'], { agencyId: probation.id })
  inspectionId = await startInspection(a)
  for (const [key, person] of Object.entries(people)) agents[key] = await signIn(t, person)
  // Another partnership with its own released child.
  const b = await createPartnership(t, 'Partnership B')
  const bInspection = await startInspection(b)
  otherChild = (await releaseSelection(b, bInspection, ['B-001'], '2026-03-05T11:00:00Z'))[0]!
  const bPolice = await createAgency(t, b, 'B Police', 'police')
  people.bContributor = await createPerson(t, b, ['contributor'], { agencyId: bPolice })
  agents.bContributor = await signIn(t, people.bContributor)
}, 120_000)
afterAll(async () => t.close())

describe('the agency’s return', () => {
  it('before the release says there is nothing to answer yet, and shows no children', async () => {
    const res = await agents.policeOne!.get('/case-tracking/return').expect(200)
    expect(res.text).toContain('have not chosen their children yet')
    expect(await auditActions('case-return.viewed')).toEqual([])
    const matrix = await agents.coordinator!.get('/case-tracking/matrix').expect(200)
    expect(matrix.text).toContain('have not been released to the agencies yet')
    expect((await agents.coordinator!.get('/case-tracking/matrix/live').expect(200)).body).toEqual({ released: false })
    await agents.coordinator!.get('/case-tracking/matrix/export.xlsx').expect(404)
    await agents
      .coordinator!.post('/case-tracking/matrix/chase')
      .type('form')
      .send({ _csrf: csrfFrom(matrix.text) })
      .expect(409)
    expect(await auditActions('case-matrix.viewed')).toEqual([])
  })

  it('after the release lists the children with the identifiers to look them up, and records the read', async () => {
    children = await releaseSelection(a, inspectionId, ['LA-001', 'LA-002', 'LA-003'], '2026-03-05T11:00:00Z')
    const res = await agents.policeOne!.get('/case-tracking/return').expect(200)
    expect(res.text).toContain('Child LA-001')
    expect(res.text).toContain('943 476 5919')
    expect(res.text).toContain('14 May 2012')
    expect(res.text).toMatch(/Due by <strong>5 March 2026 at 11:00am<\/strong> \(1 hour \d+ minutes left\)\./)
    // No identifiers in the title.
    expect(/<title>([^<]*)<\/title>/.exec(res.text)![1]).not.toContain('LA-')
    const [viewed] = await auditActions('case-return.viewed')
    expect(viewed).toMatchObject({ actor_id: people.policeOne!.id, details: { agencyId: police, children } })
    expect(JSON.stringify(viewed)).not.toContain('LA-001')
    expect(JSON.stringify(viewed)).not.toContain('Child LA')
  })

  it('an agency the framework does not have in scope is not asked, and sees no child', async () => {
    const res = await agents.probation!.get('/case-tracking/return').expect(200)
    expect(res.text).toContain('does not include A Probation')
    expect(res.text).not.toContain('Child LA-001')
    await agents.probation!.get(childPath(children[0]!)).expect(404)
  })

  it('an inspector and an administrator have no return; the matrix is not for agency contributors or a police lead', async () => {
    await agents.inspector!.get('/case-tracking/return').expect(403)
    await agents.policeOne!.get('/case-tracking/matrix').expect(403)
    await agents.policeLead!.get('/case-tracking/matrix').expect(403)
  })

  it('asks the framework’s question, checks the answer and saves it as version 1', async () => {
    const { page } = await openChild(agents.policeOne!, children[0]!)
    expect(page.text).toContain('Is the child known to be at risk of or experiencing criminal exploitation?')
    expect(page.text).not.toMatch(/<title>[^<]*LA-001/)
    const [viewed] = await auditActions('case-return.child-viewed')
    expect(viewed).toMatchObject({ entity_id: children[0] })

    const bad = await answer(agents.policeOne!, children[0]!, {
      known: 'yes',
      'lastContact-day': '1',
      'lastContact-month': '1',
      'lastContact-year': '2027',
    })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('Select how your agency is involved with this child')
    expect(bad.text).toContain('Date of last contact must be today or in the past')
    expect(bad.text).toContain('Select Yes, No or Not known for')
    expect((await answer(agents.policeOne!, children[0]!, {})).text).toContain(
      'Select whether your agency knows this child',
    )

    const ok = await answer(agents.policeOne!, children[0]!, YES)
    expect(ok.status).toBe(303)
    expect(ok.headers.location).toBe('/case-tracking/return')
    const row = await t.handle.db
      .selectFrom('return_answers')
      .selectAll()
      .where('selected_child_id', '=', children[0]!)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      agency_id: police,
      known: 'yes',
      involvement: 'open',
      lead_practitioner: 'PC Sam Jones',
      last_contact_on: '2026-03-02',
      framework_answers: { 'criminal-exploitation': 'yes' },
      version: 1,
      late: false,
      updated_by: people.policeOne!.id,
    })
    // "No" drops the fields only asked with "Yes".
    expect((await answer(agents.policeOne!, children[1]!, { ...YES, known: 'no' })).status).toBe(303)
    const no = await t.handle.db
      .selectFrom('return_answers')
      .selectAll()
      .where('selected_child_id', '=', children[1]!)
      .executeTakeFirstOrThrow()
    expect(no).toMatchObject({ known: 'no', involvement: null, lead_practitioner: null, framework_answers: {} })
  })

  it('refuses hostile input with a form error and writes no answer', async () => {
    const before = await t.handle.db.selectFrom('return_answers').select(['selected_child_id', 'version']).execute()
    const hostile: Record<string, string>[] = [
      { ...YES, note: 'a\u0000b' },
      { ...YES, 'lastContact-year': '99999' },
      { ...YES, constructor: 'x' },
      { ...YES, toString: 'y', hasOwnProperty: 'z' },
      { ...YES, 'question-not-in-the-framework': 'yes' },
      { ...YES, 'question-criminal-exploitation': 'maybe' },
      { ...YES, known: 'perhaps' },
      { ...YES, involvement: 'sometimes' },
      { ...YES, leadPractitioner: 'x'.repeat(101) },
    ]
    for (const body of hostile) {
      const res = await answer(agents.policeTwo!, children[2]!, body)
      expect(res.status, JSON.stringify(body).slice(0, 120)).toBe(400)
      expect(res.text).toContain('There is a problem')
    }
    for (const version of ['-1', 'abc', '1e3', '99999999999', '']) {
      const opened = await openChild(agents.policeTwo!, children[2]!)
      const res = await agents
        .policeTwo!.post(childPath(children[2]!))
        .type('form')
        .send({ _csrf: opened.csrf, ...YES, version })
      expect(res.status, `version ${version}`).toBe(400)
    }
    expect(await t.handle.db.selectFrom('return_answers').select(['selected_child_id', 'version']).execute()).toEqual(
      before,
    )
  })

  it('refuses a stale save: shows who changed it and both answers, and overwrites nothing', async () => {
    const first = await openChild(agents.policeOne!, children[0]!)
    const second = await openChild(agents.policeTwo!, children[0]!)
    expect(first.version).toBe('1')
    await agents
      .policeOne!.post(childPath(children[0]!))
      .type('form')
      .send({ _csrf: first.csrf, ...YES, version: first.version, note: 'First person’s note' })
      .expect(303)
    const stale = await agents
      .policeTwo!.post(childPath(children[0]!))
      .type('form')
      .send({
        _csrf: second.csrf,
        ...YES,
        version: second.version,
        involvement: 'earlier',
        note: 'Second person’s note',
      })
    expect(stale.status).toBe(409)
    expect(stale.text).toContain('This answer was changed by Test contributor at 5 March 2026 at')
    expect(stale.text).toContain('First person’s note')
    expect(stale.text).toContain('Second person’s note')
    expect(stale.text).toContain('name="version" value="2"')
    const row = await t.handle.db
      .selectFrom('return_answers')
      .select(['note', 'version', 'updated_by'])
      .where('selected_child_id', '=', children[0]!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ note: 'First person’s note', version: 2, updated_by: people.policeOne!.id })
  })

  it('another agency sees only its own answers; another partnership’s child, or an unknown id, is not found', async () => {
    const page = await agents.healthDeputy!.get('/case-tracking/return').expect(200)
    expect(page.text).toContain('Child LA-001')
    expect(page.text).not.toContain('PC Sam Jones')
    expect(page.text).toContain('Not answered')
    const child = await agents.healthDeputy!.get(childPath(children[0]!)).expect(200)
    expect(child.text).not.toContain('First person’s note')
    expect(child.text).toContain('name="version" value="0"')
    await agents.policeOne!.get(childPath(otherChild)).expect(404)
    await agents.policeOne!.get(childPath('00000000-0000-4000-8000-000000000000')).expect(404)
    await agents.bContributor!.get(childPath(children[0]!)).expect(404)
    const csrf = csrfFrom((await agents.policeOne!.get('/case-tracking/return')).text)
    await agents
      .policeOne!.post(childPath(otherChild))
      .type('form')
      .send({ _csrf: csrf, ...YES, version: '0' })
      .expect(404)
  })

  it('a contributor cannot submit; the lead cannot while a child is unanswered, and must confirm children still being checked', async () => {
    const csrf = csrfFrom((await agents.policeOne!.get('/case-tracking/return')).text)
    await agents.policeOne!.post('/case-tracking/return/submit').type('form').send({ _csrf: csrf }).expect(403)
    const lead = agents.policeLead!
    const page = await lead.get('/case-tracking/return').expect(200)
    expect(page.text).toContain('Submit your agency’s return')
    const unanswered = await lead
      .post('/case-tracking/return/submit')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(unanswered.status).toBe(400)
    expect(unanswered.text).toContain('1 child has no answer yet')
    await answer(lead, children[2]!, { known: 'checking' }).then((r) => expect(r.status).toBe(303))
    const unconfirmed = await lead
      .post('/case-tracking/return/submit')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
    expect(unconfirmed.status).toBe(400)
    expect(unconfirmed.text).toContain('Confirm that you want to submit while 1 child is still being checked')
    const submitted = await lead
      .post('/case-tracking/return/submit')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), confirmChecking: 'yes' })
    expect(submitted.status).toBe(303)
    const ret = await t.handle.db
      .selectFrom('agency_returns')
      .selectAll()
      .where('agency_id', '=', police)
      .executeTakeFirstOrThrow()
    expect(ret).toMatchObject({ submitted_by: people.policeLead!.id, late: false })
    expect((await lead.get('/case-tracking/return')).text).toContain('Submitted by Test agency-lead on 5 March 2026')
  })

  it('after submission a change needs a reason, and is shown as a change after submission', async () => {
    const noReason = await answer(agents.policeOne!, children[2]!, { known: 'no' })
    expect(noReason.status).toBe(400)
    expect(noReason.text).toContain('Enter why you are changing this answer after the return was submitted')
    const ok = await answer(agents.policeOne!, children[2]!, { known: 'no', reason: 'Checked the archive: not known' })
    expect(ok.status).toBe(303)
    const [correction] = await t.handle.db.selectFrom('return_corrections').selectAll().execute()
    expect(correction).toMatchObject({
      agency_id: police,
      selected_child_id: children[2],
      reason: 'Checked the archive: not known',
      before: { known: 'checking' },
      after: { known: 'no' },
      corrected_by: people.policeOne!.id,
    })
    const page = await agents.policeOne!.get('/case-tracking/return').expect(200)
    expect(page.text).toContain('Changed after submission')
    expect(page.text).toContain('Checked the archive: not known')
    expect(page.text).toContain('Still checking → No, not known to us')
    expect(await auditActions('case-return.corrected')).toHaveLength(1)
  })

  it('after the deadline an answer is saved but marked late, and the deputy of an unavailable lead submits late', async () => {
    await advanceKeepingSessions('2026-03-05T11:10:00Z')
    for (const id of children) expect((await answer(agents.healthDeputy!, id, { known: 'no' })).status).toBe(303)
    const rows = await t.handle.db.selectFrom('return_answers').select('late').where('agency_id', '=', health).execute()
    expect(rows.map((r) => r.late)).toEqual([true, true, true])
    const page = await agents.healthDeputy!.get('/case-tracking/return').expect(200)
    expect(page.text).toContain('answers are now marked late')
    expect(page.text).not.toContain('Submit your agency’s return')
    await t.handle.db
      .updateTable('people')
      .set({ unavailable: true, deputy_id: people.healthDeputy!.id })
      .where('id', '=', people.healthLead!.id)
      .execute()
    const deputyPage = await agents.healthDeputy!.get('/case-tracking/return').expect(200)
    expect(deputyPage.text).toContain('Submit your agency’s return')
    await agents
      .healthDeputy!.post('/case-tracking/return/submit')
      .type('form')
      .send({ _csrf: csrfFrom(deputyPage.text) })
      .expect(303)
    const ret = await t.handle.db
      .selectFrom('agency_returns')
      .selectAll()
      .where('agency_id', '=', health)
      .executeTakeFirstOrThrow()
    expect(ret).toMatchObject({ submitted_by: people.healthDeputy!.id, late: true })
  })
})

describe('the coordinator’s matrix', () => {
  it('shows each agency’s answer per child, the statuses, the counts and the countdown, and records the read', async () => {
    const res = await agents.coordinator!.get('/case-tracking/matrix').expect(200)
    expect(res.text).toContain('Deadline passed 10 minutes ago')
    expect(res.text).toContain('Submitted (late)')
    expect(res.text).toContain('Not started')
    expect(res.text).toMatch(/data-count="one">1</)
    expect(res.text).toMatch(/data-count="none">2</)
    const first = children[0]!
    expect(res.text).toContain(`data-cell="${first} ${police}">Yes`)
    expect(res.text).toMatch(
      new RegExp(`data-cell="${first} ${health}">No <strong class="govuk-tag govuk-tag--orange">`),
    )
    expect(res.text).toContain('/assets/javascripts/case-matrix.js')
    // The police's change after submission, with its reason.
    expect(res.text).toContain('Changed after submission')
    expect(res.text).toContain('Checked the archive: not known')
    const [viewed] = await auditActions('case-matrix.viewed')
    expect(viewed).toMatchObject({ actor_id: people.coordinator!.id, details: { children } })
    // The local authority's inspection manager (a children's services lead) sees it too.
    await agents.laLead!.get('/case-tracking/matrix').expect(200)
  })

  it('the live update has the answers, counts and countdown but no child identifiers', async () => {
    const res = await agents.coordinator!.get('/case-tracking/matrix/live').expect(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.body).toMatchObject({
      released: true,
      countdown: { passed: true, text: 'Deadline passed 10 minutes ago' },
      counts: { none: 2, one: 1, two: 0, threeOrMore: 0 },
    })
    expect(res.body.cells[children[0]!]).toHaveLength(3)
    expect(res.text).not.toContain('LA-00')
    expect(res.text).not.toContain('Child ')
  })

  it('chases the leads and deputies of agencies that have not submitted, once per chase', async () => {
    const page = await agents.coordinator!.get('/case-tracking/matrix').expect(200)
    expect(page.text).toContain('Chase the agency that has not submitted')
    const res = await agents
      .coordinator!.post('/case-tracking/matrix/chase')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303)
    expect(res.headers.location).toBe('/case-tracking/matrix')
    expect((await agents.coordinator!.get('/case-tracking/matrix')).text).toContain(
      '1 agency has been chased: 1 person was notified.',
    )
    const notes = await t.handle.db
      .selectFrom('notifications')
      .select(['person_id', 'kind', 'title', 'body', 'link'])
      .where('partnership_id', '=', a)
      .execute()
    expect(notes.map((n) => n.person_id)).toEqual([people.laLead!.id])
    expect(notes[0]).toMatchObject({ kind: 'return-requested', link: '/case-tracking/return' })
    expect(`${notes[0]!.title} ${notes[0]!.body}`).not.toMatch(/LA-00|Child /)
    const outbox = await t.handle.db
      .selectFrom('outbox_messages')
      .select('person_id')
      .where('partnership_id', '=', a)
      .execute()
    expect(outbox).toHaveLength(1)
    const chased = await t.handle.db
      .selectFrom('agency_returns')
      .select(['agency_id', 'chased_at'])
      .where('chased_at', 'is not', null)
      .execute()
    expect(chased).toHaveLength(1)
    expect(await auditActions('case-return.chased')).toHaveLength(1)
    // A second chase a minute later notifies again, and says which agency has nobody to tell.
    await createAgency(t, a, 'A School', 'education')
    t.clock.advance(60_000)
    await agents
      .coordinator!.post('/case-tracking/matrix/chase')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303)
    expect((await agents.coordinator!.get('/case-tracking/matrix')).text).toContain(
      '2 agencies have been chased: 1 person was notified. Nobody could be notified at A School: give it an agency lead, or contact it directly.',
    )
    expect(
      await t.handle.db.selectFrom('notifications').select('id').where('partnership_id', '=', a).execute(),
    ).toHaveLength(2)
  })

  it('exports one row per child and a column group per agency, formula-safe with real date cells', async () => {
    const res = await agents
      .coordinator!.get('/case-tracking/matrix/export.xlsx')
      .buffer(true)
      .parse(binary)
      .expect(200)
    expect(res.headers['content-type']).toContain('spreadsheetml')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(new Uint8Array(res.body as Buffer).buffer)
    const sheet = workbook.getWorksheet('Returns')!
    const header = sheet.getRow(2).values as unknown[]
    expect(header.slice(1, 8)).toEqual([
      'Row',
      'Local authority child ID',
      'Name',
      'Date of birth',
      'NHS number',
      'Address',
      'Known to (agencies)',
    ])
    const group = 8 // one group per agency: known, involvement, lead, team, last contact, note, the framework's question, late
    const agencyNames = (sheet.getRow(1).values as unknown[]).filter(Boolean)
    expect(agencyNames).toEqual(['A Children’s Services', 'A Health', 'A Police', 'A School'])
    const first = sheet.getRow(3)
    expect(first.getCell(2).value).toBe('LA-001')
    expect(first.getCell(4).value).toEqual(new Date('2012-05-14T00:00:00Z'))
    expect(first.getCell(4).numFmt).toBe('d mmmm yyyy')
    expect(first.getCell(7).value).toBe(1)
    const policeStart = 8 + 2 * group
    expect(first.getCell(policeStart).value).toBe('Yes, known to us')
    expect(first.getCell(policeStart + 1).value).toBe('Open now')
    expect(first.getCell(policeStart + 4).value).toEqual(new Date('2026-03-02T00:00:00Z'))
    expect(first.getCell(policeStart + 6).value).toBe('Yes')
    expect(sheet.getRow(5).getCell(3).value).toBe('\'=HYPERLINK("http://evil.example","Click")')
    const agencies = workbook.getWorksheet('Agencies')!
    expect(agencies.getRow(2).values).toEqual(expect.arrayContaining(['A Children’s Services', 'Not started']))
    const changes = workbook.getWorksheet('Changes after submission')!
    expect((changes.getRow(2).values as unknown[]).slice(1, 7)).toEqual([
      3,
      'LA-003',
      'A Police',
      'Still checking',
      'No, not known to us',
      'Checked the archive: not known',
    ])
    expect(changes.getRow(2).getCell(8).value).toBeInstanceOf(Date)
    expect(await auditActions('case-matrix.exported')).toHaveLength(1)
  })
})

describe('when the inspection closes', () => {
  it('the agencies no longer see the children, and the matrix says there is no inspection', async () => {
    await t.handle.db.updateTable('inspections').set({ status: 'closed' }).where('id', '=', inspectionId).execute()
    const res = await agents.policeOne!.get('/case-tracking/return').expect(200)
    expect(res.text).toContain('There is no inspection under way')
    expect(res.text).not.toContain('Child LA-001')
    await agents.policeOne!.get(childPath(children[0]!)).expect(404)
    const matrix = await agents.coordinator!.get('/case-tracking/matrix').expect(200)
    expect(matrix.text).toContain('There is no inspection under way')
    expect(matrix.text).not.toContain('Child LA-001')
  })
})
