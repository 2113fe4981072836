import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import * as calendarRepo from '../calendar/repository'
import * as frameworkRepo from '../frameworks/repository'
import * as repo from './repository'
import { testDatabases } from '../../../test/support/databases'

const NOW = new Date('2026-03-02T09:00:00Z')

describe.each(testDatabases())('inspection repositories on $name', (database) => {
  let handle: DatabaseHandle
  let a: string
  let b: string
  let inspectionId: string

  beforeAll(async () => {
    handle = await database.open()
    a = (await handle.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id
    b = (await handle.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
  }, 60_000)
  afterAll(async () => handle?.close())

  it('stores an inspection with its framework snapshot and finds it only in its partnership', async () => {
    const inspection = await repo.insertInspection(
      handle.db,
      a,
      {
        frameworkId: 'front-door',
        framework: { id: 'front-door', title: 'Front door', nested: { list: [1, 2] } },
        frameworkVersionId: null,
        notifiedOn: '2026-03-02',
        notifiedTime: '09:30',
        practice: true,
        createdBy: null,
      },
      NOW,
    )
    inspectionId = inspection.id
    const found = await repo.findInspection(handle.db, a, inspectionId)
    expect(found?.notified_on).toBe('2026-03-02')
    expect(found?.practice).toBe(true)
    expect(found?.framework).toEqual({ id: 'front-door', title: 'Front door', nested: { list: [1, 2] } })
    expect(await repo.findInspection(handle.db, b, inspectionId)).toBeUndefined()
    expect(await repo.findInspection(handle.db, a, 'not-a-uuid')).toBeUndefined()
    expect(await repo.listInspections(handle.db, b)).toHaveLength(0)
  })

  it('closes an inspection with who and when, only in its partnership, and opens it again', async () => {
    const closer = (
      await handle.db
        .insertInto('people')
        .values({
          partnership_id: a,
          name: 'Closer',
          email: 'closer@example.org',
          job_title: 'Manager',
          totp_enabled: false,
          unavailable: false,
          updated_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    await repo.setInspectionClosed(handle.db, b, inspectionId, null, true, NOW)
    expect((await repo.findInspection(handle.db, a, inspectionId))?.status).toBe('open')
    await repo.setInspectionClosed(handle.db, a, inspectionId, closer, true, NOW)
    expect(await repo.findInspection(handle.db, a, inspectionId)).toMatchObject({
      status: 'closed',
      closed_by_name: 'Closer',
      closed_at: NOW,
    })
    await repo.setInspectionClosed(handle.db, a, inspectionId, null, false, NOW)
    expect(await repo.findInspection(handle.db, a, inspectionId)).toMatchObject({
      status: 'open',
      closed_by: null,
      closed_at: null,
    })
  })

  it('keeps one override per milestone, replacing it, and scopes it by partnership', async () => {
    await repo.upsertOverride(
      handle.db,
      a,
      inspectionId,
      { milestoneId: 'fieldwork-end', date: '2026-03-23', time: null, reason: 'first', by: null },
      NOW,
    )
    await repo.upsertOverride(
      handle.db,
      a,
      inspectionId,
      { milestoneId: 'fieldwork-end', date: '2026-03-24', time: '17:00', reason: 'second', by: null },
      NOW,
    )
    const overrides = await repo.overridesOf(handle.db, a, inspectionId)
    expect(overrides).toHaveLength(1)
    expect(overrides[0]).toMatchObject({
      milestone_id: 'fieldwork-end',
      date: '2026-03-24',
      time: '17:00',
      reason: 'second',
    })
    expect(await repo.overridesOf(handle.db, b, inspectionId)).toHaveLength(0)
    await repo.deleteOverride(handle.db, b, inspectionId, 'fieldwork-end')
    expect(await repo.overridesOf(handle.db, a, inspectionId)).toHaveLength(1)
    await repo.deleteOverride(handle.db, a, inspectionId, 'fieldwork-end')
    expect(await repo.overridesOf(handle.db, a, inspectionId)).toHaveLength(0)
  })

  it('marks a milestone done once, scoped by partnership, and not done again', async () => {
    expect(await repo.insertCompletion(handle.db, a, inspectionId, 'annex-a-due', null, NOW)).toBe(true)
    expect(await repo.insertCompletion(handle.db, a, inspectionId, 'annex-a-due', null, NOW)).toBe(false)
    expect(
      (await repo.completionsOf(handle.db, a, inspectionId)).map((c) => [c.milestone_id, c.completed_at.toISOString()]),
    ).toEqual([['annex-a-due', NOW.toISOString()]])
    expect(await repo.completionsOf(handle.db, b, inspectionId)).toHaveLength(0)
    expect(await repo.deleteCompletion(handle.db, b, inspectionId, 'annex-a-due')).toBe(false)
    expect(await repo.deleteCompletion(handle.db, a, inspectionId, 'annex-a-due')).toBe(true)
    expect(await repo.completionsOf(handle.db, a, inspectionId)).toHaveLength(0)
  })

  it('stores local tasks and the local plan, one plan task per id', async () => {
    const task = {
      taskId: 'local-brief',
      title: 'Brief',
      description: '',
      ownerRole: 'contributor' as const,
      anchorMilestone: 'children-selected',
      offsetWorkingDays: -1,
      time: '10:00',
      createdBy: null,
    }
    await repo.insertLocalTask(handle.db, a, inspectionId, task, NOW)
    await expect(repo.insertLocalTask(handle.db, a, inspectionId, task, NOW)).rejects.toThrow()
    expect((await repo.localTasksOf(handle.db, a, inspectionId))[0]).toMatchObject({
      task_id: 'local-brief',
      offset_working_days: -1,
      time: '10:00',
    })
    expect(await repo.localTasksOf(handle.db, b, inspectionId)).toHaveLength(0)
    await repo.upsertPlanTask(handle.db, a, task, NOW)
    await repo.upsertPlanTask(handle.db, a, { ...task, title: 'Brief the chiefs' }, NOW)
    const plan = await repo.localPlan(handle.db, a)
    expect(plan.map((p) => p.title)).toEqual(['Brief the chiefs'])
    expect(await repo.findPlanTask(handle.db, b, plan[0]!.id)).toBeUndefined()
    await repo.deletePlanTask(handle.db, b, plan[0]!.id)
    expect(await repo.localPlan(handle.db, a)).toHaveLength(1)
    // Removing the inspection's copy takes its completion with it and leaves the plan alone.
    await repo.insertCompletion(handle.db, a, inspectionId, 'local-brief', null, NOW)
    await repo.deleteLocalTask(handle.db, b, inspectionId, 'local-brief')
    expect(await repo.localTasksOf(handle.db, a, inspectionId)).toHaveLength(1)
    await repo.deleteLocalTask(handle.db, a, inspectionId, 'local-brief')
    expect(await repo.localTasksOf(handle.db, a, inspectionId)).toHaveLength(0)
    expect(await repo.completionsOf(handle.db, a, inspectionId)).toHaveLength(0)
    expect(await repo.localPlan(handle.db, a)).toHaveLength(1)
  })

  it('numbers framework versions per partnership and framework', async () => {
    await frameworkRepo.insertVersion(
      handle.db,
      a,
      { frameworkId: 'front-door', content: { v: 1 }, sourceName: 'a.json', uploadedBy: null },
      NOW,
    )
    await frameworkRepo.insertVersion(
      handle.db,
      a,
      { frameworkId: 'front-door', content: { v: 2 }, sourceName: 'b.json', uploadedBy: null },
      NOW,
    )
    await frameworkRepo.insertVersion(
      handle.db,
      b,
      { frameworkId: 'front-door', content: { v: 9 }, sourceName: 'c.json', uploadedBy: null },
      NOW,
    )
    const latest = await frameworkRepo.latestVersions(handle.db, a)
    expect(latest.map((l) => [l.framework_id, l.version, l.content])).toEqual([['front-door', 2, { v: 2 }]])
    expect((await frameworkRepo.versionsOf(handle.db, b, 'front-door')).map((v) => v.version)).toEqual([1])
  })

  it('gives a milestone to one named person at a time, with their deputy, scoped by partnership', async () => {
    const person = async (name: string, deputy: string | null = null) =>
      (
        await handle.db
          .insertInto('people')
          .values({
            partnership_id: a,
            name,
            email: `${name.toLowerCase().replace(/ /g, '.')}@example.org`,
            job_title: 'Lead',
            totp_enabled: false,
            unavailable: deputy !== null,
            deputy_id: deputy,
            updated_at: NOW,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const dee = await person('Dee Deputy')
    const sam = await person('Sam Patel', dee)
    await repo.setAssignment(handle.db, a, inspectionId, 'audit-day', dee, null, NOW)
    await repo.setAssignment(handle.db, a, inspectionId, 'audit-day', sam, dee, NOW)
    expect(await repo.assignmentsOf(handle.db, a, inspectionId)).toEqual([
      {
        milestone_id: 'audit-day',
        person_id: sam,
        person_name: 'Sam Patel',
        agency_id: null,
        agency_name: null,
        unavailable: true,
        deputy_id: dee,
        deputy_name: 'Dee Deputy',
        assigned_by_name: 'Dee Deputy',
        assigned_at: NOW,
      },
    ])
    expect(await repo.assignmentsOf(handle.db, b, inspectionId)).toEqual([])
    await repo.setAssignment(handle.db, b, inspectionId, 'audit-day', null, null, NOW)
    expect(await repo.assignmentsOf(handle.db, a, inspectionId)).toHaveLength(1)
    await repo.setAssignment(handle.db, a, inspectionId, 'audit-day', null, null, NOW)
    expect(await repo.assignmentsOf(handle.db, a, inspectionId)).toEqual([])
  })

  it("keeps each agency's part of a task done once, with the agency's name, scoped by partnership", async () => {
    const agency = async (name: string) =>
      (
        await handle.db
          .insertInto('agencies')
          .values({ partnership_id: a, name, type: 'police', is_statutory: true, updated_at: NOW })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    const police = await agency('Northshire Police')
    const other = await agency('Southshire Police')
    expect(await repo.agencyName(handle.db, a, police)).toBe('Northshire Police')
    expect(await repo.agencyName(handle.db, b, police)).toBeNull()
    expect(await repo.agencyName(handle.db, a, 'not-a-uuid')).toBeNull()
    const mark = (p: string, agencyId: string, done: boolean) =>
      repo.setAgencyCompletion(handle.db, p, inspectionId, 'documents-due', agencyId, done, null, NOW)
    expect(await mark(a, police, true)).toBe(true)
    expect(await mark(a, police, true)).toBe(false)
    expect(await mark(a, other, true)).toBe(true)
    expect(await mark(b, other, false)).toBe(false)
    expect(
      (await repo.agencyCompletionsOf(handle.db, a, inspectionId)).map((r) => [r.milestone_id, r.agency_name]),
    ).toEqual([
      ['documents-due', 'Northshire Police'],
      ['documents-due', 'Southshire Police'],
    ])
    expect(await repo.agencyCompletionsOf(handle.db, b, inspectionId)).toEqual([])
    expect(await mark(a, other, false)).toBe(true)
    expect(await repo.agencyCompletionsOf(handle.db, a, inspectionId)).toHaveLength(1)
  })

  it('keeps imported holidays and closure days per partnership, dates as text', async () => {
    await calendarRepo.replaceImportedHolidays(
      handle.db,
      a,
      [{ date: '2026-12-25', title: 'Christmas Day' }],
      null,
      NOW,
    )
    await calendarRepo.replaceImportedHolidays(
      handle.db,
      a,
      [{ date: '2026-12-28', title: 'Boxing Day (substitute day)' }],
      null,
      NOW,
    )
    expect((await calendarRepo.importedHolidays(handle.db, a)).map((h) => h.date)).toEqual(['2026-12-28'])
    expect(await calendarRepo.importedHolidays(handle.db, b)).toHaveLength(0)
    await calendarRepo.insertClosureDay(handle.db, a, { date: '2026-12-29', title: 'Closed' }, null, NOW)
    expect(await calendarRepo.findClosureDay(handle.db, a, '2026-12-29')).toEqual({
      date: '2026-12-29',
      title: 'Closed',
    })
    expect(await calendarRepo.findClosureDay(handle.db, b, '2026-12-29')).toBeUndefined()
    await calendarRepo.deleteClosureDay(handle.db, b, '2026-12-29')
    expect(await calendarRepo.closureDays(handle.db, a)).toHaveLength(1)
  })
})
