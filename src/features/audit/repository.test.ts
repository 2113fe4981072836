import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import { appendAuditEvent } from '../../db/auditLog'
import { FakeClock } from '../../domain/clock'
import { createAuditService } from './service'
import { testDatabases } from '../../../test/support/databases'

describe.each(testDatabases())('audit trail on $name', (database) => {
  let h: DatabaseHandle
  let partnershipId: string
  let otherId: string
  const clock = new FakeClock('2026-03-02T09:00:00Z')

  beforeAll(async () => {
    h = await database.open()
    partnershipId = (
      await h.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()
    ).id
    otherId = (await h.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => h.close())

  const append = (pid: string, i: number) =>
    h.db.transaction().execute((trx) =>
      appendAuditEvent(
        trx,
        { partnershipId: pid, personId: null, name: 'Tester' },
        {
          action: 'test.event',
          entityType: 'test',
          entityId: String(i),
          summary: `Event ${i}`,
          details: { i, nested: { b: 2, a: [1, 'x'] } },
        },
        clock.now(),
      ),
    )

  it('numbers events per partnership and chains them', async () => {
    for (let i = 0; i < 5; i++) await append(partnershipId, i)
    await append(otherId, 0)
    const rows = await h.db
      .selectFrom('audit_events')
      .select(['seq', 'prev_hash', 'hash'])
      .where('partnership_id', '=', partnershipId)
      .orderBy('seq')
      .execute()
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5])
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    const five = await createAuditService({ db: h.db }).verify(partnershipId)
    expect(five).toMatchObject({ ok: true, count: 5 })
    // The head is the newest event's hash, as stored.
    expect(five.ok && five.head).toBe(await createAuditService({ db: h.db }).eventHash(partnershipId, 5))
  })

  it('takes distinct sequence numbers under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => append(partnershipId, 100 + i)))
    expect(await createAuditService({ db: h.db }).verify(partnershipId)).toMatchObject({ ok: true, count: 15 })
  })

  it('refuses updates and deletes', async () => {
    await expect(
      h.db
        .updateTable('audit_events')
        .set({ summary: 'changed' })
        .where('partnership_id', '=', partnershipId)
        .execute(),
    ).rejects.toThrow(/append-only/)
    await expect(h.db.deleteFrom('audit_events').where('partnership_id', '=', partnershipId).execute()).rejects.toThrow(
      /append-only/,
    )
  })

  it('finds the first tampered event when someone bypasses the trigger', async () => {
    await sql`alter table audit_events disable trigger audit_events_no_change`.execute(h.db)
    await h.db
      .updateTable('audit_events')
      .set({ summary: 'Quietly changed' })
      .where('partnership_id', '=', partnershipId)
      .where('seq', '=', 3)
      .execute()
    await sql`alter table audit_events enable trigger audit_events_no_change`.execute(h.db)
    const result = await createAuditService({ db: h.db }).verify(partnershipId)
    expect(result).toMatchObject({ ok: false, brokenAt: 3, count: 2 })
    const all = await createAuditService({ db: h.db }).verifyAll()
    expect(all.find((r) => r.partnershipId === otherId)?.result).toMatchObject({ ok: true, count: 1 })
  })
})
