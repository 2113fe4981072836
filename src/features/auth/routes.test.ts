import request from 'supertest'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { countFailure } from './repository'
import { createAuthService } from './service'
import { currentTotp } from './totp'
import type { DatabaseHandle } from '../../db/database'
import {
  buildTestApp,
  createPartnership,
  createPerson,
  csrfFrom,
  signIn,
  TEST_PASSWORD,
  type TestApp,
} from '../../../test/support/app'
import { emptyTestDatabase, openTestPglite } from '../../../test/support/pglite'

// Each test gets a new app (services, clock, file store) on an emptied database: first-run set-up needs
// a database with no partnership in it. One PGlite for the file, emptied between tests, is much faster
// than starting one per test.
let handle: DatabaseHandle
let t: TestApp
beforeAll(async () => {
  handle = await openTestPglite()
}, 60_000)
beforeEach(async () => {
  await emptyTestDatabase(handle)
  t = await buildTestApp({ handle })
})
afterAll(async () => handle.close())

describe('first-run set-up', () => {
  it('creates the partnership and first administrator, then enrols TOTP before signing in', async () => {
    const token = (await t.services.setup.issueSetupToken()) ?? ''
    expect(token).toBeTruthy()
    const agent = request.agent(t.app)
    const form = await agent.get(`/setup/${token}`).expect(200)
    expect(form.text).toContain('Set up JTAI Ready')

    const bad = await agent
      .post(`/setup/${token}`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        partnershipName: '',
        name: 'Ada',
        email: 'not-an-email',
        jobTitle: '',
        password: 'short',
        confirm: 'short',
      })
      .expect(400)
    expect(bad.text).toContain('<title>Error: Set up JTAI Ready')
    expect(bad.text).toContain('Enter the name of your safeguarding children partnership')
    // Every problem in one round, the password's included.
    expect(bad.text).toContain('at least 12 characters')
    expect(await t.services.setup.needsSetup()).toBe(true)

    await agent
      .post(`/setup/${token}`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        partnershipName: 'Testshire SCP',
        name: 'Ada Admin',
        email: 'Ada@Example.org',
        jobTitle: 'Business manager',
        password: TEST_PASSWORD,
        confirm: TEST_PASSWORD,
      })
      .expect(303)
      .expect('Location', '/sign-in/set-up-authenticator')
    const enrol = await agent.get('/sign-in/set-up-authenticator').expect(200)
    expect(enrol.text).toContain('data:image/png;base64')
    const secret = /id="secret">([A-Z2-7 ]+)</.exec(enrol.text)![1]!.replace(/ /g, '')

    const wrong = await agent
      .post('/sign-in/set-up-authenticator')
      .type('form')
      .send({ _csrf: csrfFrom(enrol.text), code: '000000' })
      .expect(400)
    expect(wrong.text).toContain('Enter the 6-digit code your authenticator app shows')
    await agent
      .post('/sign-in/set-up-authenticator')
      .type('form')
      .send({ _csrf: csrfFrom(enrol.text), code: currentTotp(secret, t.clock.now()) })
      .expect(303)
      .expect('Location', '/')
    const home = await agent.get('/').expect(200)
    expect(home.text).toContain('Testshire SCP')
    expect(home.text).toContain('Welcome, Ada Admin')

    // The link is single-use.
    await request(t.app).get(`/setup/${token}`).expect(404)
    const audit = await t.handle.db.selectFrom('audit_events').select('action').orderBy('seq').execute()
    expect(audit.map((a) => a.action)).toEqual([
      'partnership.created',
      'person.created',
      'person.totp-enrolled',
      'session.signed-in',
    ])
  })
})

