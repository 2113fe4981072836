import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../../../domain/directory'
import type { Scope } from '../../../shared/scope'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  type TestApp,
  type TestPerson,
} from '../../../../test/support/app'
import { testDatabases, type TestDatabase } from '../../../../test/support/databases'

/**
 * The reminder job on the real services and a fake clock. The inspections are the bundled front
 * door framework's, notified on a Monday: "Documentary evidence to inspectors" is day 7 at 17:00,
 * a task of every agency's lead.
 */

const scopeOf = (p: TestPerson): Scope => ({
  partnershipId: p.partnershipId,
  personId: p.id,
  name: `Test ${p.roles.join(' ')}`,
  roles: [...p.roles],
  agencyId: p.agencyId,
})

interface World {
  t: TestApp
  partnershipId: string
  north: string
  south: string
  admin: TestPerson
  coordinator: TestPerson
  leadN: TestPerson
  leadS: TestPerson
  inspector: TestPerson
  inspectionId: string
  person(roles: Role[], agencyId?: string | null): Promise<TestPerson>
  at(iso: string): Promise<{ created: number; cancelled: number; digests: number }>
  keys(p: TestPerson): Promise<string[]>
  notification(
    p: TestPerson,
    key: string,
  ): Promise<{ id: string; kind: string; email: string; title: string; body: string }>
  outbox(p: TestPerson): Promise<
    {
      kind: string
      status: string
      subject: string
      body: string
      dedupe_key: string | null
      notification_id: string | null
    }[]
  >
}

async function world(
  database: TestDatabase,
  options: { now: string; notifiedOn: string; closure?: string; daysBefore?: number },
): Promise<World> {
  const t = await buildTestApp({ handle: await database.open(), now: options.now })
  const partnershipId = await createPartnership(t, 'Northshire')
  const north = await createAgency(t, partnershipId, 'Northshire Police')
  const south = await createAgency(t, partnershipId, 'Southshire Police')
  const person = (roles: Role[], agencyId: string | null = null) => createPerson(t, partnershipId, roles, { agencyId })
  const admin = await person(['administrator'])
  const coordinator = await person(['inspection-coordinator'])
  const leadN = await person(['agency-lead'], north)
  const leadS = await person(['agency-lead'], south)
  const inspector = await person(['inspector'])
  if (options.closure) await t.services.calendar.addClosureDay(scopeOf(coordinator), options.closure, 'Office move')
  if (options.daysBefore !== undefined)
    await t.services.reminders.saveSettings(scopeOf(admin), {
      ...(await t.services.reminders.settings(scopeOf(admin))),
      daysBefore: options.daysBefore,
    })
  const { inspection } = await t.services.inspections.create(scopeOf(coordinator), {
    frameworkId: 'front-door',
    notifiedOn: options.notifiedOn,
    notifiedTime: null,
    practice: false,
  })
  const db = t.handle.db
  return {
    t,
    partnershipId,
    north,
    south,
    admin,
    coordinator,
    leadN,
    leadS,
    inspector,
    inspectionId: inspection.id,
    person,
    async at(iso) {
      t.clock.set(iso)
      return t.services.reminders.run()
    },
    async keys(p) {
      const rows = await db
        .selectFrom('notifications')
        .select('dedupe_key')
        .where('person_id', '=', p.id)
        .where('dedupe_key', 'is not', null)
        .execute()
      return rows.map((r) => r.dedupe_key!)
    },
    notification: (p, key) =>
      db
        .selectFrom('notifications')
        .select(['id', 'kind', 'email', 'title', 'body'])
        .where('person_id', '=', p.id)
        .where('dedupe_key', '=', key)
        .executeTakeFirstOrThrow(),
    outbox: (p) =>
      db
        .selectFrom('outbox_messages')
        .select(['kind', 'status', 'subject', 'body', 'dedupe_key', 'notification_id'])
        .where('person_id', '=', p.id)
        .orderBy('created_at')
        .execute(),
  }
}

