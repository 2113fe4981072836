import request from 'supertest'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { currentTotp } from '../../src/services/totp'
import { buildTestApp, createPartnership, createPerson, csrfFrom, signIn, TEST_PASSWORD, type TestApp } from '../support/app'

let t: TestApp
beforeEach(async () => {
  t = await buildTestApp()
})
afterEach(async () => t.close())

describe('first-run set-up', () => {
  it('creates the partnership and first administrator, then enrols TOTP before signing in', async () => {
    const token = await t.services.setup.issueSetupToken()
    expect(token).toBeTruthy()
    const agent = request.agent(t.app)
    const form = await agent.get(`/setup/${token}`).expect(200)
    expect(form.text).toContain('Set up JTAI Ready')

    const bad = await agent.post(`/setup/${token}`).type('form').send({ _csrf: csrfFrom(form.text), partnershipName: '', name: 'Ada', email: 'not-an-email', jobTitle: '', password: 'short', confirm: 'short' }).expect(400)
    expect(bad.text).toContain('<title>Error: Set up JTAI Ready')
    expect(bad.text).toContain('Enter the name of your safeguarding children partnership')
    // Every problem in one round, the password's included.
    expect(bad.text).toContain('at least 12 characters')
    expect(await t.services.setup.needsSetup()).toBe(true)

    await agent
      .post(`/setup/${token}`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), partnershipName: 'Testshire SCP', name: 'Ada Admin', email: 'Ada@Example.org', jobTitle: 'Business manager', password: TEST_PASSWORD, confirm: TEST_PASSWORD })
      .expect(303)
      .expect('Location', '/sign-in/set-up-authenticator')
    const enrol = await agent.get('/sign-in/set-up-authenticator').expect(200)
    expect(enrol.text).toContain('data:image/png;base64')
    const secret = /id="secret">([A-Z2-7 ]+)</.exec(enrol.text)![1]!.replace(/ /g, '')

    const wrong = await agent.post('/sign-in/set-up-authenticator').type('form').send({ _csrf: csrfFrom(enrol.text), code: '000000' }).expect(400)
    expect(wrong.text).toContain('Enter the 6-digit code your authenticator app shows')
    await agent.post('/sign-in/set-up-authenticator').type('form').send({ _csrf: csrfFrom(enrol.text), code: currentTotp(secret, t.clock.now()) }).expect(303).expect('Location', '/')
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('Testshire SCP')
    expect(home.text).toContain('Welcome, Ada Admin')

    // The link is single-use.
    await request(t.app).get(`/setup/${token}`).expect(404)
    const audit = await t.handle.db.selectFrom('audit_events').select('action').orderBy('seq').execute()
    expect(audit.map((a) => a.action)).toEqual(['partnership.created', 'person.created', 'person.totp-enrolled', 'session.signed-in'])
  })
})

describe('sign-in', () => {
  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'], { email: 'known@example.org' })
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in')).text)
    const unknown = await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: 'nobody@example.org', password: TEST_PASSWORD }).expect(400)
    const wrong = await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: admin.email, password: 'wrong password here' }).expect(400)
    const strip = (s: string) => s.replace(/name="_csrf" value="[^"]+"/g, '').replace(/value="[^"]*@example.org"/g, '').replace(/nonce="[^"]+"/g, '')
    expect(strip(unknown.text)).toBe(strip(wrong.text))
    expect(unknown.text).toContain('Enter a correct email address and password')
  })

  it('throttles repeated failures even with the right password', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in')).text)
    for (let i = 0; i < 5; i++) await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: admin.email, password: 'wrong password here' }).expect(400)
    const locked = await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD }).expect(400)
    expect(locked.text).toContain('too many attempts')
    t.clock.advance(16 * 60_000)
    await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD }).expect(303)
  })

  it('refuses a replayed TOTP code', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const a1 = await signIn(t, admin)
    await a1.post('/sign-out').type('form').send({ _csrf: a1.csrf }).expect(303)
    const agent = request.agent(t.app)
    let csrf = csrfFrom((await agent.get('/sign-in')).text)
    await agent.post('/sign-in').type('form').send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD }).expect(303)
    csrf = csrfFrom((await agent.get('/sign-in/code')).text)
    // Same 30-second step as the sign-in above.
    const res = await agent.post('/sign-in/code').type('form').send({ _csrf: csrf, code: currentTotp(admin.totpSecret, t.clock.now()) }).expect(400)
    expect(res.text).toContain('already been used')
  })

  it('signs out after 30 idle minutes and after 12 hours regardless', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = await signIn(t, admin)
    t.clock.advance(29 * 60_000)
    await agent.get('/').expect(200)
    t.clock.advance(31 * 60_000)
    await agent.get('/').expect(303).expect('Location', '/sign-in')
    const again = await signIn(t, admin)
    for (let i = 0; i < 25; i++) {
      t.clock.advance(29 * 60_000)
      await again.post('/session/keep-alive').type('form').send({ _csrf: again.csrf })
    }
    await again.get('/').expect(303).expect('Location', '/sign-in')
  })

  it('sign-out ends the server session', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = await signIn(t, admin)
    expect(await t.handle.db.selectFrom('sessions').select('sid').where('person_id', '=', admin.id).execute()).toHaveLength(1)
    await agent.post('/sign-out').type('form').send({ _csrf: agent.csrf }).expect(303).expect('Location', '/signed-out')
    expect(await t.handle.db.selectFrom('sessions').select('sid').where('person_id', '=', admin.id).execute()).toHaveLength(0)
    await agent.get('/').expect(303)
  })

  it('ends an inspector’s access after their end date', async () => {
    const p = await createPartnership(t, 'P')
    const inspector = await createPerson(t, p, ['inspector'], { accessEndsOn: '2026-03-03' })
    t.clock.set('2026-03-03T23:40:00Z')
    const agent = await signIn(t, inspector)
    t.clock.set('2026-03-03T23:55:00Z')
    await agent.get('/').expect(200)
    // Five minutes past midnight: not idle, but access ended with the 3rd of March.
    t.clock.set('2026-03-04T00:05:00Z')
    await agent.get('/').expect(303)
    const fresh = request.agent(t.app)
    const csrf = csrfFrom((await fresh.get('/sign-in')).text)
    await fresh.post('/sign-in').type('form').send({ _csrf: csrf, email: inspector.email, password: TEST_PASSWORD }).expect(400)
  })

  it('refuses a form without a CSRF token', async () => {
    const agent = request.agent(t.app)
    await agent.get('/sign-in')
    const res = await agent.post('/sign-in').type('form').send({ email: 'a@example.org', password: 'x' }).expect(403)
    expect(res.text).toContain('Your form could not be sent')
  })
})
