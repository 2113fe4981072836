import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
} from '../../../../test/support/app'

let t: TestApp
let pid: string
let inspectionId: string
let coordinator: Agent
let laLead: Agent
let policeLead: Agent
let contributor: Agent
let police: string
let health: string
let la: string
let policeLeadId: string
let deputyId: string

const REGISTER = ['R1', 'R2', 'R3', 'R4']

async function seedRegister(): Promise<void> {
  const { id: importId } = await t.handle.db
    .insertInto('annex_a_imports')
    .values({
      partnership_id: pid,
      inspection_id: null,
      notified_on: '2026-03-02',
      file_name: 'lists.xlsx',
      file_key: '00000000-0000-4000-8000-0000000000d1',
      sha256: '0'.repeat(64),
      spec_version: 'ilacs-2026',
      rows_read: REGISTER.length,
      errors: 0,
      queries: 0,
      status: 'accepted',
      uploaded_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [i, childId] of REGISTER.entries())
    await t.handle.db
      .insertInto('annex_a_children')
      .values({
        partnership_id: pid,
        import_id: importId,
        list: 'List 6',
        theme: false,
        row: i + 2,
        child_id: childId,
        dob: '2012-05-14',
        sex: null,
        ethnicity: null,
        disability: null,
        legal_status: null,
        event_date: null,
        current: true,
        values: '{}',
      })
      .execute()
}

const selected = async () =>
  (
    await t.handle.db
      .selectFrom('selected_children')
      .select(['id', 'child_ref', 'in_register', 'date_of_birth', 'name', 'source', 'chosen_for_audit'])
      .where('inspection_id', '=', inspectionId)
      .orderBy('position')
      .execute()
  ).map((r) => ({ ...r, date_of_birth: r.date_of_birth ? r.date_of_birth.slice(0, 10) : null }))

const post = (agent: Agent, path: string, fields: Record<string, string | string[]> = {}) =>
  agent
    .post(path)
    .type('form')
    .send({ _csrf: agent.csrf, ...fields })

function uploadFile(agent: Agent, content: Buffer, name: string) {
  return agent.post('/case-tracking/upload').field('_csrf', agent.csrf).attach('file', content, name)
}

const csv = (rows: string[][]) => Buffer.from(rows.map((r) => r.join(',')).join('\n'))

async function auditActions() {
  return t.handle.db
    .selectFrom('audit_events')
    .select(['action', 'summary', 'details'])
    .where('partnership_id', '=', pid)
    .where('action', 'like', 'case-%')
    .orderBy('seq')
    .execute()
}

beforeAll(async () => {
  t = await buildTestApp({ now: '2026-03-10T16:25:00Z' })
  pid = await createPartnership(t, 'Case tracking partnership')
  la = await createAgency(t, pid, 'Children’s services', 'la-childrens-services')
  police = await createAgency(t, pid, 'Police', 'police')
  health = await createAgency(t, pid, 'Health', 'health-icb')
  const coordinatorPerson = await createPerson(t, pid, ['inspection-coordinator'])
  const scope = {
    partnershipId: pid,
    personId: coordinatorPerson.id,
    name: 'Coordinator',
    roles: ['inspection-coordinator' as const],
    agencyId: null,
  }
  inspectionId = (
    await t.services.inspections.create(scope, {
      frameworkId: 'front-door',
      notifiedOn: '2026-03-09',
      notifiedTime: null,
      practice: false,
    })
  ).inspection.id
  await seedRegister()
  const policeLeadPerson = await createPerson(t, pid, ['agency-lead'], { agencyId: police })
  const deputy = await createPerson(t, pid, ['senior-approver'], { agencyId: police })
  policeLeadId = policeLeadPerson.id
  deputyId = deputy.id
  await t.handle.db.updateTable('people').set({ deputy_id: deputy.id }).where('id', '=', policeLeadId).execute()
  await createPerson(t, pid, ['agency-lead'], { agencyId: health })
  coordinator = await signIn(t, coordinatorPerson)
  laLead = await signIn(t, await createPerson(t, pid, ['agency-lead'], { agencyId: la }))
  policeLead = await signIn(t, policeLeadPerson)
  contributor = await signIn(t, await createPerson(t, pid, ['contributor'], { agencyId: health }))
  t.clock.set('2026-03-10T16:30:00Z')
}, 60_000)
afterAll(async () => t.close())

describe('the inspectors’ selection', () => {
  it('starts empty, and shows the navigation item to selection managers and agency people', async () => {
    const page = await coordinator.get('/case-tracking').expect(200)
    expect(page.text).toContain('No children have been selected yet')
    expect(page.text).toContain('href="/case-tracking"')
    const agencyPage = await contributor.get('/case-tracking').expect(200)
    expect(agencyPage.text).toContain('have not been released to the agencies yet')
    expect(agencyPage.text).not.toContain('Add a child')
  })

  it('adds a child from the register by ID (a POST), with the register’s date of birth, and one not in it with a warning', async () => {
    const res = await post(coordinator, '/case-tracking/children', { childRef: 'r1' }).expect(303)
    expect(res.headers.location).toBe('/case-tracking')
    await post(laLead, '/case-tracking/children', { childRef: 'Z9' }).expect(303)
    const leadPage = await laLead.get('/case-tracking').expect(200)
    expect(leadPage.text).toContain(
      'Child Z9 was added, but is not in the child register: check the ID. 2 children are selected.',
    )
    const page = await coordinator.get('/case-tracking').expect(200)
    expect(page.text).toContain('Not in the child register')
    expect(page.text).toContain('14 May 2012')
    expect(await selected()).toMatchObject([
      { child_ref: 'R1', in_register: true, date_of_birth: '2012-05-14', source: 'register' },
      { child_ref: 'Z9', in_register: false, date_of_birth: null },
    ])
    // Fewer than the usual 20 to 30: a warning, not a block.
    expect(page.text).toContain('2 children are selected. The inspectors usually select 20 to 30')
  })

  it('refuses a child already selected, and an empty ID, with the page shown again', async () => {
    const again = await post(coordinator, '/case-tracking/children', { childRef: 'R1' }).expect(400)
    expect(again.text).toContain('Child R1 is already selected')
    const empty = await post(coordinator, '/case-tracking/children', { childRef: ' ' }).expect(400)
    expect(empty.text).toContain('Enter the child ID')
    expect(await selected()).toHaveLength(2)
  })

  it('records every view of the selection as a read, by the children’s opaque ids, never their IDs', async () => {
    const before = (await auditActions()).filter((e) => e.action === 'case-selection.viewed').length
    await coordinator.get('/case-tracking').expect(200)
    const views = (await auditActions()).filter((e) => e.action === 'case-selection.viewed')
    expect(views).toHaveLength(before + 1)
    const last = views.at(-1)!
    const ids = (await selected()).map((c) => c.id)
    expect(last.details).toMatchObject({ children: 2, childIds: ids })
    for (const e of await auditActions()) {
      expect(JSON.stringify(e)).not.toContain('R1')
      expect(JSON.stringify(e)).not.toContain('Z9')
    }
  })

  it('keeps the selection from people who may not see child data', async () => {
    await post(policeLead, '/case-tracking/children', { childRef: 'R2' }).expect(403)
    await post(contributor, '/case-tracking/children', { childRef: 'R2' }).expect(403)
    const page = await policeLead.get('/case-tracking').expect(200)
    expect(page.text).not.toContain('R1')
    await policeLead.get('/case-tracking/upload').expect(403)
    await policeLead.get('/case-tracking/release').expect(403)
    await policeLead.get('/case-tracking/settings').expect(403)
  })

  it('checks an uploaded CSV before saving anything: duplicates, children not in the register and unreadable rows by row number', async () => {
    const res = await uploadFile(
      coordinator,
      csv([
        ['Child Unique ID', 'Forename', 'Surname', 'DOB', 'NHS Number', 'Keyworker'],
        ['R2', 'Amy', 'Stone', '14/05/2012', '9434765919', 'J Smith'],
        ['R3', 'Ben', 'Hall', '2012-05-14', '', ''],
        ['R2', 'Amy', 'Stone', '14/05/2012', '', ''],
        ['R1', 'Cy', 'Dee', '14/05/2012', '', ''],
        ['N7', 'Di', 'Eve', '01/02/2013', '', ''],
        ['', 'No', 'Id', '01/02/2013', '', ''],
        ['N8', 'Ed', 'Fox', '31/02/2013', '', ''],
      ]),
      'inspectors list.csv',
    ).expect(303)
    expect(res.headers.location).toBe('/case-tracking/upload/check')
    const check = await coordinator.get('/case-tracking/upload/check').expect(200)
    expect(check.text).toContain('3 children will be added. 5 children will then be selected.')
    expect(check.text).toContain('Row 4: child R2 is also on row 2. Only row 2 is added.')
    expect(check.text).toContain('Row 5: child R1 is already selected, so is not added again.')
    expect(check.text).toContain('Row 6: child N7')
    expect(check.text).toContain('Row 7: there is no child ID')
    expect(check.text).toContain('Row 8: the date of birth &quot;31/02/2013&quot; is not a real calendar date')
    expect(check.text).toContain('Keyworker: J Smith')
    // Nothing saved yet, and the upload itself is not kept in the file store.
    expect(await selected()).toHaveLength(2)
    const keys: string[] = []
    for await (const k of t.services.files.listKeys()) keys.push(k)
    expect(keys).toEqual([])
    await post(coordinator, '/case-tracking/upload/confirm').expect(303)
    expect((await selected()).map((c) => [c.child_ref, c.name, c.in_register, c.source])).toEqual([
      ['R1', null, true, 'register'],
      ['Z9', null, false, 'register'],
      ['R2', 'Amy Stone', true, 'upload'],
      ['R3', 'Ben Hall', true, 'upload'],
      ['N7', 'Di Eve', false, 'upload'],
    ])
    const added = (await auditActions()).find((e) => e.action === 'case-selection.list-added')!
    expect(added.summary).toBe('Added 3 children from the inspectors’ list')
    // The check is forgotten once confirmed.
    await coordinator.get('/case-tracking/upload/check').expect(303).expect('Location', '/case-tracking/upload')
  })

  it('reads an .xlsx list and saves nothing when the check is cancelled', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Children')
    ws.addRow(['Child ID', 'Child name', 'Date of Birth', 'Address'])
    ws.addRow(['R4', 'Gus Moe', new Date(Date.UTC(2014, 6, 9)), '2 Low Road'])
    const buffer = Buffer.from(await wb.xlsx.writeBuffer())
    await uploadFile(coordinator, buffer, 'list.xlsx').expect(303)
    const check = await coordinator.get('/case-tracking/upload/check').expect(200)
    expect(check.text).toContain('9 July 2014')
    expect(check.text).toContain('2 Low Road')
    await post(coordinator, '/case-tracking/upload/cancel').expect(303)
    expect(await selected()).toHaveLength(5)
  })

  it('says why a file cannot be used, and refuses a type it cannot read', async () => {
    const form = await coordinator.get('/case-tracking/upload').expect(200)
    expect(form.text).toContain('enctype="multipart/form-data"')
    await uploadFile(
      coordinator,
      csv([
        ['Name', 'Date of birth'],
        ['Amy', '01/01/2012'],
      ]),
      'x.csv',
    ).expect(303)
    const check = await coordinator.get('/case-tracking/upload/check').expect(200)
    expect(check.text).toContain('There is a problem')
    expect(check.text).toContain('No row of column headings with a child ID')
    expect(check.text).not.toContain('/case-tracking/upload/confirm')
    const pdf = await uploadFile(coordinator, Buffer.from('%PDF-1.7\n%%EOF\n'), 'list.pdf').expect(400)
    expect(pdf.text).toMatch(/must be an Excel workbook \(.xlsx\) or a CSV file|file type/i)
  })

  it('refuses an upload without a valid CSRF token, keeping nothing', async () => {
    await coordinator
      .post('/case-tracking/upload')
      .field('_csrf', 'wrong')
      .attach('file', csv([['Child ID'], ['R4']]), 'x.csv')
      .expect(403)
  })

  it('takes a child off before release', async () => {
    const z9 = (await selected()).find((c) => c.child_ref === 'Z9')!
    const res = await post(coordinator, `/case-tracking/children/${z9.id}/remove`).expect(303)
    expect(res.headers.location).toBe('/case-tracking')
    expect((await selected()).map((c) => c.child_ref)).toEqual(['R1', 'R2', 'R3', 'N7'])
    await post(coordinator, '/case-tracking/children/00000000-0000-4000-8000-000000000000/remove').expect(404)
  })
})

