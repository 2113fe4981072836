import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../../db/database'
import { DEFAULT_REMINDER_SETTINGS } from '../../../domain/notifications'
import { queueNotifications } from '../queue'
import * as repo from './repository'
import { testDatabases } from '../../../../test/support/databases'

const NOW = new Date('2026-03-04T09:00:00Z')
const SLOT = new Date('2026-03-05T08:00:00Z')

describe.each(testDatabases())('reminder repository on $name', (database) => {
  let handle: DatabaseHandle
  let a: string
  let b: string
  let ann: string
  let bob: string
  let other: string

  async function addPerson(partnershipId: string, name: string) {
    const row = await handle.db
      .insertInto('people')
      .values({
        partnership_id: partnershipId,
        name,
        email: `${name.toLowerCase()}@example.org`,
        job_title: 'Lead',
        totp_enabled: false,
        unavailable: false,
        updated_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  const remind = (personId: string, key: string, kind: 'task-due' | 'task-overdue', partnershipId = a) =>
    handle.db
      .transaction()
      .execute((trx) =>
        queueNotifications(trx, partnershipId, NOW, [
          { personId, kind, title: `Title ${key}`, body: 'Body', link: '/inspections', dedupeKey: key },
        ]),
      )

  beforeAll(async () => {
    handle = await database.open()
    a = (await handle.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id
    b = (await handle.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
    ann = await addPerson(a, 'Ann')
    bob = await addPerson(a, 'Bob')
    other = await addPerson(b, 'Other')
  }, 60_000)
  afterAll(async () => handle?.close())

  it('keeps each partnership’s settings, the defaults until saved', async () => {
    expect(await repo.reminderSettings(handle.db, a)).toEqual(DEFAULT_REMINDER_SETTINGS)
    const changed = { ...DEFAULT_REMINDER_SETTINGS, daysBefore: 4, reminderTime: '08:15', remindOverdue: false }
    await repo.saveReminderSettings(handle.db, a, changed, ann, NOW)
    await repo.saveReminderSettings(handle.db, a, { ...changed, reviewWarningDays: 30 }, ann, NOW)
    expect(await repo.reminderSettings(handle.db, a)).toEqual({ ...changed, reviewWarningDays: 30 })
    expect(await repo.reminderSettings(handle.db, b)).toEqual(DEFAULT_REMINDER_SETTINGS)
  })

  it('finds the keys people already have, in the partnership only', async () => {
    await remind(ann, 'task-due:i:m:2026-03-06:before-2', 'task-due')
    await remind(other, 'task-due:i:m:2026-03-06:before-2', 'task-due', b)
    const found = await repo.existingKeys(handle.db, a, [
      { personId: ann, dedupeKey: 'task-due:i:m:2026-03-06:before-2' },
      { personId: bob, dedupeKey: 'task-due:i:m:2026-03-06:before-2' },
    ])
    expect([...found]).toEqual([`${ann} task-due:i:m:2026-03-06:before-2`])
  })

  it('stops unsent reminders: a waiting email is cancelled, one being sent is left, a summary one is not emailed', async () => {
    await remind(bob, 'task-overdue:i:m:2026-03-06:overdue', 'task-overdue') // emailed at once
    await remind(bob, 'task-overdue:i:n:2026-03-06:overdue', 'task-overdue')
    await remind(bob, 'task-due:i:m:2026-03-06:before-2', 'task-due') // daily summary
    const unsent = await repo.unsentReminders(handle.db, a, ['task-due', 'task-overdue'])
    expect(unsent.filter((n) => n.person_id === bob)).toHaveLength(3)
    // The worker has claimed the second one.
    const claimed = unsent.find((n) => n.dedupe_key === 'task-overdue:i:n:2026-03-06:overdue')!
    await handle.db
      .updateTable('outbox_messages')
      .set({ status: 'sending' })
      .where('id', '=', claimed.outbox_id!)
      .execute()
    const ids = unsent.filter((n) => n.person_id === bob).map((n) => n.id)
    expect(await repo.cancelReminders(handle.db, b, ids)).toBe(0) // another partnership's: nothing
    expect(await repo.cancelReminders(handle.db, a, ids)).toBe(2)
    const outbox = await handle.db
      .selectFrom('outbox_messages')
      .select(['notification_id', 'status'])
      .where('person_id', '=', bob)
      .execute()
    expect(outbox.map((o) => o.status).sort()).toEqual(['cancelled', 'sending'])
    const summary = await handle.db
      .selectFrom('notifications')
      .select('email')
      .where('person_id', '=', bob)
      .where('dedupe_key', '=', 'task-due:i:m:2026-03-06:before-2')
      .executeTakeFirstOrThrow()
    expect(summary.email).toBe('none')
    expect(
      (await repo.unsentReminders(handle.db, a, ['task-due', 'task-overdue'])).filter((n) => n.person_id === bob),
    ).toEqual([])
  })

  it('writes one daily summary per person and day, taking each notification once', async () => {
    const due = await repo.digestsDue(handle.db, a, SLOT, '2026-03-05')
    expect(due.map((d) => [d.personId, d.notifications.length, d.active])).toEqual([[ann, 1, true]])
    const write = () =>
      handle.db.transaction().execute((trx) =>
        repo.writeDigest(
          trx,
          a,
          {
            personId: ann,
            email: 'ann@example.org',
            slotDate: '2026-03-05',
            subject: 'Your summary',
            ids: due[0]!.notifications.map((n) => n.id),
          },
          (titles) => titles.join('\n'),
          SLOT,
        ),
      )
    expect(await write()).toBe(true)
    expect(await write()).toBe(false)
    const digests = await handle.db
      .selectFrom('outbox_messages')
      .select(['dedupe_key', 'body', 'link', 'kind'])
      .where('kind', '=', 'digest')
      .execute()
    expect(digests).toEqual([
      {
        dedupe_key: `digest:${ann}:2026-03-05`,
        body: 'Title task-due:i:m:2026-03-06:before-2',
        link: '/notifications',
        kind: 'digest',
      },
    ])
    expect(await repo.digestsDue(handle.db, a, SLOT, '2026-03-05')).toEqual([])
    // A notification made later in the day waits for the next slot, even with a summary written today.
    await remind(ann, 'task-due:i:q:2026-03-09:before-2', 'task-due')
    await handle.db
      .updateTable('notifications')
      .set({ created_at: new Date('2026-03-05T07:59:00Z') })
      .where('dedupe_key', '=', 'task-due:i:q:2026-03-09:before-2')
      .execute()
    expect(await repo.digestsDue(handle.db, a, SLOT, '2026-03-05')).toEqual([])
    expect(
      (await repo.digestsDue(handle.db, a, new Date('2026-03-06T08:00:00Z'), '2026-03-06')).map((d) => d.personId),
    ).toEqual([ann])
  })

  it('refuses a second summary for the same day written meanwhile, so the first stands alone', async () => {
    const [d] = await repo.digestsDue(handle.db, a, new Date('2026-03-06T08:00:00Z'), '2026-03-06')
    await handle.db
      .insertInto('outbox_messages')
      .values({
        partnership_id: a,
        person_id: ann,
        kind: 'digest',
        to_address: 'ann@example.org',
        subject: 'Your summary',
        body: 'written by another run',
        status: 'pending',
        next_attempt_at: NOW,
        dedupe_key: `digest:${ann}:2026-03-06`,
        created_at: NOW,
      })
      .execute()
    await expect(
      handle.db.transaction().execute((trx) =>
        repo.writeDigest(
          trx,
          a,
          {
            personId: ann,
            email: 'ann@example.org',
            slotDate: '2026-03-06',
            subject: 'Your summary',
            ids: d!.notifications.map((n) => n.id),
          },
          (titles) => titles.join('\n'),
          NOW,
        ),
      ),
    ).rejects.toBeInstanceOf(repo.DigestExistsError)
    // Rolled back: the notification still waits (for tomorrow's summary).
    const n = await handle.db
      .selectFrom('notifications')
      .select('digested_at')
      .where('id', '=', d!.notifications[0]!.id)
      .executeTakeFirstOrThrow()
    expect(n.digested_at).toBeNull()
  })

  it('finds when someone was last marked unavailable', async () => {
    expect(await repo.coveringSince(handle.db, a, [ann])).toEqual(new Map())
    for (const seq of [1, 2])
      await handle.db
        .insertInto('audit_events')
        .values({
          partnership_id: a,
          seq,
          occurred_at: NOW,
          actor_id: null,
          actor_name: null,
          action: 'person.availability-changed',
          entity_type: 'person',
          entity_id: ann,
          summary: 'Ann is unavailable',
          details: JSON.stringify({ unavailable: true }),
          prev_hash: '',
          hash: `h${seq}`,
        })
        .execute()
    expect(await repo.coveringSince(handle.db, a, [ann, bob])).toEqual(new Map([[ann, 2]]))
  })
})
