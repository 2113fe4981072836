import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../../db/database'
import { testDatabases } from '../../../../test/support/databases'
import * as repo from './repository'
import type { AgencyType } from '../../../../src/domain/directory'
import { insertAgency, insertInspection, insertPartnership, insertPerson } from '../../../../test/support/rows'

const NOW = new Date('2026-03-05T10:00:00Z')
const YES: repo.AnswerFields = {
  known: 'yes',
  involvement: 'open',
  leadPractitioner: 'PC Jones',
  team: 'Exploitation team',
  lastContactOn: '2026-03-02',
  note: 'Known since 2024',
  frameworkAnswers: { 'criminal-exploitation': 'yes' },
}

describe.each(testDatabases())('case-tracking returns repository on $name', (database) => {
  let h: DatabaseHandle
  let a: string
  let b: string
  let police: string
  let health: string
  let inspection: string
  let bInspection: string
  let child: string
  let child2: string
  let lead: string
  let deputy: string

  const partnership = (name: string) => insertPartnership(h.db, name)
  const agency = (pid: string, name: string, type: AgencyType) => insertAgency(h.db, pid, name, type, NOW)
  const person = (pid: string, agencyId: string | null, name: string, role?: 'agency-lead' | 'contributor') =>
    insertPerson(h.db, pid, agencyId, name, NOW, role)
  const startInspection = (pid: string, practice: boolean, status: 'open' | 'closed' = 'open') =>
    insertInspection(h.db, pid, {
      frameworkId: 'criminal-exploitation',
      notifiedOn: '2026-03-02',
      now: NOW,
      practice,
      status,
    })
  const select = async (pid: string, inspectionId: string, ref: string, position: number) =>
    (
      await h.db
        .insertInto('selected_children')
        .values({
          partnership_id: pid,
          inspection_id: inspectionId,
          position,
          child_ref: ref,
          name: `Child ${ref}`,
          in_register: true,
          source: 'register',
          added_by: null,
          added_at: NOW,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id

  beforeAll(async () => {
    h = await database.open()
    a = await partnership('A')
    b = await partnership('B')
    police = await agency(a, 'Police', 'police')
    health = await agency(a, 'Health', 'health-icb')
    await agency(a, 'Probation', 'probation')
    lead = await person(a, police, 'Lead', 'agency-lead')
    deputy = await person(a, police, 'Deputy', 'contributor')
    await h.db.updateTable('people').set({ unavailable: true, deputy_id: deputy }).where('id', '=', lead).execute()
    const gone = await person(a, police, 'Gone lead', 'agency-lead')
    await h.db.updateTable('people').set({ disabled_at: NOW }).where('id', '=', gone).execute()
    await person(a, health, 'Health lead', 'agency-lead')
    await startInspection(a, true)
    await startInspection(a, false, 'closed')
    inspection = await startInspection(a, false)
    bInspection = await startInspection(b, false)
    await h.db
      .insertInto('case_selections')
      .values({
        inspection_id: inspection,
        partnership_id: a,
        released_at: NOW,
        released_by: null,
        due_at: new Date('2026-03-05T12:00:00Z'),
        updated_at: NOW,
      })
      .execute()
    child2 = await select(a, inspection, 'LA-2', 2)
    child = await select(a, inspection, 'LA-1', 1)
    await select(b, bInspection, 'B-1', 1)
  })
  afterAll(async () => h.close())

  it('the open inspection is the newest open real one, never a closed one', async () => {
    expect((await repo.openInspection(h.db, a))?.id).toBe(inspection)
    expect((await repo.openInspection(h.db, b))?.id).toBe(bInspection)
    expect(await repo.findSelection(h.db, b, inspection)).toBeUndefined()
    expect(await repo.findSelection(h.db, a, inspection)).toMatchObject({ released_at: NOW })
  })

  it('lists the selected children in order, and finds one only in its own partnership and inspection', async () => {
    expect((await repo.selectedChildren(h.db, a, inspection)).map((c) => c.child_ref)).toEqual(['LA-1', 'LA-2'])
    expect(await repo.findSelectedChild(h.db, a, inspection, child)).toMatchObject({ child_ref: 'LA-1' })
    expect(await repo.findSelectedChild(h.db, b, inspection, child)).toBeUndefined()
    expect(await repo.findSelectedChild(h.db, a, bInspection, child)).toBeUndefined()
    expect(await repo.findSelectedChild(h.db, a, inspection, 'not-a-uuid')).toBeUndefined()
  })

  it('agencies of the types in scope, by name', async () => {
    expect((await repo.agenciesOfTypes(h.db, a, ['police', 'health-icb'])).map((x) => x.name)).toEqual([
      'Health',
      'Police',
    ])
    expect(await repo.agenciesOfTypes(h.db, a, [])).toEqual([])
    expect(await repo.agenciesOfTypes(h.db, b, ['police'])).toEqual([])
  })

  it('saves an answer only at the version it was opened at', async () => {
    const key = { inspectionId: inspection, childId: child, agencyId: police }
    expect(await repo.saveAnswer(h.db, a, key, YES, 0, { personId: lead, late: false }, NOW)).toBe(1)
    // A second first answer, and a save at an old version, are refused: nothing overwritten.
    expect(
      await repo.saveAnswer(h.db, a, key, { ...YES, note: 'other' }, 0, { personId: deputy, late: false }, NOW),
    ).toBeNull()
    expect(
      await repo.saveAnswer(h.db, a, key, { ...YES, note: 'second' }, 1, { personId: deputy, late: true }, NOW),
    ).toBe(2)
    expect(
      await repo.saveAnswer(h.db, a, key, { ...YES, note: 'stale' }, 1, { personId: lead, late: false }, NOW),
    ).toBeNull()
    expect(await repo.findAnswer(h.db, a, child, police)).toMatchObject({
      note: 'second',
      version: 2,
      late: true,
      updated_by: deputy,
      updated_by_name: 'Deputy',
      framework_answers: { 'criminal-exploitation': 'yes' },
      last_contact_on: '2026-03-02',
    })
    // Another partnership's update touches nothing.
    expect(await repo.saveAnswer(h.db, b, key, YES, 2, { personId: lead, late: false }, NOW)).toBeNull()
  })

  it('of two saves at the same version at once, exactly one wins', async () => {
    const key = { inspectionId: inspection, childId: child2, agencyId: police }
    await repo.saveAnswer(h.db, a, key, { ...YES, known: 'checking' }, 0, { personId: lead, late: false }, NOW)
    const save = (note: string) =>
      h.db
        .transaction()
        .execute((trx) => repo.saveAnswer(trx, a, key, { ...YES, note }, 1, { personId: lead, late: false }, NOW))
    const results = await Promise.all([save('one'), save('two')])
    expect(results.filter((r) => r === 2)).toHaveLength(1)
    expect(results.filter((r) => r === null)).toHaveLength(1)
    expect((await repo.findAnswer(h.db, a, child2, police))?.version).toBe(2)
  })

  it('answers are read per agency, and never across partnerships', async () => {
    expect((await repo.answersOf(h.db, a, inspection, police)).map((x) => x.selected_child_id).sort()).toEqual(
      [child, child2].sort(),
    )
    expect(await repo.answersOf(h.db, a, inspection, health)).toEqual([])
    expect(await repo.answersOf(h.db, a, inspection)).toHaveLength(2)
    expect(await repo.answersOf(h.db, b, inspection)).toEqual([])
    expect(await repo.findAnswer(h.db, b, child, police)).toBeUndefined()
    expect(await repo.findAnswer(h.db, a, 'nope', police)).toBeUndefined()
  })

  it('submits a return once (the first stands), and records chases', async () => {
    await repo.markChased(h.db, a, inspection, [health], NOW)
    expect(await h.db.transaction().execute((trx) => repo.lockReturn(trx, a, inspection, police))).toBe(false)
    expect(await repo.submitReturn(h.db, a, inspection, police, { personId: deputy, late: true }, NOW)).toBe(true)
    expect(await h.db.transaction().execute((trx) => repo.lockReturn(trx, a, inspection, police))).toBe(true)
    expect(await repo.submitReturn(h.db, a, inspection, police, { personId: lead, late: false }, NOW)).toBe(false)
    const later = new Date('2026-03-05T10:30:00Z')
    await repo.markChased(h.db, a, inspection, [health], later)
    const returns = await repo.returnsOf(h.db, a, inspection)
    expect(returns.find((r) => r.agency_id === police)).toMatchObject({
      submitted_at: NOW,
      submitted_by: deputy,
      submitted_by_name: 'Deputy',
      late: true,
      chased_at: null,
    })
    expect(returns.find((r) => r.agency_id === health)).toMatchObject({ submitted_at: null, chased_at: later })
    expect(await repo.returnsOf(h.db, b, inspection)).toEqual([])
  })

  it('keeps corrections with before and after, newest first, per agency and child', async () => {
    const base = { inspectionId: inspection, agencyId: police, by: lead }
    await repo.insertCorrection(
      h.db,
      a,
      { ...base, childId: child, reason: 'First', before: { known: 'checking' }, after: { known: 'no' } },
      NOW,
    )
    await repo.insertCorrection(
      h.db,
      a,
      { ...base, childId: child2, reason: 'Second', before: { known: 'no' }, after: { known: 'yes' } },
      new Date('2026-03-05T11:00:00Z'),
    )
    expect((await repo.correctionsOf(h.db, a, inspection, { agencyId: police })).map((c) => c.reason)).toEqual([
      'Second',
      'First',
    ])
    expect(await repo.correctionsOf(h.db, a, inspection, { agencyId: police, childId: child })).toMatchObject([
      { reason: 'First', before: { known: 'checking' }, after: { known: 'no' }, corrected_by_name: 'Lead' },
    ])
    expect(await repo.correctionsOf(h.db, a, inspection, { agencyId: health })).toEqual([])
    expect((await repo.correctionsOf(h.db, a, inspection)).map((c) => c.agency_id)).toEqual([police, police])
    expect(await repo.correctionsOf(h.db, b, inspection)).toEqual([])
  })

  it('finds the agencies’ leads who are not disabled, with their availability and deputy', async () => {
    const leads = await repo.leadsOf(h.db, a, [police])
    expect(leads).toEqual([{ id: lead, unavailable: true, deputy_id: deputy, agency_id: police }])
    expect((await repo.leadsOf(h.db, a, [police, health])).map((l) => l.agency_id).sort()).toEqual(
      [health, police].sort(),
    )
    expect(await repo.leadsOf(h.db, b, [police])).toEqual([])
    expect(await repo.leadsOf(h.db, a, [])).toEqual([])
  })
})
