import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotp } from '../auth/totp'
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
} from '../../../test/support/app'
import { DEFAULT_AUDIT_TOOL } from '../../domain/frameworks'

let t: TestApp
let a: string
let police: string
let la: string
let inspectionId: string
let chosen: string
let notChosen: string
const people: Record<string, TestPerson> = {}
const agents: Record<string, Agent> = {}
let otherTool: string

const SECTIONS = DEFAULT_AUDIT_TOOL.sections

async function startInspection(pid: string): Promise<string> {
  const admin = await createPerson(t, pid, ['administrator'])
  const { inspection } = await t.services.inspections.create(
    { partnershipId: pid, personId: admin.id, name: 'Admin', roles: ['administrator'], agencyId: null },
    { frameworkId: 'criminal-exploitation', notifiedOn: '2026-03-02', notifiedTime: null, practice: false },
  )
  return inspection.id
}

/** A released selection with the audit choice recorded, written straight into case tracking's tables. */
async function chooseForAudit(pid: string, inspection: string, refs: { ref: string; chosen: boolean }[]) {
  await t.handle.db
    .insertInto('case_selections')
    .values({
      inspection_id: inspection,
      partnership_id: pid,
      released_at: '2026-03-05T09:00:00Z',
      released_by: null,
      due_at: '2026-03-05T13:00:00Z',
      audit_chosen_at: '2026-03-06T11:00:00Z',
      updated_at: '2026-03-06T11:00:00Z',
    })
    .execute()
  const ids: string[] = []
  for (const [i, r] of refs.entries()) {
    const row = await t.handle.db
      .insertInto('selected_children')
      .values({
        partnership_id: pid,
        inspection_id: inspection,
        position: i + 1,
        child_ref: r.ref,
        name: `Child ${r.ref}`,
        in_register: true,
        source: 'register',
        added_by: null,
        added_at: '2026-03-05T08:00:00Z',
        chosen_for_audit: r.chosen,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.push(row.id)
  }
  return ids
}

async function known(pid: string, inspection: string, childId: string, agencyId: string, answer: 'yes' | 'no') {
  await t.handle.db
    .insertInto('return_answers')
    .values({
      partnership_id: pid,
      inspection_id: inspection,
      selected_child_id: childId,
      agency_id: agencyId,
      known: answer,
      version: 1,
      late: false,
      updated_by: null,
      updated_at: '2026-03-05T10:00:00Z',
    })
    .execute()
}

async function toolOf(agencyId: string, childId: string) {
  return t.handle.db
    .selectFrom('audit_tools')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .where('selected_child_id', '=', childId)
    .executeTakeFirst()
}

async function events(action: string) {
  return t.handle.db
    .selectFrom('audit_events')
    .select(['actor_id', 'entity_id', 'summary', 'details'])
    .where('partnership_id', '=', a)
    .where('action', '=', action)
    .orderBy('seq')
    .execute()
}

const toolPath = (id: string) => `/case-audit/tools/${id}`

/** A complete tool form: every section graded, with the overall grading and contribution. */
function complete(overrides: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = { overallGrading: 'good', contribution: 'Early disruption of exploitation' }
  for (const s of SECTIONS) {
    form[`${s.id}-workedWell`] = `Worked well in ${s.title}`
    form[`${s.id}-development`] = 'Recording'
    form[`${s.id}-recommendations`] = 'Audit again in six months'
    form[`${s.id}-grading`] = 'good'
  }
  return { ...form, ...overrides }
}

async function open(agent: Agent, id: string) {
  const page = await agent.get(toolPath(id)).expect(200)
  return { page, csrf: csrfFrom(page.text), version: /name="version" value="(\d+)"/.exec(page.text)![1]! }
}

async function save(agent: Agent, id: string, fields: Record<string, string>) {
  const o = await open(agent, id)
  return agent
    .post(toolPath(id))
    .type('form')
    .send({ _csrf: o.csrf, version: o.version, ...fields })
}

async function submit(agent: Agent, id: string) {
  const o = await open(agent, id)
  return agent
    .post(`${toolPath(id)}/submit`)
    .type('form')
    .send({ _csrf: o.csrf })
}

async function signOff(agent: Agent, person: TestPerson, id: string, code?: string) {
  const o = await open(agent, id)
  t.clock.advance(30_000)
  return agent
    .post(`${toolPath(id)}/sign-off`)
    .type('form')
    .send({ _csrf: o.csrf, version: o.version, code: code ?? currentTotp(person.totpSecret, t.clock.now()) })
}

beforeAll(async () => {
  t = await buildTestApp({ now: '2026-03-06T12:00:00Z' })
  a = await createPartnership(t, 'Partnership A')
  police = await createAgency(t, a, 'Police', 'police')
  la = await createAgency(t, a, 'Children’s services', 'la-childrens-services')
  inspectionId = await startInspection(a)
  const ids = await chooseForAudit(a, inspectionId, [
    { ref: 'LA-001', chosen: true },
    { ref: 'LA-002', chosen: false },
  ])
  chosen = ids[0]!
  notChosen = ids[1]!
  await known(a, inspectionId, chosen!, police, 'yes')
  await known(a, inspectionId, notChosen!, police, 'yes')
  await known(a, inspectionId, chosen!, la, 'no')
  people.coordinator = await createPerson(t, a, ['inspection-coordinator'])
  people.policeLead = await createPerson(t, a, ['agency-lead'], { agencyId: police })
  people.policeWriter = await createPerson(t, a, ['contributor'], { agencyId: police })
  people.policeSenior = await createPerson(t, a, ['senior-approver'], { agencyId: police })
  people.laSenior = await createPerson(t, a, ['senior-approver'], { agencyId: la })
  people.laLead = await createPerson(t, a, ['agency-lead'], { agencyId: la })
  for (const [k, p] of Object.entries(people)) agents[k] = await signIn(t, p)

  // Another partnership with a tool of its own.
  const b = await createPartnership(t, 'Partnership B')
  const bPolice = await createAgency(t, b, 'B Police', 'police')
  const bInspection = await startInspection(b)
  const [bChild] = await chooseForAudit(b, bInspection, [{ ref: 'B-001', chosen: true }])
  const opened = await t.handle.db
    .insertInto('audit_tools')
    .values({
      partnership_id: b,
      inspection_id: bInspection,
      selected_child_id: bChild!,
      agency_id: bPolice,
      opened_at: t.clock.now(),
      opened_by: null,
      opened_reason: null,
      updated_by: null,
      updated_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  otherTool = opened.id
}, 120_000)
afterAll(async () => t.close())

describe('case audit: audit tools', () => {
  it('opens a tool for each chosen child and agency that answered Yes, once, when the pages are first read, and logs the read', async () => {
    const page = await agents.coordinator!.get('/case-audit').expect(200)
    expect(page.text).toContain('Police')
    expect(page.text).toContain('Draft')
    const tools = await t.handle.db.selectFrom('audit_tools').selectAll().where('partnership_id', '=', a).execute()
    expect(tools.map((x) => [x.selected_child_id, x.agency_id])).toEqual([[chosen, police]])
    await agents.coordinator!.get('/case-audit').expect(200)
    expect(await events('case-audit.tools-opened')).toHaveLength(1)
    const reads = await events('case-audit.viewed')
    expect(reads).toHaveLength(2)
    expect(reads[0]!.details).toEqual({ children: [chosen] })
    // The explicit action opens nothing more.
    const csrf = csrfFrom(page.text)
    await agents.coordinator!.post('/case-audit/open').type('form').send({ _csrf: csrf }).expect(303)
    expect((await agents.coordinator!.get('/case-audit')).text).toContain('already open')
  })

  it('shows the agency its own tools only, with the read logged; a police lead is refused the overview', async () => {
    const list = await agents.policeWriter!.get('/case-audit/tools').expect(200)
    expect(list.text).toContain('Audit tool for row 1')
    const la = await agents.laLead!.get('/case-audit/tools').expect(200)
    expect(la.text).toContain('none of the children chosen for audit is known to your agency')
    await agents.policeLead!.get('/case-audit').expect(403)
    expect((await events('case-audit.agency-viewed')).length).toBeGreaterThanOrEqual(2)
  })

  it('another agency, another partnership or a made-up id is not found', async () => {
    const tool = (await toolOf(police, chosen))!
    await agents.laLead!.get(toolPath(tool.id)).expect(404)
    await agents.laSenior!.get(toolPath(tool.id)).expect(404)
    await agents.policeLead!.get(toolPath(otherTool)).expect(404)
    await agents.policeLead!.get(toolPath('not-an-id')).expect(404)
  })

  it('saves a draft without JavaScript, shows specific errors, and logs each read of the tool', async () => {
    const tool = (await toolOf(police, chosen))!
    const bad = await save(agents.policeWriter!, tool.id, { 'need-and-risk-grading': 'excellent' })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('There is a problem')
    expect(bad.text).toContain('Select a grading for “Identification of need and risk”')
    const unknown = await save(agents.policeWriter!, tool.id, { surprise: 'x' })
    expect(unknown.status).toBe(400)
    expect((await save(agents.policeWriter!, tool.id, complete())).status).toBe(303)
    const page = await agents.policeWriter!.get(toolPath(tool.id)).expect(200)
    expect(page.text).toContain('saved as a draft')
    expect(page.text).toContain('Worked well in Outcomes for the child')
    expect(page.text).not.toContain('LA-001</title>')
    const saved = (await toolOf(police, chosen))!
    expect(saved.version).toBe(1)
    expect(saved.authors).toEqual([people.policeWriter!.id])
    expect((await events('case-audit.tool-saved'))[0]!.summary).toBe('Saved Police’s audit tool as a draft')
    const reads = await events('case-audit.tool-viewed')
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.at(-1)!.entity_id).toBe(tool.id)
  })

  it('refuses a save at an older version: nothing is overwritten', async () => {
    const tool = (await toolOf(police, chosen))!
    const o = await open(agents.policeWriter!, tool.id)
    expect((await save(agents.policeLead!, tool.id, complete({ contribution: 'Lead’s words' }))).status).toBe(303)
    await agents
      .policeWriter!.post(toolPath(tool.id))
      .type('form')
      .send({ _csrf: o.csrf, version: o.version, ...complete({ contribution: 'Writer’s words' }) })
      .expect(409)
    expect((await toolOf(police, chosen))!.contribution).toBe('Lead’s words')
  })

  it('only the lead submits, and only a complete tool', async () => {
    const tool = (await toolOf(police, chosen))!
    expect((await submit(agents.policeWriter!, tool.id)).status).toBe(403)
    expect(
      (await save(agents.policeLead!, tool.id, complete({ 'outcomes-grading': '', overallGrading: '' }))).status,
    ).toBe(303)
    const incomplete = await submit(agents.policeLead!, tool.id)
    expect(incomplete.status).toBe(400)
    expect(incomplete.text).toContain('Grade every section before you submit: Outcomes for the child has no grading')
    expect(incomplete.text).toContain('Give the overall grading before you submit')
    expect((await save(agents.policeWriter!, tool.id, complete())).status).toBe(303)
    expect((await submit(agents.policeLead!, tool.id)).status).toBe(303)
    const submitted = (await toolOf(police, chosen))!
    expect(submitted.status).toBe('submitted')
    expect(submitted.submitted_by).toBe(people.policeLead!.id)
  })

  it('sign-off: refused to the author, to a wrong code and to another agency’s senior approver; then signed off', async () => {
    const tool = (await toolOf(police, chosen))!
    // Another agency's senior approver finds no such tool; a contributor is refused by the route table.
    await agents
      .laSenior!.post(`${toolPath(tool.id)}/sign-off`)
      .type('form')
      .send({ _csrf: agents.laSenior!.csrf, version: '3', code: '123456' })
      .expect(404)
    await agents
      .policeWriter!.post(`${toolPath(tool.id)}/sign-off`)
      .type('form')
      .send({ _csrf: agents.policeWriter!.csrf, version: '3', code: '123456' })
      .expect(403)
    const wrong = await signOff(agents.policeSenior!, people.policeSenior!, tool.id, '000000')
    expect(wrong.status).toBe(400)
    expect(wrong.text).toContain('The code is not right or has been used')
    expect((await toolOf(police, chosen))!.status).toBe('submitted')
    expect((await signOff(agents.policeSenior!, people.policeSenior!, tool.id)).status).toBe(303)
    const signed = (await toolOf(police, chosen))!
    expect(signed.status).toBe('signed-off')
    expect(signed.signed_off_by).toBe(people.policeSenior!.id)
    expect(signed.signed_off_step_up_at).not.toBeNull()
    const e = await events('case-audit.tool-signed-off')
    expect(e).toHaveLength(1)
    expect(e[0]!.actor_id).toBe(people.policeSenior!.id)
  })

  it('any later change voids the sign-off, and the senior approver who then wrote it may not sign it off', async () => {
    const tool = (await toolOf(police, chosen))!
    expect(
      (await save(agents.policeSenior!, tool.id, complete({ contribution: 'Changed after sign-off' }))).status,
    ).toBe(303)
    const voided = (await toolOf(police, chosen))!
    expect(voided.status).toBe('draft')
    expect(voided.signed_off_by).toBeNull()
    expect(voided.submitted_by).toBeNull()
    const e = await events('case-audit.sign-off-voided')
    expect(e).toHaveLength(1)
    expect(e[0]!.summary).toContain('the sign-off is void')
    expect((await submit(agents.policeLead!, tool.id)).status).toBe(303)
    const refused = await signOff(agents.policeSenior!, people.policeSenior!, tool.id)
    expect(refused.status).toBe(403)
    expect(refused.text).toContain('You wrote or submitted this audit tool, so someone else must sign it off')
    expect((await toolOf(police, chosen))!.status).toBe('submitted')
  })

  it('a sign-off at an older version than the tool is refused', async () => {
    const tool = (await toolOf(police, chosen))!
    const other = await createPerson(t, a, ['senior-approver'], { agencyId: police })
    const agent = await signIn(t, other)
    const o = await open(agent, tool.id)
    t.clock.advance(30_000)
    await agent
      .post(`${toolPath(tool.id)}/sign-off`)
      .type('form')
      .send({
        _csrf: o.csrf,
        version: String(Number(o.version) - 1),
        code: currentTotp(other.totpSecret, t.clock.now()),
      })
      .expect(409)
    expect((await signOff(agent, other, tool.id)).status).toBe(303)
  })

  it('flags a tool late after the day-6 milestone', async () => {
    const due = await t.services.inspections.timeline(
      {
        partnershipId: a,
        personId: people.coordinator!.id,
        name: 'C',
        roles: ['inspection-coordinator'],
        agencyId: null,
      },
      inspectionId,
    )
    const day = due.milestones.find((m) => m.id === 'audit-returns-due')!.date
    const tool = (await toolOf(police, chosen))!
    expect((await save(agents.policeLead!, tool.id, complete())).status).toBe(303)
    expect((await agents.policeLead!.get('/case-audit/tools')).text).not.toContain('(late)')
    t.clock.set(new Date(new Date(`${day}T12:00:00Z`).getTime() + 86_400_000))
    const late = await signIn(t, people.policeLead!)
    expect((await late.get('/case-audit/tools')).text).toContain('Draft (late)')
  })
})

describe('case audit: the coordinator adds and removes an agency', () => {
  it('adds an agency with a reason, refuses without one, and removes it with a reason (not opened again)', async () => {
    // The clock moved on a day above: sign in again.
    agents.coordinator = await signIn(t, people.coordinator!)
    agents.laLead = await signIn(t, people.laLead!)
    const page = await agents.coordinator.get('/case-audit').expect(200)
    const csrf = csrfFrom(page.text)
    const noReason = await agents.coordinator
      .post(`/case-audit/children/${chosen}/agencies`)
      .type('form')
      .send({ _csrf: csrf, agencyId: la, reason: '' })
    expect(noReason.status).toBe(400)
    expect(noReason.text).toContain('Enter why this agency should complete an audit tool for this child')
    await agents.coordinator
      .post(`/case-audit/children/${chosen}/agencies`)
      .type('form')
      .send({ _csrf: csrf, agencyId: la, reason: 'Children’s services held the strategy meeting' })
      .expect(303)
    const added = (await toolOf(la, chosen))!
    expect([added.opened_by, added.opened_reason]).toEqual([
      people.coordinator!.id,
      'Children’s services held the strategy meeting',
    ])
    const twice = await agents.coordinator
      .post(`/case-audit/children/${chosen}/agencies`)
      .type('form')
      .send({ _csrf: csrf, agencyId: la, reason: 'Again' })
    expect(twice.status).toBe(400)
    expect(twice.text).toContain('Children’s services already has an audit tool for this child')
    // Removing: a reason is needed; another child's tool cannot be named.
    const bad = await agents.coordinator
      .post(`/case-audit/children/${notChosen}/remove`)
      .type('form')
      .send({ _csrf: csrf, toolId: added.id, reason: 'x' })
    expect(bad.status).toBe(404)
    await agents.coordinator
      .post(`/case-audit/children/${chosen}/remove`)
      .type('form')
      .send({ _csrf: csrf, toolId: added.id, reason: 'Added in error' })
      .expect(303)
    expect((await toolOf(la, chosen))!.removed_reason).toBe('Added in error')
    await agents.coordinator.get('/case-audit').expect(200)
    expect((await toolOf(la, chosen))!.removed_at).not.toBeNull()
    await agents.laLead.get(toolPath(added.id)).expect(404)
    expect((await events('case-audit.agency-added'))[0]!.details).toMatchObject({ reason: expect.any(String) })
    expect(await events('case-audit.tool-removed')).toHaveLength(1)
  })
})
