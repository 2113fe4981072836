import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import type { QueryReason } from '../../db/schema'
import * as repo from './repository'
import { testDatabases } from '../../../test/support/databases'

const now = new Date('2026-03-02T09:00:00Z')

function child(
  list: string,
  row: number,
  childId: string | null,
  extra: Partial<repo.ChildRowInput> = {},
): repo.ChildRowInput {
  return {
    list,
    theme: false,
    row,
    childId,
    dob: '2012-05-14',
    sex: 'b) Female',
    ethnicity: 'a) WBRI',
    disability: 'b) No',
    legalStatus: null,
    eventDate: '2025-10-01',
    values: { child_unique_id: childId, date_of_birth: '2012-05-14' },
    ...extra,
  }
}

describe.each(testDatabases())('Annex A repository on $name', (database) => {
  let h: DatabaseHandle
  let a: string
  let b: string
  const newImport = async (partnershipId: string, fileName: string, inspectionId: string | null = null) =>
    repo.insertImport(
      h.db,
      partnershipId,
      {
        inspectionId,
        notifiedOn: '2026-03-02',
        fileName,
        fileKey: crypto.randomUUID(),
        sha256: 'ab'.repeat(32),
        specVersion: 'ilacs-2023',
        rowsRead: 2,
        errors: 0,
        queries: 0,
        uploadedBy: null,
      },
      now,
    )
  const accept = async (
    partnershipId: string,
    importId: string,
    lists: string[],
    rows: repo.ChildRowInput[],
    queriesReasons: QueryReason[] = [],
  ) =>
    h.db.transaction().execute((trx) =>
      repo.acceptImport(
        trx,
        partnershipId,
        importId,
        {
          lists: lists.map((l) => ({ list: l, title: l, rowsRead: 1, errors: 0, queries: 0 })),
          rows,
          acceptedBy: null,
          queriesReasons,
        },
        now,
      ),
    )

  beforeAll(async () => {
    h = await database.open()
    a = (await h.db.insertInto('partnerships').values({ name: 'A' }).returning('id').executeTakeFirstOrThrow()).id
    b = (await h.db.insertInto('partnerships').values({ name: 'B' }).returning('id').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => h.close())

  it('keeps imports per partnership, with calendar dates as text', async () => {
    const imp = await newImport(a, 'first.xlsx')
    expect(imp.notified_on).toBe('2026-03-02')
    expect((await repo.findImport(h.db, a, imp.id))?.file_name).toBe('first.xlsx')
    expect(await repo.findImport(h.db, b, imp.id)).toBeUndefined()
    expect(await repo.findImport(h.db, a, 'not-a-uuid')).toBeUndefined()
    await repo.updateImportCounts(h.db, a, imp.id, { rowsRead: 9, errors: 1, queries: 2 })
    expect(await repo.findImport(h.db, a, imp.id)).toMatchObject({
      rows_read: 9,
      errors: 1,
      queries: 2,
      status: 'validated',
    })
  })

  it('a re-import replaces that list’s rows, keeps history, and supersedes an import with no current list left', async () => {
    const first = await newImport(a, 'lists 6 and 7.xlsx')
    await accept(
      a,
      first.id,
      ['List 6', 'List 7'],
      [child('List 6', 2, 'C1'), child('List 7', 2, 'C1'), child('List 6', 3, 'C2')],
    )
    const second = await newImport(a, 'list 6 again.csv')
    expect(
      await accept(
        a,
        second.id,
        ['List 6'],
        [child('List 6', 2, 'C1', { legalStatus: null, eventDate: '2026-01-05' })],
      ),
    ).toEqual([])
    expect((await repo.findImport(h.db, a, first.id))?.status).toBe('accepted')
    const third = await newImport(a, 'list 7 again.csv')
    expect(await accept(a, third.id, ['List 7'], [child('List 7', 2, 'C1')])).toEqual([first.id])
    expect((await repo.findImport(h.db, a, first.id))?.status).toBe('superseded')
    const current = await repo.currentLists(h.db, a)
    expect(current.map((l) => [l.list, l.import_id]).sort()).toEqual([
      ['List 6', second.id],
      ['List 7', third.id],
    ])
    const history = await repo.listsOfImports(h.db, a)
    expect(history.filter((l) => l.import_id === first.id).every((l) => !l.current && l.superseded_by)).toBe(true)
    const rows = []
    for await (const r of repo.currentRows(h.db, a)) rows.push(r)
    expect(rows.map((r) => [r.list, r.child_id])).toEqual([
      ['List 6', 'C1'],
      ['List 7', 'C1'],
    ])
    expect(
      await h.db.selectFrom('annex_a_children').select('id').where('partnership_id', '=', a).execute(),
    ).toHaveLength(5)
  })

  it('lists the register by child with filters and age bands, and nothing of another partnership', async () => {
    const imp = await newImport(b, 'b.xlsx')
    await accept(
      b,
      imp.id,
      ['List 3', 'List 8'],
      [
        child('List 3', 2, 'K1', { dob: '2020-01-01', eventDate: '2025-12-01' }),
        child('List 8', 2, 'K1', { dob: '2020-01-01', legalStatus: 'C2', eventDate: '2024-06-01' }),
        child('List 3', 3, 'K2', { dob: '2008-06-01', ethnicity: 'b) WIRI', disability: 'a) Yes' }),
        child('List 3', 4, 'K3', { dob: null }),
        child('List 11', 2, null),
      ],
    )
    const all = await repo.listRegister(h.db, b, {}, '2026-03-02', { limit: 50, offset: 0 })
    expect(all.total).toBe(3)
    const k1 = all.rows.find((r) => r.child_id === 'K1')!
    expect(k1).toMatchObject({
      dob: '2020-01-01',
      age: 6,
      legal_status: 'C2',
      first_event: '2024-06-01',
      latest_event: '2025-12-01',
    })
    expect([...k1.lists].sort()).toEqual(['List 3', 'List 8'])
    const ids = async (filter: repo.RegisterFilter) =>
      (await repo.listRegister(h.db, b, filter, '2026-03-02', { limit: 50, offset: 0 })).rows.map((r) => r.child_id)
    expect(await ids({ list: 'List 8' })).toEqual(['K1'])
    expect(await ids({ legalStatus: 'C2' })).toEqual(['K1'])
    expect(await ids({ ethnicity: 'b) WIRI' })).toEqual(['K2'])
    expect(await ids({ disability: 'a) Yes' })).toEqual(['K2'])
    expect(await ids({ ageBand: '5-9' })).toEqual(['K1'])
    expect(await ids({ ageBand: '16-17' })).toEqual(['K2'])
    expect(await ids({ ageBand: 'unknown' })).toEqual(['K3'])
    expect(await ids({ theme: true })).toEqual([])
    expect(
      (await repo.listRegister(h.db, b, {}, '2026-03-02', { limit: 1, offset: 1 })).rows.map((r) => r.child_id),
    ).toEqual(['K2'])
    const facets = await repo.registerFacets(h.db, b)
    expect(facets).toMatchObject({ legalStatuses: ['C2'], ethnicities: ['a) WBRI', 'b) WIRI'], hasTheme: false })
    const row = await repo.findCurrentChildRow(h.db, b, k1.row_id)
    expect(row?.child_id).toBe('K1')
    expect(await repo.findCurrentChildRow(h.db, a, k1.row_id)).toBeUndefined()
    expect((await repo.currentRowsOfChild(h.db, b, 'K1')).map((r) => r.list)).toEqual(['List 3', 'List 8'])
    expect((await repo.listRegister(h.db, a, { list: 'List 8' }, '2026-03-02', { limit: 50, offset: 0 })).total).toBe(0)
  })

  it('remembers value mappings per partnership and changes them on a second answer', async () => {
    await h.db
      .transaction()
      .execute((trx) =>
        repo.upsertMappings(trx, a, [{ columnId: 'gender', spelling: 'f', code: 'b) Female' }], null, now),
      )
    await h.db.transaction().execute((trx) =>
      repo.upsertMappings(
        trx,
        a,
        [
          { columnId: 'gender', spelling: 'f', code: 'a) Male' },
          { columnId: 'ethnicity', spelling: 'white british', code: 'a) WBRI' },
        ],
        null,
        now,
      ),
    )
    const mappings = await repo.listMappings(h.db, a)
    expect(mappings.get('gender')?.get('f')).toBe('a) Male')
    expect(mappings.get('ethnicity')?.get('white british')).toBe('a) WBRI')
    expect((await repo.listMappings(h.db, b)).size).toBe(0)
  })
  it('keeps a reason per kind of query with the accepted file, and none when there were no queries', async () => {
    const reasons = [
      { rule: 'period.outside', title: 'Row outside the list’s period', count: 2, reason: 'Still open at inspection' },
      { rule: 'row.duplicate', title: 'Duplicate row', count: 1, reason: 'Two referrals on one day' },
    ]
    const withQueries = await newImport(a, 'queries.xlsx')
    await accept(a, withQueries.id, ['List 9'], [child('List 9', 2, 'Q1')], reasons)
    expect((await repo.findImport(h.db, a, withQueries.id))?.queries_reasons).toEqual(reasons)
    const clean = await newImport(a, 'clean.xlsx')
    await accept(a, clean.id, ['List 10'], [child('List 10', 2, 'Q2')])
    expect((await repo.findImport(h.db, a, clean.id))?.queries_reasons).toBeNull()
  })

  it('lists what has been accepted for an inspection, replaced lists included, and nothing of another', async () => {
    const inspection = crypto.randomUUID()
    const first = await newImport(a, 'referrals.csv', inspection)
    await accept(a, first.id, ['List 3'], [child('List 3', 2, 'I1')])
    const second = await newImport(a, 's47.csv', inspection)
    await accept(a, second.id, ['List 5'], [child('List 5', 2, 'I1')])
    const again = await newImport(a, 'referrals-again.csv', inspection)
    await accept(a, again.id, ['List 3'], [child('List 3', 2, 'I1')])
    await newImport(a, 'not-accepted.csv', inspection)
    const elsewhere = await newImport(a, 'other.csv', crypto.randomUUID())
    await accept(a, elsewhere.id, ['List 1'], [child('List 1', 2, 'I2')])
    expect((await repo.listsAcceptedForInspection(h.db, a, inspection)).sort()).toEqual(['List 3', 'List 5'])
    expect(await repo.listsAcceptedForInspection(h.db, b, inspection)).toEqual([])
  })
})
