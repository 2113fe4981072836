import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../../db/database'
import { testDatabases } from '../../../../test/support/databases'
import * as repo from './repository'
import type { AgencyType } from '../../../../src/domain/directory'
import { insertAgency, insertInspection, insertPartnership, insertPerson } from '../../../../test/support/rows'

const NOW = new Date('2026-03-10T16:30:00Z')

describe.each(testDatabases())('case-tracking selection repository on $name', (database) => {
  let h: DatabaseHandle
  let a: string
  let b: string
  let police: string
  let health: string
  let inspection: string
  let bInspection: string
  let lead: string
  let deputy: string

  const partnership = (name: string) => insertPartnership(h.db, name)
  const agency = (pid: string, name: string, type: AgencyType) => insertAgency(h.db, pid, name, type, NOW)
  const person = (pid: string, agencyId: string | null, name: string, role?: 'agency-lead' | 'contributor') =>
    insertPerson(h.db, pid, agencyId, name, NOW, role)
  const startInspection = (pid: string) =>
    insertInspection(h.db, pid, { frameworkId: 'front-door', notifiedOn: '2026-03-09', now: NOW })
  const child = (childRef: string, inRegister = true): repo.NewSelectedChild => ({
    childRef,
    name: `Name ${childRef}`,
    dateOfBirth: '2012-05-14',
    nhsNumber: null,
    address: null,
    other: { 'Social worker': 'J Smith' },
    inRegister,
    source: 'upload',
  })

  beforeAll(async () => {
    h = await database.open()
    a = await partnership('A')
    b = await partnership('B')
    police = await agency(a, 'Police', 'police')
    health = await agency(a, 'Health', 'health-icb')
    await agency(a, 'Probation', 'probation')
    await agency(b, 'B Police', 'police')
    lead = await person(a, police, 'Police Lead', 'agency-lead')
    deputy = await person(a, police, 'Police Deputy', 'contributor')
    await h.db.updateTable('people').set({ deputy_id: deputy }).where('id', '=', lead).execute()
    await person(a, health, 'Health Lead', 'agency-lead')
    await person(a, health, 'Health Contributor', 'contributor')
    const gone = await person(a, health, 'Gone Lead', 'agency-lead')
    await h.db.updateTable('people').set({ disabled_at: NOW }).where('id', '=', gone).execute()
    inspection = await startInspection(a)
    bInspection = await startInspection(b)
    // The child register: current Annex A rows (one child on two lists), and a replaced one.
    const { id: importId } = await h.db
      .insertInto('annex_a_imports')
      .values({
        partnership_id: a,
        inspection_id: null,
        notified_on: '2026-03-02',
        file_name: 'lists.xlsx',
        file_key: '00000000-0000-4000-8000-0000000000e1',
        sha256: '0'.repeat(64),
        spec_version: 'ilacs-2026',
        rows_read: 3,
        errors: 0,
        queries: 0,
        status: 'accepted',
        uploaded_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [row, childId, list, current] of [
      [2, 'C10', 'List 6', true],
      [3, 'C10', 'List 8', true],
      [4, 'C11', 'List 6', false],
    ] as const)
      await h.db
        .insertInto('annex_a_children')
        .values({
          partnership_id: a,
          import_id: importId,
          list,
          theme: false,
          row,
          child_id: childId,
          dob: '2011-01-31',
          sex: null,
          ethnicity: null,
          disability: null,
          legal_status: null,
          event_date: null,
          current,
          values: '{}',
        })
        .execute()
  })
  afterAll(async () => h.close())

  it('finds register children by ID in any case, current rows only, within the partnership', async () => {
    const found = await repo.registerChildren(h.db, a, ['c10', 'C11', 'X1'])
    expect([...found.entries()]).toEqual([['c10', { childId: 'C10', dob: '2011-01-31' }]])
    expect((await repo.registerChildren(h.db, b, ['C10'])).size).toBe(0)
    expect((await repo.registerChildren(h.db, a, [])).size).toBe(0)
  })

  it('adds children after those already selected, keeps their other columns, and finds none of another partnership', async () => {
    await repo.ensureSelection(h.db, a, inspection, NOW)
    await repo.ensureSelection(h.db, a, inspection, NOW)
    const first = await repo.insertSelectedChildren(h.db, a, inspection, [child('C10'), child('N1', false)], lead, NOW)
    const second = await repo.insertSelectedChildren(h.db, a, inspection, [child('C12')], lead, NOW)
    const rows = await repo.listSelectedChildren(h.db, a, inspection)
    expect(rows.map((r) => [r.position, r.child_ref, r.in_register, r.date_of_birth])).toEqual([
      [1, 'C10', true, '2012-05-14'],
      [2, 'N1', false, '2012-05-14'],
      [3, 'C12', true, '2012-05-14'],
    ])
    expect(rows[0]!.other).toEqual({ 'Social worker': 'J Smith' })
    expect(rows.map((r) => r.id)).toEqual([...first, ...second])
    expect(await repo.listSelectedChildren(h.db, b, inspection)).toEqual([])
    expect(await repo.findSelectedChild(h.db, b, first[0]!)).toBeUndefined()
    expect(await repo.findSelectedChild(h.db, a, 'not-a-uuid')).toBeUndefined()
    expect(await repo.findSelectedChild(h.db, a, first[0]!)).toEqual({ id: first[0], inspection_id: inspection })
    // The same child twice in one inspection is refused by the database too.
    await expect(repo.insertSelectedChildren(h.db, a, inspection, [child('C10')], lead, NOW)).rejects.toThrow()
    await repo.deleteSelectedChild(h.db, b, first[1]!)
    expect(await repo.listSelectedChildren(h.db, a, inspection)).toHaveLength(3)
    await repo.deleteSelectedChild(h.db, a, first[1]!)
    expect(await repo.listSelectedChildren(h.db, a, inspection)).toHaveLength(2)
  })

  it('keeps the partnership’s working hours, one row each', async () => {
    expect(await repo.findSettings(h.db, a)).toBeUndefined()
    await repo.saveSettings(h.db, a, { dayStarts: '08:30', dayEnds: '16:30', returnHours: 3 }, lead, NOW)
    await repo.saveSettings(h.db, a, { dayStarts: '09:00', dayEnds: '17:00', returnHours: 4 }, lead, NOW)
    expect(await repo.findSettings(h.db, a)).toMatchObject({ day_starts: '09:00', day_ends: '17:00', return_hours: 4 })
    expect(await repo.findSettings(h.db, b)).toBeUndefined()
  })

  it('finds the agencies in scope and tells their enabled leads and each lead’s deputy', async () => {
    const agencies = await repo.agenciesOfTypes(h.db, a, ['police', 'health-icb'])
    expect(agencies.map((x) => x.name)).toEqual(['Health', 'Police'])
    expect(await repo.agenciesOfTypes(h.db, a, [])).toEqual([])
    const recipients = await repo.returnRecipients(
      h.db,
      a,
      agencies.map((x) => x.id),
    )
    const names = await h.db
      .selectFrom('people')
      .select(['id', 'name'])
      .where(
        'id',
        'in',
        recipients.map((r) => r.personId),
      )
      .execute()
    expect(names.map((n) => n.name).sort()).toEqual(['Health Lead', 'Police Deputy', 'Police Lead'])
    expect(recipients.find((r) => r.personId === deputy)?.agencyId).toBe(police)
  })

  it('releases once, opens each agency’s return once, and records the choice for audit exactly', async () => {
    expect(await repo.markReleased(h.db, a, inspection, lead, new Date('2026-03-11T10:30:00Z'), NOW)).toBe(true)
    expect(await repo.markReleased(h.db, a, inspection, lead, new Date('2026-03-11T12:00:00Z'), NOW)).toBe(false)
    expect(await repo.markReleased(h.db, b, bInspection, lead, NOW, NOW)).toBe(false)
    const selection = await repo.findSelection(h.db, a, inspection)
    expect(new Date(selection!.due_at!).toISOString()).toBe('2026-03-11T10:30:00.000Z')
    await repo.insertReturns(h.db, a, inspection, [police, health])
    await repo.insertReturns(h.db, a, inspection, [police])
    const returns = await h.db
      .selectFrom('agency_returns')
      .select('agency_id')
      .where('inspection_id', '=', inspection)
      .execute()
    expect(returns).toHaveLength(2)

    const [c10, c12] = (await repo.listSelectedChildren(h.db, a, inspection)).map((c) => c.id)
    await repo.setAuditChoice(h.db, a, inspection, [c10!, c12!], lead, NOW)
    await repo.setAuditChoice(h.db, a, inspection, [c12!], lead, NOW)
    expect((await repo.listSelectedChildren(h.db, a, inspection)).map((c) => c.chosen_for_audit)).toEqual([false, true])
    await repo.setAuditChoice(h.db, a, inspection, [], lead, NOW)
    expect((await repo.listSelectedChildren(h.db, a, inspection)).every((c) => !c.chosen_for_audit)).toBe(true)
    expect((await repo.findSelection(h.db, a, inspection))!.audit_chosen_by).toBe(lead)
  })

  it('answers which agencies said Yes for each child, never No or Still checking', async () => {
    const [c10, c12] = (await repo.listSelectedChildren(h.db, a, inspection)).map((c) => c.id)
    const answer = (selectedChildId: string, agencyId: string, known: 'yes' | 'no' | 'checking') => ({
      partnership_id: a,
      inspection_id: inspection,
      selected_child_id: selectedChildId,
      agency_id: agencyId,
      known,
      version: 1,
      late: false,
      updated_at: NOW,
    })
    await h.db
      .insertInto('return_answers')
      .values([
        answer(c10!, police, 'yes'),
        answer(c10!, health, 'yes'),
        answer(c12!, police, 'no'),
        answer(c12!, health, 'checking'),
      ])
      .execute()
    const knowing = await repo.agenciesKnowing(h.db, a, inspection)
    expect(knowing.get(c10!)?.map((k) => k.agencyName)).toEqual(['Health', 'Police'])
    expect(knowing.has(c12!)).toBe(false)
    expect((await repo.agenciesKnowing(h.db, b, inspection)).size).toBe(0)
  })
})
