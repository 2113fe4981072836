import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  csrfFrom,
  type Agent,
  type TestApp,
  type TestPerson,
} from '../../../test/support/app'
import { signIn } from '../../../test/support/app'

let t: TestApp
let admin: Agent
let partnershipId: string
const auditCount = async () =>
  (await t.handle.db.selectFrom('audit_events').select('seq').where('partnership_id', '=', partnershipId).execute())
    .length

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
}, 60_000)
afterAll(async () => t.close())

describe('agencies', () => {
  it('adds an agency and records it in the audit log', async () => {
    const before = await auditCount()
    const res = await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Anytown Police', type: 'police', isStatutory: 'yes' })
      .expect(303)
    const page = await admin.get(res.headers.location!).expect(200)
    expect(page.text).toContain('Anytown Police has been added')
    expect(await auditCount()).toBe(before + 1)
    const list = await admin.get('/agencies').expect(200)
    expect(list.text).toContain('Anytown Police')
  })

  it('only lets the local authority, the ICB and the police be flagged as statutory partners', async () => {
    const res = await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Anytown Hospitals', type: 'health-provider', isStatutory: 'yes' })
      .expect(400)
    expect(res.text).toContain(
      'Select No: an agency of type “Health – provider trust” is not a statutory safeguarding partner',
    )
    expect(res.text).toContain('href="#isStatutory"')
    // A second police force can be in the partnership without being the statutory partner.
    await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'British Transport Police', type: 'police', isStatutory: 'no' })
      .expect(303)
  })

  it('explains every problem and writes nothing', async () => {
    const before = await auditCount()
    const res = await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: '  ', type: 'spaceship' })
      .expect(400)
    expect(res.text).toContain('<title>Error: Add an agency')
    expect(res.text).toContain('govuk-error-summary')
    expect(res.text).toContain('Enter the agency’s name')
    expect(res.text).toContain('Select the type of agency')
    expect(res.text).toContain('Select whether the agency is a statutory safeguarding partner')
    expect(res.text).toContain('href="#name"')
    expect(await auditCount()).toBe(before)
  })

  it('refuses a duplicate name', async () => {
    await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Anytown Schools', type: 'education', isStatutory: 'no' })
      .expect(303)
    const res = await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'anytown schools', type: 'education', isStatutory: 'no' })
      .expect(400)
    expect(res.text).toContain('already exists')
  })

  it('rejects fields the form does not have', async () => {
    const res = await admin
      .post('/agencies/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Sneaky', type: 'police', isStatutory: 'no', partnership_id: 'x' })
      .expect(400)
    expect(res.text).toContain('fields this page does not accept')
    expect(await t.handle.db.selectFrom('agencies').select('id').where('name', '=', 'Sneaky').execute()).toHaveLength(0)
  })

  it('only lets a senior approver from the agency approve for it', async () => {
    const agencyId = await createAgency(t, partnershipId, 'Anytown ICB', 'health-icb')
    const contributor = await createPerson(t, partnershipId, ['contributor'], { agencyId })
    const approver = await createPerson(t, partnershipId, ['senior-approver'], { agencyId })
    const notApprover = await admin
      .post(`/agencies/${agencyId}/edit`)
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Anytown ICB',
        type: 'health-icb',
        isStatutory: 'yes',
        seniorApproverId: contributor.id,
      })
      .expect(400)
    expect(notApprover.text).toContain('does not have the senior approver role')
    await admin
      .post(`/agencies/${agencyId}/edit`)
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Anytown ICB',
        type: 'health-icb',
        isStatutory: 'yes',
        seniorApproverId: approver.id,
      })
      .expect(303)
    const page = await admin.get(`/agencies/${agencyId}`).expect(200)
    expect(page.text).toContain('Test senior-approver')
  })
})

