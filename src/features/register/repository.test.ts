import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import { listRegister, type RegisterQuery } from './repository'
import { testDatabases } from '../../../test/support/databases'

const IDS = ['10', '2', '007', '7', 'C10', 'C2', 'b1', 'B2', '50%', '500', 'x_1', 'xy1']

describe.each(testDatabases())('child register repository on $name', (database) => {
  let h: DatabaseHandle
  let a: string
  let b: string

  beforeAll(async () => {
    h = await database.open()
    const partnership = async (name: string) =>
      (await h.db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow()).id
    a = await partnership('A')
    b = await partnership('B')
    const { id: importId } = await h.db
      .insertInto('annex_a_imports')
      .values({
        partnership_id: a,
        inspection_id: null,
        notified_on: '2026-03-02',
        file_name: 'lists.xlsx',
        file_key: '00000000-0000-4000-8000-0000000000c1',
        sha256: '0'.repeat(64),
        spec_version: 'ilacs-2023',
        rows_read: IDS.length,
        errors: 0,
        queries: 0,
        status: 'accepted',
        uploaded_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [i, childId] of IDS.entries())
      await h.db
        .insertInto('annex_a_children')
        .values({
          partnership_id: a,
          import_id: importId,
          list: 'List 6',
          theme: false,
          row: i + 2,
          child_id: childId,
          dob: '2012-05-14',
          sex: 'b) Female',
          ethnicity: null,
          disability: null,
          legal_status: null,
          event_date: '2025-12-02',
          current: true,
          values: '{}',
        })
        .execute()
  })
  afterAll(async () => h.close())

  const ids = async (partnershipId: string, query: RegisterQuery = {}) =>
    (await listRegister(h.db, partnershipId, query, '2026-03-02', { limit: 50, offset: 0 })).rows.map((r) => r.child_id)

  it('sorts IDs as numbers where they are numbers, then as text with a trailing number as a number', async () => {
    const order = await ids(a)
    // Numbers first, by value (007 and 7 are equal: then as written); then text, C2 before C10.
    // (How upper and lower case letters sort between themselves is the database's collation.)
    expect(order.slice(0, 6)).toEqual(['2', '007', '7', '10', '500', '50%'])
    expect(order.indexOf('C2')).toBe(order.indexOf('C10') - 1)
    expect(order).toHaveLength(IDS.length)
  })

  it('finds an ID whole or by its start, in any case, the whole ID first, with % and _ taken literally', async () => {
    expect(await ids(a, { childId: '7' })).toEqual(['7'])
    expect(await ids(a, { childId: '00' })).toEqual(['007'])
    expect(await ids(a, { childId: 'c' })).toEqual(['C2', 'C10'])
    expect((await ids(a, { childId: 'B' })).sort()).toEqual(['B2', 'b1'])
    expect(await ids(a, { childId: '50' })).toEqual(['500', '50%'])
    expect(await ids(a, { childId: '50%' })).toEqual(['50%'])
    expect(await ids(a, { childId: 'x_' })).toEqual(['x_1'])
    expect(await ids(a, { childId: '  ' })).toHaveLength(IDS.length)
    const page = await listRegister(h.db, a, { childId: 'c' }, '2026-03-02', { limit: 1, offset: 1 })
    expect(page).toMatchObject({ total: 2, rows: [{ child_id: 'C10', dob: '2012-05-14', age: 13 }] })
  })

  it('finds nothing of another partnership', async () => {
    expect(await ids(b)).toEqual([])
    expect(await ids(b, { childId: '7' })).toEqual([])
  })
})
