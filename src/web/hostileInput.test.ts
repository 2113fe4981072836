import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createPerson, signIn, type Agent, type TestApp } from '../../test/support/app'
import { seedEveryRoute } from '../../test/support/everyRoute'
import { allows, type Access } from './access'
import { policy } from './policy'

/**
 * Requests every route with hostile input (badly encoded or prototype-named path parameters, odd
 * page numbers, NUL bytes and impossible years in filters and forms), signed out and as an
 * administrator, and expects a 4xx answer or a page, never a 5xx, and nothing written.
 */
let t: TestApp
let admin: Agent
let ids: Record<string, string>

const routes = Object.entries(policy as Record<string, Access>).map(([key, access]) => {
  const [method, path] = key.split(' ') as ['GET' | 'POST', string]
  return { key, method, path, access }
})
const withParams = routes.filter((r) => r.path.includes(':'))

/** Path parameter values, written as they would arrive in a URL. */
const HOSTILE_PARAMS = [
  '%C0%AF',
  '%',
  '%E0%A4%A',
  '%00',
  'constructor',
  '__proto__',
  'x'.repeat(600),
  '0000-00-00',
  '9999-12-31',
  '..%2F..%2Fetc',
]

/** Query strings for list and filter pages (unknown keys are ignored by the pages that have none). */
const HOSTILE_QUERIES = [
  'page=',
  'page=0',
  'page=-3',
  'page=99999999999999999999',
  'page=1e400',
  'page=NaN',
  'age=constructor',
  'age=__proto__',
  'list=%00',
  'list=__proto__',
  'legalStatus=constructor',
  'ethnicity=__proto__&disability=toString',
  'action=%00&type=%00&person=%00',
  'person=constructor',
  'from=0000-01-01&to=9999-12-31',
  'from=2026-02-30',
  'agency=%00&role=__proto__&show=%00',
  'status=__proto__&stale=constructor',
  'rule=__proto__&row=99999999999999999999',
  'rule=constructor&row=-1&page=1e9',
  'returnTo=%2F%5Cevil.example',
  'q=%00%00',
]

/** Form bodies that reach date handling: impossible or far years, NUL bytes, prototype names. */
function hostileForms(): { path: string; body: Record<string, string> }[] {
  const date = (name: string, d: string, m: string, y: string) => ({
    [`${name}-day`]: d,
    [`${name}-month`]: m,
    [`${name}-year`]: y,
  })
  const years = [
    ['1', '1', '0000'],
    ['31', '12', '9999'],
    ['1', '1', '1000'],
  ] as const
  const forms: { path: string; body: Record<string, string> }[] = []
  for (const [d, m, y] of years) {
    forms.push({ path: '/holidays/closures', body: { title: 'Closed', ...date('date', d, m, y) } })
    forms.push({
      path: `/inspections/${ids.inspectionId ?? ''}/milestones/${ids.milestoneId ?? ''}`,
      body: { ...date('date', d, m, y), time: '', reason: 'Moved' },
    })
    forms.push({
      path: '/inspections/new',
      body: { frameworkId: 'front-door', ...date('notifiedOn', d, m, y), notifiedTime: '', practice: 'yes' },
    })
    forms.push({
      path: `/evidence/requirements/${ids.requirementId ?? ''}/provided`,
      body: { ...date('providedOn', d, m, y) },
    })
  }
  forms.push({ path: '/holidays/closures', body: { title: 'x'.repeat(5000), ...date('date', '2', '3', '2026') } })
  forms.push({ path: '/holidays/closures', body: { title: '\u0000', ...date('date', '2', '3', '2026') } })
  forms.push({ path: '/agencies/new', body: { name: '__proto__', type: 'constructor', isStatutory: 'yes' } })
  forms.push({ path: '/people/new', body: { name: 'constructor', email: 'a@b.example', roles: '__proto__' } })
  return forms
}

function fill(path: string, value?: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => value ?? ids[name] ?? 'not-a-real-token')
}

beforeAll(async () => {
  t = await buildTestApp()
  const seeded = await seedEveryRoute(t)
  ids = seeded.ids
  admin = await signIn(t, await createPerson(t, seeded.partnershipId, ['administrator']))
}, 120_000)
afterAll(async () => t.close())

async function auditCount(): Promise<number> {
  const row = await t.handle.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('hostile input never answers 5xx', () => {
  it.each(withParams)('$key: hostile path parameters', async ({ method, path, access }) => {
    for (const value of HOSTILE_PARAMS) {
      const url = fill(path, value)
      const signedOut =
        method === 'GET' ? await request(t.app).get(url) : await request(t.app).post(url).type('form').send({})
      expect(signedOut.status, `signed out ${method} ${url}`).toBeLessThan(500)
      const res =
        method === 'GET' ? await admin.get(url) : await admin.post(url).type('form').send({ _csrf: admin.csrf })
      expect(res.status, `${method} ${url}: ${(res.text ?? '').slice(0, 200)}`).toBeLessThan(500)
      // The policy refuses routes an administrator may not use (403), unless the address cannot even be read (400).
      expect(
        allows(access, ['administrator']) ? [200, 303, 400, 404, 409, 413] : [400, 403],
        `${method} ${url}`,
      ).toContain(res.status)
    }
  })

  it.each(routes.filter((r) => r.method === 'GET' && !r.key.includes('sign-out')))(
    '$key: hostile query strings',
    async ({ path }) => {
      for (const query of HOSTILE_QUERIES) {
        const url = `${fill(path)}?${query}`
        const res = await admin.get(url)
        expect(res.status, `GET ${url}: ${(res.text ?? '').slice(0, 200)}`).toBeLessThan(500)
      }
    },
  )

  it('forms with impossible years, NUL bytes and prototype names are refused with a form error, and write nothing', async () => {
    for (const { path, body } of hostileForms()) {
      const before = await auditCount()
      const res = await admin
        .post(path)
        .type('form')
        .send({ _csrf: admin.csrf, ...body })
      expect(res.status, `POST ${path} ${JSON.stringify(body).slice(0, 120)}: ${(res.text ?? '').slice(0, 300)}`).toBe(
        400,
      )
      expect(await auditCount(), `POST ${path} wrote something`).toBe(before)
    }
  })
})
