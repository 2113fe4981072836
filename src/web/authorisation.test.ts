import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../domain/directory'
import { insertImport } from '../features/annexA/repository'
import { allows, type Access } from './access'
import { CHILD_DATA_ROUTES, policy } from './policy'
import { Readable } from 'node:stream'
import { buildTestApp, createAgency, createPartnership, createPerson, signIn, type Agent, type TestApp } from '../../test/support/app'

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

async function call(agent: ReturnType<typeof request.agent> | Agent, method: 'GET' | 'POST', path: string, csrf?: string) {
  return method === 'GET' ? agent.get(path) : agent.post(path).type('form').send(csrf ? { _csrf: csrf } : {})
}

beforeAll(async () => {
  t = await buildTestApp()
  const a = await createPartnership(t, 'Partnership A')
  const agencyId = await createAgency(t, a, 'A Police')
  const target = await createPerson(t, a, ['contributor'], { agencyId })
  ids = { agencyId, personId: target.id }
  // Inspections, frameworks and working days (issue 3).
  const scope = { partnershipId: a, personId: target.id, name: 'Target', roles: ['administrator' as const], agencyId: null }
  const { inspection } = await t.services.inspections.create(scope, { frameworkId: 'front-door', notifiedOn: '2026-03-02', notifiedTime: null, practice: false })
  await t.services.calendar.addClosureDay(scope, '2026-12-29', 'Office closed')
  await t.services.inspections.addLocalTask(scope, inspection.id, { title: 'Plan task', description: '', ownerRole: 'contributor', anchorMilestone: 'children-selected', offsetWorkingDays: 1, time: null, keepInPlan: true })
  const [planTask] = await t.services.inspections.localPlan(scope)
  Object.assign(ids, { inspectionId: inspection.id, milestoneId: 'fieldwork-end', frameworkId: 'front-door', closureDate: '2026-12-29', planTaskId: planTask!.id })
  // Annex A and the child register (issue 5): an import and one accepted row, by their opaque ids.
  const annexImport = await insertImport(t.handle.db, a, { inspectionId: null, notifiedOn: '2026-03-02', fileName: 'annex-a.xlsx', fileKey: '00000000-0000-4000-8000-000000000001', sha256: '0'.repeat(64), specVersion: 'ilacs-2023', rowsRead: 1, errors: 0, queries: 0, uploadedBy: null }, t.clock.now())
  const childRow = await t.handle.db.insertInto('annex_a_children').values({ partnership_id: a, import_id: annexImport.id, list: 'List 6', theme: false, row: 2, child_id: 'C1', dob: null, sex: null, ethnicity: null, disability: null, legal_status: null, event_date: null, current: true, values: '{}' }).returning('id').executeTakeFirstOrThrow()
  Object.assign(ids, { importId: annexImport.id, rowId: childRow.id, jobId: '00000000-0000-4000-8000-000000000002' })
  // Documentary evidence (issue 4): a requirement with one uploaded version and one open QA comment
  // from another agency's lead, so downloads, approval and resolving have something real to act on.
  const member = { partnershipId: a, personId: target.id, name: 'Target', roles: ['contributor' as const], agencyId }
  const requirement = (await t.services.evidence.list(member, { agencyId }))[0]!
  const stored = await t.services.files.put(Readable.from([Buffer.from('%PDF-1.7\n%%EOF\n')]), { maxBytes: 1024 })
  await t.services.evidence.addVersion(member, requirement.id, { ...stored, filename: 'evidence.pdf', mime: 'application/pdf' })
  const healthAgency = await createAgency(t, a, 'A Health', 'health-icb')
  const healthLead = await createPerson(t, a, ['agency-lead'], { agencyId: healthAgency })
  await t.services.evidence.addComment({ partnershipId: a, personId: healthLead.id, name: 'Lead', roles: ['agency-lead'], agencyId: healthAgency }, requirement.id, 'Please check section 2')
  const version = await t.handle.db.selectFrom('evidence_versions').select('id').where('requirement_id', '=', requirement.id).executeTakeFirstOrThrow()
  const comment = await t.handle.db.selectFrom('evidence_comments').select('id').where('requirement_id', '=', requirement.id).executeTakeFirstOrThrow()
  Object.assign(ids, { requirementId: requirement.id, versionId: version.id, commentId: comment.id })
  for (const role of ROLES) {
    const person = await createPerson(t, a, [role], { agencyId: role === 'inspector' || role === 'administrator' ? null : agencyId })
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
      if (allows(access, [role]) && !policeRefused) {
        expect(res.status, (res.text ?? '').slice(0, 300)).not.toBe(403)
        expect(res.status).toBeLessThan(500)
        if (access !== 'public') expect(res.headers.location ?? '').not.toBe('/sign-in')
      } else {
        expect(res.status).toBe(403)
        expect(res.text).toContain('You do not have access to this page')
      }
    })
  }

  it.each(// Only routes an administrator may use: elsewhere the policy refuses (403) before any id is looked up.
    routes.filter((r) => /:(agencyId|personId|inspectionId|closureDate|planTaskId|importId|rowId|requirementId)\b/.test(r.path) && allows(r.access, ['administrator'])))(
    "$key: another partnership's administrator gets 404 for this partnership's ids",
    async ({ method, path }) => {
      const res = await call(outsider, method, fill(path), outsider.csrf)
      expect(res.status).toBe(404)
    },
  )

})
