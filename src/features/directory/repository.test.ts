import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import * as repo from './repository'
import { FakeClock } from '../../domain/clock'
import { createDirectoryService } from './service'
import { createDemoService } from '../demo/service'
import { createAuditService } from '../audit/service'
import type { Scope } from '../../shared/scope'
import { testDatabases } from '../../../test/support/databases'

describe.each(testDatabases())('directory on $name', (database) => {
  let h: DatabaseHandle
  const clock = new FakeClock('2026-03-02T09:00:00Z')
  let a: Scope
  let b: Scope

  beforeAll(async () => {
    h = await database.open()
    const make = async (name: string): Promise<Scope> => {
      const pid = (await h.db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow()).id
      const admin = await repo.insertPerson(
        h.db,
        pid,
        {
          name: `${name} admin`,
          email: `${name}@example.org`,
          jobTitle: '',
          agencyId: null,
          roles: ['administrator'],
          accessEndsOn: null,
        },
        clock.now(),
      )
      return { partnershipId: pid, personId: admin.id, name: admin.name, roles: ['administrator'], agencyId: null }
    }
    a = await make('a')
    b = await make('b')
  })
  afterAll(async () => h.close())

  it('scopes every read to the caller’s partnership', async () => {
    const svc = createDirectoryService({ db: h.db, clock })
    const agency = await svc.createAgency(a, {
      name: 'A Police',
      type: 'police',
      isStatutory: true,
      seniorApproverId: null,
    })
    expect((await svc.listAgencies(a)).map((x) => x.name)).toEqual(['A Police'])
    expect(await svc.listAgencies(b)).toEqual([])
    await expect(svc.getAgency(b, agency.id)).rejects.toMatchObject({ status: 404 })
    await expect(svc.getPerson(b, a.personId)).rejects.toMatchObject({ status: 404 })
    await expect(svc.getAgency(a, 'not-a-uuid')).rejects.toMatchObject({ status: 404 })
  })

  it('returns roles and calendar dates in the same shape on both databases', async () => {
    const svc = createDirectoryService({ db: h.db, clock })
    const person = await svc.createPerson(a, {
      name: 'Ina',
      email: 'ina@example.org',
      jobTitle: '',
      agencyId: null,
      roles: ['inspector'],
      accessEndsOn: '2026-03-20',
    })
    const found = await svc.getPerson(a, person.id)
    expect(found.roles).toEqual(['inspector'])
    expect(found.access_ends_on).toBe('2026-03-20')
  })

  it("loads a request's scope in one query: roles in order, the agency's type, the partnership's name", async () => {
    const svc = createDirectoryService({ db: h.db, clock })
    const agency = await svc.createAgency(a, {
      name: 'A Health',
      type: 'health-icb',
      isStatutory: true,
      seniorApproverId: null,
    })
    const lead = await svc.createPerson(a, {
      name: 'Lee',
      email: 'lee@example.org',
      jobTitle: '',
      agencyId: agency.id,
      roles: ['senior-approver', 'agency-lead'],
      accessEndsOn: null,
    })
    const found = await repo.findPersonForScope(h.db, lead.id)
    expect(found).toMatchObject({
      id: lead.id,
      partnership_id: a.partnershipId,
      roles: ['agency-lead', 'senior-approver'],
      agency_type: 'health-icb',
      partnership_name: 'a',
    })
    expect(await repo.findPersonForScope(h.db, a.personId)).toMatchObject({
      roles: ['administrator'],
      agency_type: null,
    })
    expect(await repo.findPersonForScope(h.db, 'not-a-uuid')).toBeUndefined()
  })

  it('writes nothing when a change fails validation', async () => {
    const svc = createDirectoryService({ db: h.db, clock })
    const before = await h.db.selectFrom('audit_events').select('seq').execute()
    await expect(
      svc.createAgency(a, { name: 'a police', type: 'police', isStatutory: true, seniorApproverId: null }),
    ).rejects.toMatchObject({ status: 400 })
    expect(await h.db.selectFrom('audit_events').select('seq').execute()).toHaveLength(before.length)
  })

  it('loads the demo partnership with every agency type and role, and refreshes it idempotently', async () => {
    const demo = createDemoService({ db: h.db, clock })
    const first = await demo.load()
    expect(first.created).toBe(true)
    const second = await demo.load()
    expect(second.created).toBe(false)
    expect(second.credentials).toHaveLength(first.credentials.length)
    const roles = new Set(first.credentials.flatMap((c) => c.roles))
    expect([...roles].sort()).toEqual([
      'administrator',
      'agency-lead',
      'contributor',
      'inspection-coordinator',
      'inspector',
      'senior-approver',
    ])
    const pid = (
      await h.db
        .selectFrom('partnerships')
        .select('id')
        .where('name', '=', 'Anytown Safeguarding Children Partnership')
        .executeTakeFirstOrThrow()
    ).id
    const types = await h.db.selectFrom('agencies').select('type').where('partnership_id', '=', pid).execute()
    expect(new Set(types.map((t) => t.type)).size).toBe(9)
    expect(await createAuditService({ db: h.db }).verify(pid)).toMatchObject({ ok: true, count: 2 })
  })
})