describe('sign-in', () => {
  it('gives the same answer for an unknown email as for a wrong password', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'], { email: 'known@example.org' })
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in')).text)
    const unknown = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: 'nobody@example.org', password: TEST_PASSWORD })
      .expect(400)
    const wrong = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admin.email, password: 'wrong password here' })
      .expect(400)
    const strip = (s: string) =>
      s
        .replace(/name="_csrf" value="[^"]+"/g, '')
        .replace(/value="[^"]*@example.org"/g, '')
        .replace(/nonce="[^"]+"/g, '')
    expect(strip(unknown.text)).toBe(strip(wrong.text))
    expect(unknown.text).toContain('Enter a correct email address and password')
  })

  it('throttles repeated failures even with the right password', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in')).text)
    for (let i = 0; i < 5; i++)
      await agent
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrf, email: admin.email, password: 'wrong password here' })
        .expect(400)
    const locked = await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD })
      .expect(400)
    expect(locked.text).toContain('too many attempts')
    t.clock.advance(16 * 60_000)
    await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD })
      .expect(303)
  })

  it('counts failures per email and, with a much higher limit, per IP address: one office cannot lock everyone out', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const office = '203.0.113.7'
    const agent = request.agent(t.app)
    const csrf = csrfFrom((await agent.get('/sign-in')).text)
    const send = (email: string, password: string) =>
      agent.post('/sign-in').set('X-Forwarded-For', office).type('form').send({ _csrf: csrf, email, password })
    for (let i = 0; i < 6; i++) await send(`colleague-${i}@example.org`, 'wrong password here').expect(400)
    // Six failures from the office's address, on six different emails: a correct sign-in still works.
    await send(admin.email, TEST_PASSWORD).expect(303).expect('Location', '/sign-in/code')
  })

  it('locks an IP address at its own limit, and counts failures atomically', async () => {
    const auth = createAuthService({ db: t.handle.db, clock: t.clock, signInIpLimit: 8 })
    const ip = '198.51.100.9'
    for (let i = 0; i < 7; i++)
      expect((await auth.checkPassword(`someone-${i}@example.org`, 'wrong password here', ip)).status).toBe('invalid')
    expect((await auth.checkPassword('another@example.org', 'wrong password here', ip)).status).toBe('invalid')
    expect(await auth.checkPassword('and-another@example.org', 'wrong password here', ip)).toEqual({
      status: 'throttled',
      minutes: 15,
    })
    // Attempts arriving together are all counted: no read-then-write.
    const now = t.clock.now()
    const args = {
      now,
      windowStart: new Date(now.getTime() - 15 * 60_000),
      limit: 5,
      lockUntil: new Date(now.getTime() + 15 * 60_000),
    }
    const results = await Promise.all(Array.from({ length: 5 }, () => countFailure(t.handle.db, 'test:together', args)))
    expect(results.map((r) => r.failures).sort()).toEqual([1, 2, 3, 4, 5])
    expect(results.find((r) => r.failures === 5)!.lockedUntil?.getTime()).toBe(args.lockUntil.getTime())
    // A new window starts again at 1.
    const later = new Date(now.getTime() + 16 * 60_000)
    expect(
      (
        await countFailure(t.handle.db, 'test:together', {
          ...args,
          now: later,
          windowStart: new Date(later.getTime() - 15 * 60_000),
        })
      ).failures,
    ).toBe(1)
  })

  it('refuses a replayed TOTP code', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const a1 = await signIn(t, admin)
    await a1.post('/sign-out').type('form').send({ _csrf: a1.csrf }).expect(303)
    const agent = request.agent(t.app)
    let csrf = csrfFrom((await agent.get('/sign-in')).text)
    await agent
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: admin.email, password: TEST_PASSWORD })
      .expect(303)
    csrf = csrfFrom((await agent.get('/sign-in/code')).text)
    // Same 30-second step as the sign-in above.
    const res = await agent
      .post('/sign-in/code')
      .type('form')
      .send({ _csrf: csrf, code: currentTotp(admin.totpSecret, t.clock.now()) })
      .expect(400)
    expect(res.text).toContain('already been used')
  })

  it('signs out after 30 idle minutes and after 12 hours regardless, and says which', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = await signIn(t, admin)
    t.clock.advance(29 * 60_000)
    await agent.get('/').expect(200)
    t.clock.advance(31 * 60_000)
    await agent.get('/').expect(303).expect('Location', '/sign-in')
    const idle = await agent.get('/sign-in').expect(200)
    expect(idle.text).toContain('You were signed out because you had not done anything for 30 minutes')

    const again = await signIn(t, admin)
    for (let i = 0; i < 25; i++) {
      t.clock.advance(29 * 60_000)
      await again.post('/session/keep-alive').type('form').send({ _csrf: again.csrf })
    }
    await again.get('/').expect(303).expect('Location', '/sign-in')
    const limit = await again.get('/sign-in').expect(200)
    expect(limit.text).toContain(
      'You were signed out because you had been signed in for 12 hours, the longest a session can last',
    )
    expect(limit.text).not.toContain('had not done anything')
    const summaries = await t.handle.db
      .selectFrom('audit_events')
      .select('summary')
      .where('action', '=', 'session.timed-out')
      .orderBy('seq')
      .execute()
    expect(summaries.map((r) => r.summary)).toEqual([
      `Test administrator was signed out after a period of inactivity`,
      `Test administrator was signed out at the end of the longest time a session may last`,
    ])
  })

  it('a signed-out visit to the sign-in page leaves a session row for 30 minutes, not the signed-in lifetime', async () => {
    const expiries = async () =>
      (await t.handle.db.selectFrom('sessions').select(['expires_at', 'person_id']).execute()).map((r) => ({
        minutes: Math.round((new Date(r.expires_at).getTime() - t.clock.now().getTime()) / 60_000),
        signedIn: r.person_id !== null,
      }))
    await request(t.app).get('/sign-in').expect(200)
    expect(await expiries()).toEqual([{ minutes: 30, signedIn: false }])
    await signIn(t, await createPerson(t, await createPartnership(t, 'P'), ['contributor']))
    expect((await expiries()).filter((e) => e.signedIn)).toEqual([{ minutes: 90, signedIn: true }])
  })

  it('“Stay signed in” without JavaScript goes back only to a page on this site', async () => {
    const agent = await signIn(t, await createPerson(t, await createPartnership(t, 'P'), ['contributor']))
    for (const [returnTo, location] of [
      ['/evidence?agency=1', '/evidence?agency=1'],
      ['/\\evil.example', '/'],
      ['//evil.example', '/'],
      ['https://evil.example', '/'],
    ]) {
      const res = await agent.post('/session/keep-alive').type('form').send({ _csrf: agent.csrf, returnTo }).expect(303)
      expect(res.headers.location, returnTo).toBe(location)
    }
  })

  it('keep-alive answers with the seconds left by the server’s clock, and offers no “Stay signed in” near the 12-hour limit', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    t.clock.set('2026-03-02T09:00:00Z')
    const agent = await signIn(t, admin) // signed in at 09:00:30
    t.clock.advance(10 * 60_000)
    const early = await agent
      .post('/session/keep-alive')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: agent.csrf })
      .expect(200)
    expect(early.body).toEqual({
      secondsLeft: 30 * 60,
      endsBecause: 'idle',
      endsAtText: '9:40am',
      warningSeconds: 120,
      canStaySignedIn: true,
    })
    const page = await agent.get('/').expect(200)
    expect(page.text).toContain('data-seconds-left="1800"')
    expect(page.text).toContain('data-ends-because="idle"')
    expect(page.text).toContain('Stay signed in')

    // 11 hours 45 minutes after signing in: 15 minutes left, and nothing can extend them.
    for (let i = 0; i < 23; i++) {
      t.clock.advance(29 * 60_000)
      await agent.post('/session/keep-alive').type('form').send({ _csrf: agent.csrf }).expect(303)
    }
    t.clock.set('2026-03-02T20:45:30Z')
    const late = await agent
      .post('/session/keep-alive')
      .set('Accept', 'application/json')
      .type('form')
      .send({ _csrf: agent.csrf })
      .expect(200)
    expect(late.body).toEqual({
      secondsLeft: 15 * 60,
      endsBecause: 'limit',
      endsAtText: '9:00pm',
      warningSeconds: 120,
      canStaySignedIn: false,
    })
    const latePage = await agent.get('/').expect(200)
    expect(latePage.text).toContain('data-ends-because="limit"')
    expect(latePage.text).toContain('We will sign you out at <span class="app-timeout__time">9:00pm</span>')
    // The "Stay signed in" form is hidden; the only button offered is "Continue".
    expect(latePage.text).toMatch(/<form method="post" action="\/session\/keep-alive" data-when="idle" hidden>/)
    expect(latePage.text).toMatch(/<div data-when="limit">\s*<button[^>]*id="timeout-continue"/)
  })

  it('creates no session for /health, assets or the icon: no cookie, no row', async () => {
    const count = async () =>
      Number(
        (
          await t.handle.db
            .selectFrom('sessions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await count()
    for (const path of ['/health', '/assets/images/icon.svg', '/favicon.ico', '/assets/no-such-file.css']) {
      const res = await request(t.app).get(path)
      expect(res.headers['set-cookie'], path).toBeUndefined()
    }
    expect(await count()).toBe(before)
    // A page with a form still gets its CSRF token, and the session that keeps it.
    const page = await request(t.app).get('/sign-in').expect(200)
    expect(csrfFrom(page.text)).toBeTruthy()
    expect(String(page.headers['set-cookie'])).toContain('jtai.sid=')
    expect(await count()).toBe(before + 1)
  })

  it('sign-out ends the server session', async () => {
    const p = await createPartnership(t, 'P')
    const admin = await createPerson(t, p, ['administrator'])
    const agent = await signIn(t, admin)
    expect(
      await t.handle.db.selectFrom('sessions').select('sid').where('person_id', '=', admin.id).execute(),
    ).toHaveLength(1)
    await agent.post('/sign-out').type('form').send({ _csrf: agent.csrf }).expect(303).expect('Location', '/signed-out')
    expect(
      await t.handle.db.selectFrom('sessions').select('sid').where('person_id', '=', admin.id).execute(),
    ).toHaveLength(0)
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
    await fresh
      .post('/sign-in')
      .type('form')
      .send({ _csrf: csrf, email: inspector.email, password: TEST_PASSWORD })
      .expect(400)
  })

  it('refuses a form without a CSRF token', async () => {
    const agent = request.agent(t.app)
    await agent.get('/sign-in')
    const res = await agent.post('/sign-in').type('form').send({ email: 'a@example.org', password: 'x' }).expect(403)
    expect(res.text).toContain('Your form could not be sent')
  })
})
