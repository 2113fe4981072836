import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import type { OutboxStatus } from '../../db/schema'
import { testDatabases } from '../../../test/support/databases'
import * as repo from './repository'

const NOW = new Date('2026-03-02T09:00:00Z')
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000)

describe.each(testDatabases())('notification repositories on $name', (database) => {
  let handle: DatabaseHandle
  let a: string
  let b: string
  let ann: string
  let bob: string
  let noEmail: string
  let outsider: string

  async function person(partnershipId: string, name: string, fields: Record<string, unknown> = {}) {
    const row = await handle.db
      .insertInto('people')
      .values({
        partnership_id: partnershipId,
        name,
        email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.org`,
        job_title: '',
        totp_enabled: false,
        unavailable: false,
        updated_at: NOW,
        ...fields,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async function notification(partnershipId: string, personId: string, title: string, createdAt: Date) {
    const row = await handle.db
      .insertInto('notifications')
      .values({
        partnership_id: partnershipId,
        person_id: personId,
        kind: 'task-assigned',
        critical: false,
        title,
        body: 'Body',
        link: '/inspections',
        email: 'immediate',
        created_at: createdAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  async function message(partnershipId: string, status: OutboxStatus, createdAt: Date, personId: string | null = null) {
    return repo
      .insertOutboxMessage(
        handle.db,
        partnershipId,
        { personId, kind: 'task-due', to: 'x@example.org', subject: `${status} message`, body: 'Body', link: '/' },
        createdAt,
      )
      .then(async (id) => {
        await handle.db.updateTable('outbox_messages').set({ status }).where('id', '=', id).execute()
        return id
      })
  }

  beforeAll(async () => {
    handle = await database.open()
    a = (await handle.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id
    b = (await handle.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
    ann = await person(a, 'Ann Able', { email: 'Ann.Able@Example.org' })
    bob = await person(a, 'Bob Busy')
    noEmail = await person(a, 'Nia Nomail', { email: '  ' })
    outsider = await person(b, 'Olu Outsider')
    await person(a, 'Dee Disabled', { disabled_at: NOW })
    await person(a, 'Ivo Inspector', { access_ends_on: '2026-03-01' })
    await person(a, 'Ida Inspector', { access_ends_on: '2026-03-02' })
  }, 60_000)
  afterAll(async () => handle?.close())

  it('lists a person’s notifications newest first, a page at a time, and counts the unread', async () => {
    for (let i = 0; i < 5; i++) await notification(a, ann, `Ann ${i}`, at(i))
    await notification(a, bob, 'Bob 0', at(10))
    const first = await repo.listNotifications(handle.db, a, ann, { limit: 2, offset: 0 })
    expect(first.total).toBe(5)
    expect(first.rows.map((r) => r.title)).toEqual(['Ann 4', 'Ann 3'])
    const last = await repo.listNotifications(handle.db, a, ann, { limit: 2, offset: 4 })
    expect(last.rows.map((r) => r.title)).toEqual(['Ann 0'])
    expect(last.rows[0]!.created_at).toBeInstanceOf(Date)
    expect(await repo.countUnread(handle.db, a, ann)).toBe(5)
    // Only in its own partnership.
    expect((await repo.listNotifications(handle.db, b, ann, { limit: 10, offset: 0 })).total).toBe(0)
    expect(await repo.countUnread(handle.db, b, ann)).toBe(0)
  })

  it('finds and marks read only the person’s own notification, once', async () => {
    const id = await notification(a, bob, 'Bob 1', at(20))
    expect(await repo.findNotification(handle.db, a, ann, id)).toBeUndefined()
    expect(await repo.findNotification(handle.db, b, bob, id)).toBeUndefined()
    expect(await repo.markRead(handle.db, a, ann, id, at(21))).toBe(false)
    expect(await repo.findNotification(handle.db, a, bob, id)).toMatchObject({ link: '/inspections', read_at: null })
    expect(await repo.markRead(handle.db, a, bob, id, at(21))).toBe(true)
    expect(await repo.markRead(handle.db, a, bob, id, at(22))).toBe(false)
    const found = await repo.findNotification(handle.db, a, bob, id)
    expect(found?.read_at?.getTime()).toBe(at(21).getTime())
    expect(await repo.countUnread(handle.db, a, bob)).toBe(1)
  })

  it('marks all of one person’s notifications read, no one else’s', async () => {
    expect(await repo.markAllRead(handle.db, b, ann, at(30))).toBe(0)
    expect(await repo.markAllRead(handle.db, a, ann, at(30))).toBe(5)
    expect(await repo.markAllRead(handle.db, a, ann, at(31))).toBe(0)
    expect(await repo.countUnread(handle.db, a, ann)).toBe(0)
    expect(await repo.countUnread(handle.db, a, bob)).toBe(1)
  })

  it('keeps a person’s email choices, replacing earlier ones', async () => {
    expect((await repo.preferencesOf(handle.db, a, ann)).size).toBe(0)
    await repo.savePreferences(
      handle.db,
      a,
      ann,
      new Map([
        ['task-assigned', 'none'],
        ['task-due', 'immediate'],
      ]),
    )
    await repo.savePreferences(handle.db, a, ann, new Map([['task-assigned', 'digest']]))
    await repo.savePreferences(handle.db, a, ann, new Map())
    expect(Object.fromEntries(await repo.preferencesOf(handle.db, a, ann))).toEqual({
      'task-assigned': 'digest',
      'task-due': 'immediate',
    })
    expect((await repo.preferencesOf(handle.db, a, bob)).size).toBe(0)
    expect((await repo.preferencesOf(handle.db, b, ann)).size).toBe(0)
  })

  it('lists the outbox newest first with the person’s name, filters by status and counts each', async () => {
    await message(a, 'sent', at(1), ann)
    const failed = await message(a, 'failed', at(2), bob)
    await message(a, 'pending', at(3))
    await message(a, 'sending', at(4))
    await message(b, 'failed', at(5), outsider)
    const all = await repo.listOutbox(handle.db, a, undefined, { limit: 10, offset: 0 })
    expect(all.total).toBe(4)
    expect(all.rows.map((r) => r.subject)).toEqual([
      'sending message',
      'pending message',
      'failed message',
      'sent message',
    ])
    expect(all.rows.find((r) => r.id === failed)).toMatchObject({ person_name: 'Bob Busy', attempts: 0 })
    expect(all.rows.find((r) => r.subject === 'pending message')?.person_name).toBeNull()
    const waiting = await repo.listOutbox(handle.db, a, ['pending', 'sending'], { limit: 1, offset: 1 })
    expect(waiting.total).toBe(2)
    expect(waiting.rows.map((r) => r.subject)).toEqual(['pending message'])
    expect(await repo.countOutboxByStatus(handle.db, a)).toEqual({ sent: 1, failed: 1, pending: 1, sending: 1 })
    expect(await repo.countOutboxByStatus(handle.db, b)).toEqual({ failed: 1 })
  })

  it('sends a failed email again only in its partnership, and only once it has failed', async () => {
    const failed = await message(a, 'failed', at(6))
    await handle.db
      .updateTable('outbox_messages')
      .set({ attempts: 5, last_error: '550 No such user', claimed_until: at(6) })
      .where('id', '=', failed)
      .execute()
    expect(await repo.outboxMessageExists(handle.db, b, failed)).toBe(false)
    expect(await repo.retryFailedMessage(handle.db, b, failed, at(40))).toBe(false)
    expect(await repo.outboxMessageExists(handle.db, a, failed)).toBe(true)
    expect(await repo.retryFailedMessage(handle.db, a, failed, at(40))).toBe(true)
    expect(await repo.retryFailedMessage(handle.db, a, failed, at(41))).toBe(false)
    const row = await handle.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', failed)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'pending', attempts: 0, last_error: null, claimed_until: null })
    expect(row.next_attempt_at.getTime()).toBe(at(40).getTime())
  })

  it('finds people by address without case, and who gets no email and why', async () => {
    expect(await repo.personIdByEmail(handle.db, a, 'ann.able@example.org')).toBe(ann)
    expect(await repo.personIdByEmail(handle.db, b, 'ann.able@example.org')).toBeUndefined()
    expect(await repo.emailOf(handle.db, a, ann)).toBe('Ann.Able@Example.org')
    expect(await repo.emailOf(handle.db, b, ann)).toBe('')
    const none = await repo.peopleNotEmailed(handle.db, a, '2026-03-02')
    expect(none.map((p) => [p.name, p.reason])).toEqual([
      ['Dee Disabled', 'disabled'],
      ['Ivo Inspector', 'access-ended'],
      ['Nia Nomail', 'no-email'],
    ])
    expect(none.find((p) => p.name === 'Nia Nomail')?.id).toBe(noEmail)
  })
})