describe('working hours', () => {
  it('shows the defaults and refuses an end before the start and hours outside 1 to 24', async () => {
    const page = await coordinator.get('/case-tracking/settings').expect(200)
    expect(page.text).toContain('value="09:00"')
    expect(page.text).toContain('value="17:00"')
    const bad = await post(coordinator, '/case-tracking/settings', {
      dayStarts: '17:00',
      dayEnds: '9am',
      returnHours: '2',
    }).expect(400)
    expect(bad.text).toContain('The working day must end after it starts')
    const hours = await post(coordinator, '/case-tracking/settings', {
      dayStarts: '09:00',
      dayEnds: '17:00',
      returnHours: '30',
    }).expect(400)
    expect(hours.text).toContain('The working hours for a return must be 24 or fewer')
    const notTime = await post(coordinator, '/case-tracking/settings', {
      dayStarts: '25:00',
      dayEnds: '17:00',
      returnHours: '2',
    }).expect(400)
    expect(notTime.text).toContain('Enter the time the working day starts like 09:00 or 5:30pm')
  })

  it('saves the partnership’s hours (typed as people type them)', async () => {
    await post(coordinator, '/case-tracking/settings', { dayStarts: '8:30', dayEnds: '5pm', returnHours: '3' }).expect(
      303,
    )
    const row = await t.handle.db
      .selectFrom('case_tracking_settings')
      .selectAll()
      .where('partnership_id', '=', pid)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ day_starts: '08:30', day_ends: '17:00', return_hours: 3 })
    // Back to the defaults for the release below.
    await post(coordinator, '/case-tracking/settings', {
      dayStarts: '09:00',
      dayEnds: '17:00',
      returnHours: '2',
    }).expect(303)
  })
})

