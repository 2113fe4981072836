import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonNow } from '../../domain/calendar'
import { buildTestApp, type TestApp } from '../../../test/support/app'
import { myTasks } from './presenters'

describe('the demo partnership’s practice inspection', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ now: '2026-12-02T10:00:00Z' })
  }, 60_000)
  afterAll(async () => t.close())

  it('is on its day 5 today (notified four working days ago) and gives the audit day to the Director by name, once', async () => {
    await t.services.demo.load()
    await t.services.demo.load()
    const dana = await t.handle.db
      .selectFrom('people')
      .select(['id', 'partnership_id', 'agency_id', 'name'])
      .where('email', '=', 'dcs@anytown.example')
      .executeTakeFirstOrThrow()
    const scope = {
      partnershipId: dana.partnership_id,
      personId: dana.id,
      name: dana.name,
      roles: ['senior-approver' as const],
      agencyId: dana.agency_id,
    }
    const inspections = await t.services.inspections.list(scope)
    expect(inspections.map((i) => [i.notified_on, i.practice, i.status])).toEqual([['2026-11-26', true, 'open']])
    const timeline = await t.services.inspections.timeline(scope, inspections[0]!.id)
    expect(timeline.milestones.find((m) => m.id === 'audit-day')?.assignee?.name).toBe('Dana Director')
    const mine = myTasks(timeline, scope, londonNow(t.clock.now()))
    expect(mine.all.find((m) => m.id === 'audit-day')?.whyMine).toBe('Given to you')
  })
})
