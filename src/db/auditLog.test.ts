import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from './database'
import { appendAuditEvent } from './auditLog'
import { insertAgency } from '../features/directory/repository'
import { testDatabases } from '../../test/support/databases'

// Found by bench/returns.ts on PostgreSQL: 60 people answering at once got 500s (deadlock detected,
// 40P01). A change that inserts a row referencing its partnership (an answer, an agency) holds a
// FOR KEY SHARE lock on the partnership row from the foreign-key check; appending its audit event
// then asked for FOR UPDATE on the same row, which conflicts with the other transaction's key
// share, and two such changes at once waited for each other. FOR NO KEY UPDATE still makes audit
// appends take turns (it conflicts with itself) but not with foreign-key checks.

const postgres = testDatabases().filter((d) => d.name === 'postgres')

describe.runIf(postgres.length).each(postgres)('audit events on $name', (database) => {
  let h: DatabaseHandle
  let partnershipId: string
  beforeAll(async () => {
    h = await database.open()
    partnershipId = (
      await h.db.insertInto('partnerships').values({ name: 'Locks' }).returning('id').executeTakeFirstOrThrow()
    ).id
  })
  afterAll(async () => h.close())

  it('two changes that each insert a row of the partnership, then record it, both commit', async () => {
    const now = new Date('2026-03-02T09:00:00Z')
    let firstInserted!: () => void
    let secondInserted!: () => void
    const first = new Promise<void>((r) => (firstInserted = r))
    const second = new Promise<void>((r) => (secondInserted = r))
    const record = (trx: typeof h.db, i: number) =>
      appendAuditEvent(
        trx,
        { partnershipId, personId: null, name: 'Tester' },
        { action: 'test.event', entityType: 'test', summary: `Event ${i}` },
        now,
      )
    const agency = (i: number) => ({
      name: `Agency ${i}`,
      type: 'police' as const,
      isStatutory: false,
      seniorApproverId: null,
    })
    const results = await Promise.allSettled([
      h.db.transaction().execute(async (trx) => {
        await insertAgency(trx, partnershipId, agency(1), now)
        firstInserted()
        await second
        await record(trx, 1)
      }),
      h.db.transaction().execute(async (trx) => {
        await first
        await insertAgency(trx, partnershipId, agency(2), now)
        secondInserted()
        // The first is now asking for the partnership's lock; then this one asks too.
        await new Promise((r) => setTimeout(r, 200))
        await record(trx, 2)
      }),
    ])
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual([
      'fulfilled',
      'fulfilled',
    ])
    const events = await h.db
      .selectFrom('audit_events')
      .select(['seq', 'summary'])
      .where('partnership_id', '=', partnershipId)
      .orderBy('seq')
      .execute()
    expect(events).toEqual([
      { seq: 1, summary: 'Event 1' },
      { seq: 2, summary: 'Event 2' },
    ])
  })
})
