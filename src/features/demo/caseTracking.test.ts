import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { currentTotp } from '../auth/totp'
import { buildTestApp, csrfFrom, type TestApp } from '../../../test/support/app'
import type { DemoCredential } from './service'

// The demo's case tracking (issue 12) on day 5 of its practice inspection: a Friday afternoon, so
// the inspection was notified on Monday 30 November and the list released on Thursday at 10:00.

async function signInAs(t: TestApp, person: DemoCredential) {
  const agent = request.agent(t.app)
  const page = await agent.get('/sign-in')
  await agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: person.email, password: person.password })
    .expect(303)
  const codePage = await agent.get('/sign-in/code').expect(200)
  t.clock.advance(30_000)
  await agent
    .post('/sign-in/code')
    .type('form')
    .send({ _csrf: csrfFrom(codePage.text), code: currentTotp(person.totpSecret, t.clock.now()) })
    .expect(303)
  return agent
}

describe('the demo’s case tracking', () => {
  let t: TestApp
  let credentials: DemoCredential[]
  beforeAll(async () => {
    t = await buildTestApp({ now: '2026-12-04T15:00:00Z' })
    ;({ credentials } = await t.services.demo.load())
  }, 60_000)
  afterAll(async () => t.close())

  const person = (email: string) => credentials.find((c) => c.email === email)!

  it('shows the coordinator a matrix of 24 children: three returns on time, one late, one not started', async () => {
    const agent = await signInAs(t, person('coordinator@anytown.example'))
    const page = await agent.get('/case-tracking/matrix').expect(200)
    const agencies = await t.handle.db
      .selectFrom('agencies')
      .innerJoin('partnerships', 'partnerships.id', 'agencies.partnership_id')
      .select(['agencies.id', 'agencies.name'])
      .where('partnerships.name', '=', 'Anytown Safeguarding Children Partnership')
      .execute()
    const idOf = (name: string) => agencies.find((a) => a.name === name)!.id
    const status = (name: string) =>
      new RegExp(`data-agency-status="${idOf(name)}"><strong class="[^"]*">\\s*([^<]*?)\\s*</strong>`).exec(
        page.text,
      )?.[1]
    const answered = (name: string) => new RegExp(`data-agency-answered="${idOf(name)}">(\\d+)<`).exec(page.text)?.[1]

    expect(status('Anytown Council Children’s Services')).toBe('Submitted')
    expect(status('Anytown Constabulary')).toBe('Submitted')
    expect(status('Anytown Hospitals NHS Trust')).toBe('Submitted')
    expect(status('Anytown Integrated Care Board')).toBe('Submitted (late)')
    expect(status('Anytown Schools and Early Years')).toBe('Not started')
    expect(answered('Anytown Integrated Care Board')).toBe('24')
    expect(answered('Anytown Schools and Early Years')).toBe('0')
    // Agencies outside the front door's scope are not asked.
    expect(page.text).not.toContain(`data-agency-status="${idOf('Anytown Youth Justice Service')}"`)

    const cells = [...page.text.matchAll(/data-cell="([0-9a-f-]{36}) ([0-9a-f-]{36})">([^<]*)(<strong[^>]*>\s*Late)?/g)]
    expect(cells).toHaveLength(24 * 5)
    expect(new Set(cells.map((c) => c[1])).size).toBe(24)
    const ofAgency = (name: string) => cells.filter((c) => c[2] === idOf(name))
    expect(ofAgency('Anytown Schools and Early Years').every((c) => c[3] === '—')).toBe(true)
    expect(ofAgency('Anytown Integrated Care Board').every((c) => c[4] !== undefined)).toBe(true)
    expect(ofAgency('Anytown Constabulary').some((c) => c[4] !== undefined)).toBe(false)
    expect(ofAgency('Anytown Council Children’s Services').every((c) => c[3] === 'Yes')).toBe(true)
    expect(ofAgency('Anytown Hospitals NHS Trust').filter((c) => c[3] === 'Checking')).toHaveLength(2)
    expect(page.text).toContain('Ada Example')
    expect(page.text).toContain('DEMO-1024')
  })

  it('has six children chosen for audit, and Education’s lead sees an open return with nothing answered', async () => {
    const coordinator = await signInAs(t, person('coordinator@anytown.example'))
    const choice = await coordinator.get('/case-tracking/audit-choice').expect(200)
    expect(choice.text.match(/name="children"[^>]*checked/g)).toHaveLength(6)

    const education = await signInAs(t, person('education.lead@anytown.example'))
    const ret = await education.get('/case-tracking/return').expect(200)
    expect(ret.text).toContain('Zac Specimen')
    expect(ret.text.match(/Not answered/g)?.length).toBeGreaterThanOrEqual(24)
  })
})