describe('people', () => {
  let agencyId: string
  beforeAll(async () => {
    agencyId = await createAgency(t, partnershipId, 'Anytown Children’s Services', 'la-childrens-services')
  })

  it('adds a person with roles', async () => {
    const res = await admin
      .post('/people/new')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Priya Lead',
        email: 'Priya.Lead@Example.org',
        jobTitle: 'Head of service',
        agencyId,
        roles: ['agency-lead', 'contributor'],
      })
      .expect(303)
    const page = await admin.get(res.headers.location!).expect(200)
    expect(page.text).toContain('priya.lead@example.org')
    expect(page.text).toContain('Agency lead, Contributor')
    expect(page.text).toContain('Has not set a password yet')
  })

  it('needs an end date for an inspector, and no other role', async () => {
    const res = await admin
      .post('/people/new')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Ina Spector',
        email: 'ina@ofsted.example',
        roles: ['inspector', 'contributor'],
      })
      .expect(400)
    expect(res.text).toContain('An inspector cannot have any other role')
    const noDate = await admin
      .post('/people/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Ina Spector', email: 'ina@ofsted.example', roles: 'inspector' })
      .expect(400)
    expect(noDate.text).toContain('Enter the date the inspector’s access ends')
    const badDate = await admin
      .post('/people/new')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Ina Spector',
        email: 'ina@ofsted.example',
        roles: 'inspector',
        'accessEndsOn-day': '31',
        'accessEndsOn-month': '2',
        'accessEndsOn-year': '2026',
      })
      .expect(400)
    expect(badDate.text).toContain('must be a real date')
    await admin
      .post('/people/new')
      .type('form')
      .send({
        _csrf: admin.csrf,
        name: 'Ina Spector',
        email: 'ina@ofsted.example',
        roles: 'inspector',
        'accessEndsOn-day': '20',
        'accessEndsOn-month': '3',
        'accessEndsOn-year': '2026',
      })
      .expect(303)
  })

  it('refuses an email address someone already uses', async () => {
    const res = await admin
      .post('/people/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Copy', email: 'priya.lead@example.org', agencyId, roles: 'contributor' })
      .expect(400)
    expect(res.text).toContain('Someone already uses this email address')
  })

  it('refuses an address another partnership uses without saying that someone there has it', async () => {
    const other = await createPartnership(t, 'Another partnership')
    const stranger = await createPerson(t, other, ['contributor'])
    const res = await admin
      .post('/people/new')
      .type('form')
      .send({ _csrf: admin.csrf, name: 'Copy', email: stranger.email, agencyId, roles: 'contributor' })
      .expect(400)
    expect(res.text).toContain('This email address cannot be used')
    expect(res.text).not.toContain('already uses')
    expect(
      await t.handle.db.selectFrom('people').select('id').where('email', '=', stranger.email).execute(),
    ).toHaveLength(1)
  })

  it('marks a principal unavailable with a named deputy', async () => {
    const principal = await createPerson(t, partnershipId, ['agency-lead'], { agencyId })
    const deputy = await createPerson(t, partnershipId, ['agency-lead'], { agencyId })
    const noDeputy = await admin
      .post(`/people/${principal.id}/availability`)
      .type('form')
      .send({ _csrf: admin.csrf, unavailable: 'yes', deputyId: '' })
      .expect(400)
    expect(noDeputy.text).toContain('Select who acts for')
    await admin
      .post(`/people/${principal.id}/availability`)
      .type('form')
      .send({ _csrf: admin.csrf, unavailable: 'yes', deputyId: deputy.id })
      .expect(303)
    const page = await admin.get(`/people/${principal.id}`).expect(200)
    expect(page.text).toContain('acts for them')
  })

  it('offers and accepts as a deputy only an active colleague of the same agency, never an inspector', async () => {
    const otherAgencyId = await createAgency(t, partnershipId, 'Anytown Police (deputies)', 'police')
    const principal = await createPerson(t, partnershipId, ['agency-lead'], { agencyId })
    const colleague = await createPerson(t, partnershipId, ['contributor'], { agencyId })
    const leaver = await createPerson(t, partnershipId, ['contributor'], { agencyId })
    await admin
      .post(`/people/${leaver.id}/disable`)
      .type('form')
      .send({ _csrf: admin.csrf, confirm: 'yes' })
      .expect(303)
    const inspector = await createPerson(t, partnershipId, ['inspector'])
    const elsewhere = await createPerson(t, partnershipId, ['agency-lead'], { agencyId: otherAgencyId })

    const form = await admin.get(`/people/${principal.id}/availability`).expect(200)
    expect(form.text).toContain(`value="${colleague.id}"`)
    for (const refused of [inspector, elsewhere, leaver, principal])
      expect(form.text).not.toContain(`value="${refused.id}"`)

    // A crafted POST is refused with a message for the field, and nothing is written.
    const deputyOf = async () =>
      (
        await t.handle.db
          .selectFrom('people')
          .select('deputy_id')
          .where('id', '=', principal.id)
          .executeTakeFirstOrThrow()
      ).deputy_id
    const before = await auditCount()
    const cases: [TestPerson, string][] = [
      [inspector, 'is an inspector and cannot be a deputy'],
      [elsewhere, 'does not work for Anytown Children’s Services'],
      [leaver, 'can no longer sign in, so cannot be a deputy'],
      [principal, 'A person cannot be their own deputy'],
    ]
    for (const [refused, message] of cases) {
      const res = await admin
        .post(`/people/${principal.id}/availability`)
        .type('form')
        .send({ _csrf: admin.csrf, unavailable: 'yes', deputyId: refused.id })
        .expect(400)
      expect(res.text).toContain('govuk-error-summary')
      expect(res.text).toContain('href="#deputyId"')
      expect(res.text).toContain(message)
    }
    expect(await deputyOf()).toBeNull()
    expect(await auditCount()).toBe(before)

    await admin
      .post(`/people/${principal.id}/availability`)
      .type('form')
      .send({ _csrf: admin.csrf, unavailable: 'yes', deputyId: colleague.id })
      .expect(303)
    expect(await deputyOf()).toBe(colleague.id)
    expect((await admin.get(`/people/${principal.id}`).expect(200)).text).not.toContain('no longer qualifies')
    // A deputy who later leaves (here: is disabled) is flagged on the principal's page.
    await admin
      .post(`/people/${colleague.id}/disable`)
      .type('form')
      .send({ _csrf: admin.csrf, confirm: 'yes' })
      .expect(303)
    expect((await admin.get(`/people/${principal.id}`).expect(200)).text).toContain(
      'Their deputy no longer qualifies: Test contributor can no longer sign in, so cannot be a deputy',
    )
  })

  it('keeps an optional phone number, checked leniently, and shows it in the directory', async () => {
    const send = (phone: string, email: string) =>
      admin
        .post('/people/new')
        .type('form')
        .send({ _csrf: admin.csrf, name: 'Phil Phone', email, agencyId, roles: 'agency-lead', phone })
    const badCharacters = await send('01632 960001 ext 4', 'phil.1@example.org').expect(400)
    expect(badCharacters.text).toContain('href="#phone"')
    expect(badCharacters.text).toContain(
      'A phone number can only include numbers 0 to 9, spaces, brackets and a + sign at the start',
    )
    const tooShort = await send('01632 960', 'phil.2@example.org').expect(400)
    expect(tooShort.text).toContain(
      'Enter a phone number in the correct format, like 01632 960 001, 07700 900 982 or +44 808 157 0192',
    )
    expect(await t.handle.db.selectFrom('people').select('id').where('name', '=', 'Phil Phone').execute()).toHaveLength(
      0,
    )
    for (const ok of ['+44 (0)1632  960 001', '(01632) 960001', '07700 900 982', '0044 7700 900982'])
      await send(ok, `phil.${ok.replace(/\D/g, '')}@example.org`).expect(303)
    const created = await send('  01632 960 002 ', 'phil.lead@example.org').expect(303)
    const person = await admin.get(created.headers.location!).expect(200)
    expect(person.text).toContain('01632 960 002')
    expect((await admin.get('/people').expect(200)).text).toContain('+44 (0)1632 960 001')
    expect((await admin.get(`/agencies/${agencyId}`).expect(200)).text).toContain('01632 960 002')

    // Changed, then taken away, on the edit form; the audit log says only that it changed.
    const id = created.headers.location!.split('/').pop()!
    const edit = (phone: string) =>
      admin.post(`/people/${id}/edit`).type('form').send({
        _csrf: admin.csrf,
        name: 'Phil Phone',
        email: 'phil.lead@example.org',
        agencyId,
        roles: 'agency-lead',
        phone,
      })
    await edit('07700 900 983').expect(303)
    expect((await admin.get(`/people/${id}/edit`).expect(200)).text).toContain('value="07700 900 983"')
    await edit('').expect(303)
    const row = await t.handle.db.selectFrom('people').select('phone').where('id', '=', id).executeTakeFirstOrThrow()
    expect(row.phone).toBeNull()
    const event = await t.handle.db
      .selectFrom('audit_events')
      .select('details')
      .where('entity_id', '=', id)
      .where('action', '=', 'person.updated')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(event.details)).toContain('"phoneChanged":true')
    expect(JSON.stringify(event.details)).not.toContain('07700')
  })

  it('disabling a person ends their sessions at once', async () => {
    const person: TestPerson = await createPerson(t, partnershipId, ['contributor'], { agencyId })
    const theirs = await signIn(t, person)
    await admin.post(`/people/${person.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(400)
    await admin
      .post(`/people/${person.id}/disable`)
      .type('form')
      .send({ _csrf: admin.csrf, confirm: 'yes' })
      .expect(303)
    await theirs.get('/').expect(303).expect('Location', '/sign-in')
    await admin.post(`/people/${person.id}/enable`).type('form').send({ _csrf: admin.csrf }).expect(303)
  })

  it('issues a one-time password link that sets a password and is then spent', async () => {
    const person = await createPerson(t, partnershipId, ['contributor'], { agencyId })
    const res = await admin
      .post(`/people/${person.id}/reset`)
      .type('form')
      .send({ _csrf: admin.csrf, resetTotp: 'yes' })
      .expect(200)
    expect(res.headers['cache-control']).toContain('no-store')
    const link = /id="reset-link">([^<]+)</.exec(res.text)![1]!
    const path = new URL(link).pathname
    const agent = request.agent(t.app)
    const form = await agent.get(path).expect(200)
    const short = await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password: 'short', confirm: 'short' })
      .expect(400)
    expect(short.text).toContain('at least 12 characters')
    await agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), password: 'a brand new long password', confirm: 'a brand new long password' })
      .expect(303)
      .expect('Location', '/sign-in')
    await request(t.app).get(path).expect(404)
    const signInPage = await agent.get('/sign-in')
    await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrfFrom(signInPage.text), email: person.email, password: 'a brand new long password' })
      .expect(303)
      .expect('Location', '/sign-in/set-up-authenticator')
  })

  it('lets an administrator browse and filter the audit log', async () => {
    const page = await admin.get('/audit?action=agency.created').expect(200)
    expect(page.text).toContain('Added agency Anytown Police')
    expect(page.text).not.toContain('set a new password')
  })

  it('filters the audit log by type, person and dates, and a bad filter value finds nothing instead of failing', async () => {
    const byType = await admin.get('/audit?type=agency').expect(200)
    expect(byType.text).toContain('Added agency Anytown Police')
    expect(byType.text).not.toContain('Added person')
    const adminId = (
      await t.handle.db
        .selectFrom('audit_events')
        .select('actor_id')
        .where('partnership_id', '=', partnershipId)
        .where('action', '=', 'agency.created')
        .executeTakeFirstOrThrow()
    ).actor_id!
    expect((await admin.get(`/audit?person=${adminId}`).expect(200)).text).toContain('Added agency Anytown Police')
    expect((await admin.get('/audit?person=00000000-0000-4000-8000-000000000000').expect(200)).text).not.toContain(
      'Added agency Anytown Police',
    )
    expect((await admin.get('/audit?person=abc').expect(200)).text).not.toContain('Added agency Anytown Police')
    // The test clock stands on 2 March 2026.
    expect((await admin.get('/audit?from=2026-03-02&to=2026-03-02').expect(200)).text).toContain(
      'Added agency Anytown Police',
    )
    expect((await admin.get('/audit?from=2026-03-03').expect(200)).text).not.toContain('Added agency Anytown Police')
    expect((await admin.get('/audit?from=not-a-date&page=zz').expect(200)).text).toContain(
      'Added agency Anytown Police',
    )
  })

  it('shows people only the actions they may take', async () => {
    const colleague = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId }))
    for (const [agent, may] of [
      [admin, true],
      [colleague, false],
    ] as const) {
      expect((await agent.get('/people').expect(200)).text.includes('href="/people/new"')).toBe(may)
      expect((await agent.get('/agencies').expect(200)).text.includes('href="/agencies/new"')).toBe(may)
      const agency = (await agent.get(`/agencies/${agencyId}`).expect(200)).text
      expect(agency.includes(`href="/agencies/${agencyId}/edit"`)).toBe(may)
      expect(agency.includes('href="/people/new?agency=')).toBe(may)
    }
  })

  it('lists nobody for an agency filter that is not an agency, instead of failing', async () => {
    const res = await admin.get('/people?agency=abc').expect(200)
    expect(res.text).not.toContain('Test administrator')
    expect((await admin.get('/people').expect(200)).text).toContain('Test administrator')
  })
})
