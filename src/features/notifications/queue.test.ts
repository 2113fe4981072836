import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import { queueNotifications, type NotificationInput } from './queue'
import { testDatabases } from '../../../test/support/databases'

const NOW = new Date('2026-03-04T09:00:00Z')

describe.each(testDatabases())('queueNotifications on $name', (database) => {
  let handle: DatabaseHandle
  let a: string
  let b: string
  const person: Record<string, string> = {}

  async function addPerson(
    partnershipId: string,
    name: string,
    extra: { disabled?: boolean; accessEnds?: string } = {},
  ) {
    const row = await handle.db
      .insertInto('people')
      .values({
        partnership_id: partnershipId,
        name,
        email: `${name.toLowerCase()}.${partnershipId.slice(0, 8)}@example.org`,
        job_title: 'Lead',
        totp_enabled: false,
        unavailable: false,
        disabled_at: extra.disabled ? NOW : null,
        access_ends_on: extra.accessEnds ?? null,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  const input = (personId: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
    personId,
    kind: 'task-assigned',
    title: 'Upload the safeguarding policy is given to you',
    body: 'The practice inspection: the task is due on 6 March 2026.',
    link: '/inspections',
    ...extra,
  })

  const outboxOf = (personId: string) =>
    handle.db.selectFrom('outbox_messages').selectAll().where('person_id', '=', personId).execute()
  const notificationsOf = (personId: string) =>
    handle.db.selectFrom('notifications').selectAll().where('person_id', '=', personId).execute()

  beforeAll(async () => {
    handle = await database.open()
    a = (await handle.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id
    b = (await handle.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
    person.ann = await addPerson(a, 'Ann')
    person.bob = await addPerson(a, 'Bob')
    person.gone = await addPerson(a, 'Gone', { disabled: true })
    person.ended = await addPerson(a, 'Ended', { accessEnds: '2026-03-03' })
    person.other = await addPerson(b, 'Other')
  }, 60_000)
  afterAll(async () => handle?.close())

  it('makes a notification and, for an email at once, a pending outbox message in the same transaction', async () => {
    const queued = await handle.db.transaction().execute((trx) => queueNotifications(trx, a, NOW, [input(person.ann!)]))
    expect(queued).toEqual([{ id: expect.any(String) as string, personId: person.ann, email: 'immediate' }])
    const [n] = await notificationsOf(person.ann!)
    expect(n).toMatchObject({
      kind: 'task-assigned',
      critical: false,
      read_at: null,
      email: 'immediate',
      link: '/inspections',
    })
    const [m] = await outboxOf(person.ann!)
    expect(m).toMatchObject({
      notification_id: n!.id,
      status: 'pending',
      to_address: `ann.${a.slice(0, 8)}@example.org`,
      subject: 'Upload the safeguarding policy is given to you',
      link: '/inspections',
      attempts: 0,
    })
    expect(m!.next_attempt_at.getTime()).toBe(NOW.getTime())
  })

  it('writes nothing when the transaction it is part of fails', async () => {
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await queueNotifications(trx, a, NOW, [input(person.bob!)])
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect(await notificationsOf(person.bob!)).toHaveLength(0)
    expect(await outboxOf(person.bob!)).toHaveLength(0)
  })

  it('never makes the same reminder twice for one person, but does for another', async () => {
    const reminder = { kind: 'task-due' as const, dedupeKey: 'task-due:x:m1:2026-03-06:2' }
    const first = await handle.db
      .transaction()
      .execute((trx) => queueNotifications(trx, a, NOW, [input(person.bob!, reminder), input(person.bob!, reminder)]))
    expect(first).toHaveLength(1)
    const again = await handle.db
      .transaction()
      .execute((trx) => queueNotifications(trx, a, NOW, [input(person.bob!, reminder), input(person.ann!, reminder)]))
    expect(again.map((q) => q.personId)).toEqual([person.ann])
    expect((await notificationsOf(person.bob!)).filter((n) => n.dedupe_key === reminder.dedupeKey)).toHaveLength(1)
  })

  it('follows the person’s choice per kind, but always emails a critical kind at once', async () => {
    await handle.db
      .insertInto('notification_preferences')
      .values([
        { partnership_id: a, person_id: person.bob!, kind: 'task-overdue', email: 'digest' },
        { partnership_id: a, person_id: person.bob!, kind: 'approval-requested', email: 'none' },
        { partnership_id: a, person_id: person.bob!, kind: 'issue-of-concern', email: 'none' },
      ])
      .execute()
    const before = (await outboxOf(person.bob!)).length
    const queued = await handle.db
      .transaction()
      .execute((trx) =>
        queueNotifications(trx, a, NOW, [
          input(person.bob!, { kind: 'task-overdue' }),
          input(person.bob!, { kind: 'approval-requested' }),
          input(person.bob!, { kind: 'issue-of-concern' }),
          input(person.bob!, { kind: 'review-due' }),
        ]),
      )
    expect(queued.map((q) => q.email)).toEqual(['digest', 'none', 'immediate', 'digest'])
    const outbox = await outboxOf(person.bob!)
    expect(outbox.length - before).toBe(1)
    expect(outbox.at(-1)?.kind).toBe('issue-of-concern')
    const critical = (await notificationsOf(person.bob!)).find((n) => n.kind === 'issue-of-concern')
    expect(critical?.critical).toBe(true)
  })

  it('tells nobody who is disabled, whose access has ended, or who is in another partnership', async () => {
    const queued = await handle.db
      .transaction()
      .execute((trx) =>
        queueNotifications(trx, a, NOW, [input(person.gone!), input(person.ended!), input(person.other!)]),
      )
    expect(queued).toEqual([])
    for (const id of [person.gone!, person.ended!, person.other!]) {
      expect(await notificationsOf(id)).toHaveLength(0)
      expect(await outboxOf(id)).toHaveLength(0)
    }
  })
})