describe('release', () => {
  it('shows the deadline in working hours before confirming: released at 4:30pm, due 10:30am the next working day', async () => {
    const page = await coordinator.get('/case-tracking/release').expect(200)
    expect(page.text).toContain('11 March 2026 at 10:30am')
    expect(page.text).toContain('value="11"')
    expect(page.text).toContain('value="10:30"')
    expect(page.text).toContain('Children’s services, Health, Police')
  })

  it('refuses a deadline that is not in the future or not a time', async () => {
    const past = await post(coordinator, '/case-tracking/release', {
      'dueDate-day': '10',
      'dueDate-month': '3',
      'dueDate-year': '2026',
      dueTime: '9:00',
    }).expect(400)
    expect(past.text).toContain('The deadline must be in the future')
    const bad = await post(coordinator, '/case-tracking/release', {
      'dueDate-day': '11',
      'dueDate-month': '3',
      'dueDate-year': '2026',
      dueTime: 'soon',
    }).expect(400)
    expect(bad.text).toContain('Enter the time of the deadline like 10:30 or 2:30pm')
    const row = await t.handle.db.selectFrom('case_selections').select('released_at').executeTakeFirstOrThrow()
    expect(row.released_at).toBeNull()
  })

  it('releases with the deadline given: opens each in-scope agency’s return and tells its lead and their deputy at once', async () => {
    await post(coordinator, '/case-tracking/release', {
      'dueDate-day': '11',
      'dueDate-month': '3',
      'dueDate-year': '2026',
      dueTime: '11:00',
    }).expect(303)
    const selection = await t.handle.db.selectFrom('case_selections').selectAll().executeTakeFirstOrThrow()
    expect(new Date(selection.due_at!).toISOString()).toBe('2026-03-11T11:00:00.000Z')
    expect(new Date(selection.released_at!).toISOString()).toBe('2026-03-10T16:30:00.000Z')
    const returns = await t.handle.db
      .selectFrom('agency_returns')
      .select('agency_id')
      .where('inspection_id', '=', inspectionId)
      .execute()
    expect(returns.map((r) => r.agency_id).sort()).toEqual([la, police, health].sort())
    const told = await t.handle.db
      .selectFrom('notifications')
      .select(['person_id', 'kind', 'critical', 'title', 'body', 'link'])
      .where('partnership_id', '=', pid)
      .where('kind', '=', 'return-requested')
      .execute()
    // The police lead and their deputy, the health lead and the children's services lead.
    expect(told).toHaveLength(4)
    expect(told.map((n) => n.person_id)).toEqual(expect.arrayContaining([policeLeadId, deputyId]))
    for (const n of told) {
      expect(n).toMatchObject({
        critical: true,
        link: '/case-tracking/return',
        title: 'Say which of the inspectors’ 4 children your agency knows by 11:00am on 11 March 2026',
      })
      for (const id of ['R1', 'R2', 'R3', 'N7', 'Amy']) expect(`${n.title} ${n.body}`).not.toContain(id)
    }
    const emails = await t.handle.db
      .selectFrom('outbox_messages')
      .select('kind')
      .where('kind', '=', 'return-requested')
      .execute()
    expect(emails).toHaveLength(4)
    const page = await coordinator.get('/case-tracking').expect(200)
    expect(page.text).toContain('11 March 2026 at 11:00am')
  })

  it('cannot release twice, or take a child off once released; a child added now joins the returns', async () => {
    const again = await post(coordinator, '/case-tracking/release', {
      'dueDate-day': '11',
      'dueDate-month': '3',
      'dueDate-year': '2026',
      dueTime: '12:00',
    }).expect(409)
    expect(again.text).toContain('already released')
    const r1 = (await selected()).find((c) => c.child_ref === 'R1')!
    await post(coordinator, `/case-tracking/children/${r1.id}/remove`).expect(409)
    // One agency has already submitted its return: the new child opens it again.
    const returns = () =>
      t.handle.db
        .selectFrom('agency_returns')
        .select(['agency_id', 'submitted_at'])
        .where('partnership_id', '=', pid)
        .orderBy('agency_id')
        .execute()
    const submittedAgency = (await returns())[0]!.agency_id
    await t.handle.db
      .updateTable('agency_returns')
      .set({ submitted_at: new Date('2026-03-11T10:00:00Z') })
      .where('agency_id', '=', submittedAgency)
      .execute()
    await post(coordinator, '/case-tracking/children', { childRef: 'R4' }).expect(303)
    expect((await returns()).every((r) => r.submitted_at === null)).toBe(true)
    const told = await t.handle.db
      .selectFrom('notifications as n')
      .innerJoin('people as p', 'p.id', 'n.person_id')
      .select(['n.body', 'p.agency_id'])
      .where('n.partnership_id', '=', pid)
      .where('n.title', 'like', 'The inspectors added%')
      .execute()
    for (const n of told) expect(n.body.includes('open again')).toBe(n.agency_id === submittedAgency)
    const events = await t.handle.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'case-selection.child-added')
      .execute()
    expect(events.map((e) => e.details.returnsReopened)).toContain(1)
    expect(await selected()).toHaveLength(5)
    // The agencies are told a child joined their returns (no child's details), once.
    const added = await t.handle.db
      .selectFrom('notifications')
      .select(['person_id', 'title', 'body'])
      .where('partnership_id', '=', pid)
      .where('title', 'like', 'The inspectors added%')
      .execute()
    expect(added).toHaveLength(4)
    expect(added[0]!.title).toBe('The inspectors added a child to the list your agency answers for')
    for (const n of added) expect(`${n.title} ${n.body}`).not.toContain('R4')
  })

  it('sends agency people to their return once released', async () => {
    const page = await policeLead.get('/case-tracking').expect(200)
    expect(page.text).toContain('href="/case-tracking/return"')
    expect(page.text).toContain('11 March 2026 at 11:00am')
  })
})

