import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../domain/directory'
import { allows, type Access } from './access'
import { CHILD_DATA_ROUTES, policy } from './policy'
import { buildTestApp, createPartnership, createPerson, signIn, type Agent, type TestApp } from '../../test/support/app'
import { seedEveryRoute } from '../../test/support/everyRoute'

/**
 * Requests every route in the policy table as every role, signed out, and as another partnership's
 * administrator, and compares what happens with the table.
 */
let t: TestApp
let ids: Record<string, string>
const agents = new Map<Role, Agent>()
let outsider: Agent

const routes = Object.entries(policy as Record<string, Access>).map(([key, access]) => {
  const [method, path] = key.split(' ') as ['GET' | 'POST', string]
  return { key, method, path, access }
})

function fill(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => ids[name] ?? 'not-a-real-token')
}

async function call(
  agent: ReturnType<typeof request.agent> | Agent,
  method: 'GET' | 'POST',
  path: string,
  csrf?: string,
) {
  return method === 'GET'
    ? agent.get(path)
    : agent
        .post(path)
        .type('form')
        .send(csrf ? { _csrf: csrf } : {})
}

beforeAll(async () => {
  t = await buildTestApp()
  const seeded = await seedEveryRoute(t)
  const a = seeded.partnershipId
  const agencyId = seeded.agencyId
  ids = seeded.ids
  // Case tracking (issue 12): the inspectors' selection released to the agencies, with one child.
  await t.handle.db
    .insertInto('case_selections')
    .values({
      inspection_id: ids.inspectionId!,
      partnership_id: a,
      released_at: t.clock.now(),
      released_by: null,
      due_at: new Date(t.clock.now().getTime() + 2 * 3_600_000),
      updated_at: t.clock.now(),
    })
    .execute()
  const selected = await t.handle.db
    .insertInto('selected_children')
    .values({
      partnership_id: a,
      inspection_id: ids.inspectionId!,
      position: 1,
      child_ref: 'C1',
      in_register: true,
      source: 'register',
      added_by: null,
      added_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  ids.childId = selected.id
  // Case audit (issue 13): the child chosen for audit, with an audit tool for the seeded agency.
  await t.handle.db
    .updateTable('case_selections')
    .set({ audit_chosen_at: t.clock.now() })
    .where('inspection_id', '=', ids.inspectionId!)
    .execute()
  await t.handle.db
    .updateTable('selected_children')
    .set({ chosen_for_audit: true })
    .where('id', '=', selected.id)
    .execute()
  const tool = await t.handle.db
    .insertInto('audit_tools')
    .values({
      partnership_id: a,
      inspection_id: ids.inspectionId!,
      selected_child_id: selected.id,
      agency_id: agencyId,
      opened_at: t.clock.now(),
      opened_by: null,
      opened_reason: null,
      updated_by: null,
      updated_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  ids.toolId = tool.id
  for (const role of ROLES) {
    const person = await createPerson(t, a, [role], {
      agencyId: role === 'inspector' || role === 'administrator' ? null : agencyId,
    })
    agents.set(role, await signIn(t, person))
  }
  const b = await createPartnership(t, 'Partnership B')
  outsider = await signIn(t, await createPerson(t, b, ['administrator']))
}, 120_000)
afterAll(async () => t.close())

describe('authorisation matrix', () => {
  // Runs first: each role's last request below is POST /sign-out.
  it('an id that is not a UUID is not found, not an error', async () => {
    await agents.get('administrator')!.get('/agencies/../../etc').expect(404)
    await agents.get('administrator')!.get('/people/1%27%20or%201=1').expect(404)
  })

  const ordered = [...routes].sort((x, y) => Number(x.key === 'POST /sign-out') - Number(y.key === 'POST /sign-out'))

  it.each(ordered)('$key: signed out', async ({ method, path, access }) => {
    const res = await call(request(t.app), method, fill(path))
    if (access === 'public') {
      expect([200, 303, 404, 400, 403]).toContain(res.status)
      expect(res.headers.location).not.toBe('/sign-in?denied')
    } else if (method === 'GET') {
      expect(res.status).toBe(303)
      expect(res.headers.location).toBe('/sign-in')
    } else {
      // A signed-out POST has no session, so no CSRF token: refused before anything runs.
      expect([303, 403]).toContain(res.status)
    }
  })

  for (const role of ROLES) {
    it.each(ordered)(`$key: as ${role}`, async ({ key, method, path, access }) => {
      const agent = agents.get(role)!
      const res = await call(agent, method, fill(path), agent.csrf)
      // Child-level data: contributors never pass the table; leads do, but this one works for the police, so the service refuses them.
      const policeRefused = CHILD_DATA_ROUTES.has(key) && role === 'agency-lead'
      // Every agency person may try to submit their agency's return (a deputy covering for the lead
      // may be a contributor); the service refuses anyone else who is not the lead.
      const notTheLead =
        key === 'POST /case-tracking/return/submit' && (role === 'contributor' || role === 'senior-approver')
      // Only the agency's lead submits an audit tool (the service refuses the others the table lets try).
      const notTheToolLead =
        key === 'POST /case-audit/tools/:toolId/submit' && (role === 'contributor' || role === 'senior-approver')
      if (notTheToolLead) {
        expect(res.status).toBe(403)
        expect(res.text).toContain('Only your agency’s lead, or their deputy while they are unavailable, can submit')
      } else if (notTheLead) {
        expect(res.status).toBe(403)
        expect(res.text).toContain(
          'Only your agency’s lead, or their deputy while they are unavailable, can submit the return',
        )
      } else if (allows(access, [role]) && !policeRefused) {
        expect(res.status, (res.text ?? '').slice(0, 300)).not.toBe(403)
        expect(res.status).toBeLessThan(500)
        if (access !== 'public') expect(res.headers.location ?? '').not.toBe('/sign-in')
        // Nothing a signed-in person is shown stays in the browser's cache for Back after signing out.
        if (method === 'GET' && res.status === 200) expect(res.headers['cache-control']).toBe('no-store')
      } else {
        expect(res.status).toBe(403)
        expect(res.text).toContain('You do not have access to this page')
      }
    })
  }

  it.each(
    // Only routes an administrator may use: elsewhere the policy refuses (403) before any id is looked up.
    routes.filter(
      (r) =>
        /:(agencyId|personId|inspectionId|closureDate|planTaskId|importId|rowId|requirementId|notificationId|messageId|childId|toolId)\b/.test(
          r.path,
        ) && allows(r.access, ['administrator']),
    ),
  )("$key: another partnership's administrator gets 404 for this partnership's ids", async ({ method, path }) => {
    const res = await call(outsider, method, fill(path), outsider.csrf)
    expect(res.status).toBe(404)
  })
})