describe.each(testDatabases())('reminders on $name', (database) => {
  describe('across a weekend', () => {
    let w: World
    let key: (stage: string, kind?: string) => string
    beforeAll(async () => {
      w = await world(database, { now: '2026-03-02T08:00:00Z', notifiedOn: '2026-03-02' })
      key = (stage, kind = 'task-due') => `${kind}:${w.inspectionId}:documents-due:2026-03-10T1700:${stage}`
    }, 120_000)
    afterAll(() => w?.t.close())

    it('reminds every agency lead 2 working days before (the Friday), once however often the job runs', async () => {
      const timeline = await w.t.services.inspections.timeline(scopeOf(w.coordinator), w.inspectionId)
      expect(timeline.milestones.find((m) => m.id === 'documents-due')).toMatchObject({
        date: '2026-03-10',
        time: '17:00',
      })
      await w.at('2026-03-06T08:59:00Z')
      expect(await w.keys(w.leadN)).not.toContain(key('before-2'))
      const first = await w.at('2026-03-06T09:00:00Z')
      expect(first.created).toBeGreaterThan(0)
      for (const lead of [w.leadN, w.leadS]) expect(await w.keys(lead)).toContain(key('before-2'))
      const n = await w.notification(w.leadN, key('before-2'))
      expect(n).toMatchObject({
        kind: 'task-due',
        email: 'digest',
        title: 'Documentary evidence to inspectors is due on Tuesday 10 March 2026 at 5:00pm',
      })
      expect(n.body).toContain('Inspection: Joint targeted area inspection')
      expect(await w.at('2026-03-06T09:00:30Z')).toEqual({ created: 0, cancelled: 0, digests: 0 })
      expect(await w.at('2026-03-06T09:05:00Z')).toEqual({ created: 0, cancelled: 0, digests: 0 })
      // Inspectors are never reminded.
      expect(await w.keys(w.inspector)).toEqual([])
    })

    it('stops a reminder waiting for the summary when the task is done, and sends summaries on working days only', async () => {
      w.t.clock.set('2026-03-07T10:00:00Z')
      await w.t.services.inspections.setDone(scopeOf(w.leadS), w.inspectionId, 'documents-due', true)
      const saturday = await w.at('2026-03-07T10:01:00Z')
      expect(saturday.cancelled).toBeGreaterThanOrEqual(1)
      expect(saturday.digests).toBe(0)
      expect((await w.notification(w.leadS, key('before-2'))).email).toBe('none')
      expect((await w.notification(w.leadN, key('before-2'))).email).toBe('digest')
      expect((await w.at('2026-03-08T08:00:00Z')).digests).toBe(0) // Sunday

      expect((await w.at('2026-03-09T07:59:00Z')).digests).toBe(0)
      const monday = await w.at('2026-03-09T08:00:00Z')
      expect(monday.digests).toBeGreaterThanOrEqual(1)
      const [digest] = (await w.outbox(w.leadN)).filter((m) => m.kind === 'digest')
      expect(digest).toMatchObject({
        status: 'pending',
        dedupe_key: `digest:${w.leadN.id}:2026-03-09`,
        subject: 'Your JTAI Ready summary for 9 March 2026',
        notification_id: null,
      })
      expect(digest!.body).toContain('- Documentary evidence to inspectors is due on Tuesday 10 March 2026 at 5:00pm')
      const south = (await w.outbox(w.leadS)).filter((m) => m.kind === 'digest')
      for (const m of south) expect(m.body).not.toContain('Documentary evidence to inspectors')
      // Once a day.
      expect((await w.at('2026-03-09T12:00:00Z')).digests).toBe(0)
      expect((await w.outbox(w.leadN)).filter((m) => m.kind === 'digest')).toHaveLength(1)
    })

    it('reminds on the day only those who have not done it', async () => {
      await w.at('2026-03-10T09:00:00Z')
      expect(await w.keys(w.leadN)).toContain(key('on-the-day'))
      expect(await w.keys(w.leadS)).not.toContain(key('on-the-day'))
    })

    it('cancels a waiting email when the task is given to someone else, who is told and reminded', async () => {
      await w.at('2026-03-10T15:00:00Z')
      const soon = key('within-2-hours', 'task-due-within-hours')
      const n = await w.notification(w.leadN, soon)
      expect(n).toMatchObject({ kind: 'task-due-within-hours', email: 'immediate' })
      expect((await w.outbox(w.leadN)).find((m) => m.notification_id === n.id)?.status).toBe('pending')

      await w.t.services.inspections.assign(scopeOf(w.coordinator), w.inspectionId, 'documents-due', w.leadS.id)
      const assigned = (await w.outbox(w.leadS)).find((m) => m.kind === 'task-assigned')
      expect(assigned?.subject).toBe('Documentary evidence to inspectors is given to you')
      const after = await w.at('2026-03-10T15:01:00Z')
      expect(after.cancelled).toBeGreaterThanOrEqual(1)
      expect((await w.outbox(w.leadN)).find((m) => m.notification_id === n.id)?.status).toBe('cancelled')
      expect(await w.keys(w.leadS)).toContain(soon)
      // Overdue: at 17:00 it goes to the named person only.
      await w.at('2026-03-10T17:00:00Z')
      expect(await w.keys(w.leadS)).toContain(key('overdue', 'task-overdue'))
      expect(await w.keys(w.leadN)).not.toContain(key('overdue', 'task-overdue'))
    })

    it('gives a moved date its own reminder', async () => {
      await w.t.services.inspections.overrideMilestone(scopeOf(w.coordinator), w.inspectionId, 'documents-due', {
        date: '2026-03-12',
        time: null,
        reason: 'Agreed with the inspectors',
      })
      await w.at('2026-03-12T09:00:00Z')
      expect(await w.keys(w.leadS)).toContain(`task-due:${w.inspectionId}:documents-due:2026-03-12T1700:on-the-day`)
    })
  })

  describe('over the Easter bank holidays', () => {
    let w: World
    beforeAll(async () => {
      w = await world(database, { now: '2026-03-30T08:00:00Z', notifiedOn: '2026-03-30', daysBefore: 3 })
    }, 120_000)
    afterAll(() => w?.t.close())

    it('counts the days before over Good Friday and Easter Monday, at 09:00 British Summer Time', async () => {
      const timeline = await w.t.services.inspections.timeline(scopeOf(w.coordinator), w.inspectionId)
      expect(timeline.milestones.find((m) => m.id === 'documents-due')?.date).toBe('2026-04-09')
      const before = `task-due:${w.inspectionId}:documents-due:2026-04-09T1700:before-3`
      await w.at('2026-04-02T07:59:00Z')
      expect(await w.keys(w.leadN)).not.toContain(before)
      await w.at('2026-04-02T08:00:00Z')
      expect(await w.keys(w.leadN)).toContain(before)
    })

    it('sends no summary on the bank holidays, then on the Tuesday at 08:00 BST', async () => {
      expect((await w.at('2026-04-03T07:00:00Z')).digests).toBe(0)
      expect((await w.at('2026-04-06T07:00:00Z')).digests).toBe(0)
      expect((await w.at('2026-04-07T06:59:00Z')).digests).toBe(0)
      expect((await w.at('2026-04-07T07:00:00Z')).digests).toBeGreaterThanOrEqual(1)
      const digest = (await w.outbox(w.leadN)).find((m) => m.kind === 'digest')
      expect(digest).toMatchObject({ dedupe_key: `digest:${w.leadN.id}:2026-04-07` })
      expect(digest!.body).toContain('Documentary evidence to inspectors is due on Thursday 9 April 2026 at 5:00pm')
    })
  })

  describe('with a closure day', () => {
    let w: World
    beforeAll(async () => {
      w = await world(database, { now: '2026-03-02T08:00:00Z', notifiedOn: '2026-03-02', closure: '2026-03-09' })
    }, 120_000)
    afterAll(() => w?.t.close())

    it('skips the closure day when counting, and sends no summary on it', async () => {
      const before = `task-due:${w.inspectionId}:documents-due:2026-03-11T1700:before-2`
      await w.at('2026-03-06T08:59:00Z')
      expect(await w.keys(w.leadN)).not.toContain(before)
      await w.at('2026-03-06T09:00:00Z')
      expect(await w.keys(w.leadN)).toContain(before)
      expect((await w.at('2026-03-09T08:00:00Z')).digests).toBe(0)
      expect((await w.at('2026-03-10T08:00:00Z')).digests).toBeGreaterThanOrEqual(1)
      expect((await w.outbox(w.leadN)).find((m) => m.kind === 'digest')?.dedupe_key).toBe(
        `digest:${w.leadN.id}:2026-03-10`,
      )
    })
  })

  describe('approvals, review dates and deputies', () => {
    let w: World
    let approver: TestPerson
    let deputy: TestPerson
    let requirementId: string
    const upload = async (who: TestPerson, text: string) => {
      const stored = await w.t.services.files.put(Readable.from([Buffer.from(text)]), { maxBytes: 1024 })
      await w.t.services.evidence.addVersion(scopeOf(who), requirementId, {
        ...stored,
        filename: 'policy.txt',
        mime: 'text/plain',
      })
    }
    const versionOf = async () =>
      (
        await w.t.handle.db
          .selectFrom('evidence_requirements')
          .select('current_version_id')
          .where('id', '=', requirementId)
          .executeTakeFirstOrThrow()
      ).current_version_id!

    beforeAll(async () => {
      w = await world(database, { now: '2026-03-02T08:00:00Z', notifiedOn: '2026-03-02' })
      approver = await w.person(['senior-approver'], w.north)
      deputy = await w.person(['contributor'], w.north)
      await w.t.handle.db
        .updateTable('agencies')
        .set({ senior_approver_id: approver.id })
        .where('id', '=', w.north)
        .execute()
      const requirements = await w.t.services.evidence.list(scopeOf(w.leadN))
      requirementId = requirements.find(
        (r) => r.document_id === 'police-self-evaluation' && r.agency_id === w.north,
      )!.id
    }, 120_000)
    afterAll(() => w?.t.close())

    it('tells the senior approver at once when a version waits, and again when it has waited a working day', async () => {
      w.t.clock.set('2026-03-02T10:00:00Z')
      await upload(w.leadN, 'version one')
      const requested = (await w.outbox(approver)).find((m) => m.kind === 'approval-requested')
      expect(requested).toMatchObject({
        status: 'pending',
        subject: 'Self-evaluation (Northshire Police) waits for approval',
      })
      expect(await w.outbox(w.leadN)).toEqual([])
      const version = await versionOf()
      await w.at('2026-03-03T09:59:00Z')
      expect(await w.keys(approver)).not.toContain(`approval-waiting:${requirementId}:${version}`)
      await w.at('2026-03-03T10:00:00Z')
      expect(await w.keys(approver)).toContain(`approval-waiting:${requirementId}:${version}`)
      expect(await w.keys(w.leadN)).not.toContain(`approval-waiting:${requirementId}:${version}`)
    })

    it('says an approval is due today on the day documentary evidence is due, and stops it once approved', async () => {
      const version = await versionOf()
      const today = `approval-due-today:${requirementId}:${version}:2026-03-10`
      await w.at('2026-03-10T08:59:00Z')
      expect(await w.keys(approver)).not.toContain(today)
      await w.at('2026-03-10T09:00:00Z')
      const n = await w.notification(approver, today)
      expect(n).toMatchObject({ kind: 'approval-due-today', email: 'immediate' })
      expect(n.title).toBe('Approve Self-evaluation (Northshire Police) today')
      w.t.clock.set('2026-03-10T09:30:00Z')
      await w.t.services.evidence.approveMany(scopeOf(approver), [requirementId], {
        code: undefined,
        stepUpAt: w.t.clock.now(),
        ip: '127.0.0.1',
      })
      const after = await w.at('2026-03-10T09:31:00Z')
      expect(after.cancelled).toBeGreaterThanOrEqual(1)
      expect((await w.outbox(approver)).find((m) => m.notification_id === n.id)?.status).toBe('cancelled')
    })

    it('tells the deputy once per covering, with the principal’s reminders and approvals', async () => {
      await w.t.services.inspections.assign(scopeOf(w.coordinator), w.inspectionId, 'fieldwork-start', approver.id)
      await w.t.services.directory.setAvailability(scopeOf(w.admin), approver.id, true, deputy.id)
      const covering = (await w.at('2026-03-10T10:00:00Z')).created
      expect(covering).toBeGreaterThan(0)
      await w.at('2026-03-10T10:01:00Z')
      const keys = (await w.keys(deputy)).filter((k) => k.startsWith(`deputy-covering:${approver.id}:${deputy.id}:`))
      expect(keys).toHaveLength(1)
      expect((await w.notification(deputy, keys[0]!)).title).toBe(`You are covering for Test senior-approver`)
      // fieldwork-start is day 11, Monday 16 March: 2 working days before is Thursday 12 March.
      await w.at('2026-03-12T09:00:00Z')
      const due = await w.notification(deputy, `task-due:${w.inspectionId}:fieldwork-start:2026-03-16:before-2`)
      expect(due.body).toContain('You are covering for Test senior-approver')
      // A new version while the approver is away: the deputy and the approver are both told.
      w.t.clock.set('2026-03-12T10:00:00Z')
      await upload(w.leadN, 'version two')
      expect((await w.outbox(deputy)).filter((m) => m.kind === 'approval-requested')).toHaveLength(1)
      expect((await w.outbox(approver)).filter((m) => m.kind === 'approval-requested')).toHaveLength(2)
      // Back, then away again: a new covering, told once more.
      await w.t.services.directory.setAvailability(scopeOf(w.admin), approver.id, false, deputy.id)
      await w.at('2026-03-12T10:05:00Z')
      await w.t.services.directory.setAvailability(scopeOf(w.admin), approver.id, true, deputy.id)
      await w.at('2026-03-12T10:06:00Z')
      await w.at('2026-03-12T10:07:00Z')
      expect((await w.keys(deputy)).filter((k) => k.startsWith('deputy-covering:'))).toHaveLength(2)
    })

    it('warns the agency lead 20 working days before a review date (over the August bank holiday)', async () => {
      // Version two was uploaded on 12 March 2026; 6 months on: 12 September 2026 (a Saturday).
      const version = await versionOf()
      const review = `review-due:${requirementId}:${version}:2026-09-12`
      await w.at('2026-08-14T07:59:00Z')
      expect(await w.keys(w.leadN)).not.toContain(review)
      await w.at('2026-08-14T08:00:00Z')
      expect(await w.keys(w.leadN)).toContain(review)
      expect(await w.keys(w.leadS)).not.toContain(review)
    })
  })
})