describe('the choice for audit', () => {
  it('records the children chosen and when, shows the agencies that know each, and warns outside 5 to 7', async () => {
    const children = await selected()
    const r2 = children.find((c) => c.child_ref === 'R2')!
    const r3 = children.find((c) => c.child_ref === 'R3')!
    await t.handle.db
      .insertInto('return_answers')
      .values(
        [police, health].map((agencyId) => ({
          partnership_id: pid,
          inspection_id: inspectionId,
          selected_child_id: r2.id,
          agency_id: agencyId,
          known: 'yes' as const,
          version: 1,
          late: false,
          updated_at: t.clock.now(),
        })),
      )
      .execute()
    const page = await coordinator.get('/case-tracking/audit-choice').expect(200)
    expect(page.text).toContain('Known to Health, Police')
    await post(coordinator, '/case-tracking/audit-choice', { children: [r2.id, r3.id] }).expect(303)
    expect((await selected()).filter((c) => c.chosen_for_audit).map((c) => c.child_ref)).toEqual(['R2', 'R3'])
    const selection = await t.handle.db.selectFrom('case_selections').selectAll().executeTakeFirstOrThrow()
    expect(new Date(selection.audit_chosen_at!).toISOString()).toBe('2026-03-10T16:30:00.000Z')
    const after = await coordinator.get('/case-tracking/audit-choice').expect(200)
    expect(after.text).toContain('2 children are chosen for audit. The inspectors usually choose 5 to 7')
    expect(after.text).toContain('Case audits to open')
    expect(after.text).toContain('No agency has said it knows this child')
    // Choosing again replaces the choice.
    await post(coordinator, '/case-tracking/audit-choice', { children: r3.id }).expect(303)
    expect((await selected()).filter((c) => c.chosen_for_audit).map((c) => c.child_ref)).toEqual(['R3'])
  })

  it('refuses a child that is not on the list', async () => {
    const res = await post(coordinator, '/case-tracking/audit-choice', {
      children: '00000000-0000-4000-8000-000000000000',
    }).expect(400)
    expect(res.text).toContain('Choose from the children on the list')
  })
})

describe('another partnership', () => {
  it('sees none of this partnership’s selection', async () => {
    const other = await createPartnership(t, 'Other')
    const admin = await signIn(t, await createPerson(t, other, ['administrator']))
    const page = await admin.get('/case-tracking').expect(200)
    expect(page.text).toContain('There is no open inspection')
    const r1 = (await selected()).find((c) => c.child_ref === 'R1')!
    await post(admin, `/case-tracking/children/${r1.id}/remove`).expect(404)
  })
})
