import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import { testDatabases } from '../../../test/support/databases'
import * as repo from './repository'
import type { AgencyType } from '../../../src/domain/directory'
import { insertAgency, insertInspection, insertPartnership, insertPerson } from '../../../test/support/rows'

const NOW = new Date('2026-03-09T10:00:00Z')
const EMPTY = { workedWell: null, development: null, recommendations: null, grading: null }

describe.each(testDatabases())('case audit repository on $name', (database) => {
  let h: DatabaseHandle
  let a: string
  let b: string
  let police: string
  let health: string
  let inspection: string
  let bInspection: string
  let chosen: string
  let notChosen: string
  let writer: string
  let other: string

  const partnership = (name: string) => insertPartnership(h.db, name)
  const agency = (pid: string, name: string, type: AgencyType) => insertAgency(h.db, pid, name, type, NOW)
  const person = (pid: string, agencyId: string, name: string) => insertPerson(h.db, pid, agencyId, name, NOW)
  const startInspection = (pid: string) =>
    insertInspection(h.db, pid, { frameworkId: 'criminal-exploitation', notifiedOn: '2026-03-02', now: NOW })
  const select = async (pid: string, inspectionId: string, ref: string, position: number, forAudit: boolean) =>
    (
      await h.db
        .insertInto('selected_children')
        .values({
          partnership_id: pid,
          inspection_id: inspectionId,
          position,
          child_ref: ref,
          in_register: true,
          source: 'register',
          added_by: null,
          added_at: NOW,
          chosen_for_audit: forAudit,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const answer = async (pid: string, inspectionId: string, childId: string, agencyId: string, known: 'yes' | 'no') =>
    h.db
      .insertInto('return_answers')
      .values({
        partnership_id: pid,
        inspection_id: inspectionId,
        selected_child_id: childId,
        agency_id: agencyId,
        known,
        version: 1,
        late: false,
        updated_by: null,
        updated_at: NOW,
      })
      .execute()

  beforeAll(async () => {
    h = await database.open()
    a = await partnership('A')
    b = await partnership('B')
    police = await agency(a, 'Police', 'police')
    health = await agency(a, 'Health', 'health-icb')
    writer = await person(a, police, 'Writer')
    other = await person(a, police, 'Other')
    inspection = await startInspection(a)
    bInspection = await startInspection(b)
    await h.db
      .insertInto('case_selections')
      .values({ inspection_id: inspection, partnership_id: a, audit_chosen_at: NOW, updated_at: NOW })
      .execute()
    chosen = await select(a, inspection, 'LA-1', 1, true)
    notChosen = await select(a, inspection, 'LA-2', 2, false)
    await answer(a, inspection, chosen, police, 'yes')
    await answer(a, inspection, chosen, health, 'no')
    await answer(a, inspection, notChosen, police, 'yes')
  })
  afterAll(async () => h.close())

  it('the pairs to open are the chosen children and the agencies that answered Yes; another partnership has none', async () => {
    expect(await repo.auditChosenAt(h.db, a, inspection)).toEqual(NOW)
    expect(await repo.auditChosenAt(h.db, b, bInspection)).toBeNull()
    expect(await repo.knownPairs(h.db, a, inspection)).toEqual([{ selected_child_id: chosen, agency_id: police }])
    expect(await repo.knownPairs(h.db, b, inspection)).toEqual([])
  })

  it('opens each tool once, even when asked twice', async () => {
    const pairs = await repo.knownPairs(h.db, a, inspection)
    const first = await repo.openTools(h.db, a, inspection, pairs, { by: null, reason: null }, NOW)
    const again = await repo.openTools(h.db, a, inspection, pairs, { by: null, reason: null }, NOW)
    expect(first).toHaveLength(1)
    expect(again).toEqual([])
    const tools = await repo.toolsOf(h.db, a, inspection)
    expect(tools.map((t) => [t.agency_name, t.position, t.status, t.version])).toEqual([['Police', 1, 'draft', 0]])
    expect(await repo.toolsOf(h.db, a, inspection, health)).toEqual([])
    expect(await repo.findTool(h.db, b, first[0]!.id)).toBeUndefined()
    expect(await repo.findTool(h.db, a, 'not-a-uuid')).toBeUndefined()
  })

  it('saves at the version opened, records the authors once, and a stale version writes nothing', async () => {
    const [tool] = await repo.toolsOf(h.db, a, inspection)
    const fields: repo.ToolFields = {
      overallGrading: 'good',
      contribution: 'Disruption',
      sections: { 'need-and-risk': { ...EMPTY, workedWell: 'Quick referral', grading: 'good' } },
    }
    expect(await repo.saveTool(h.db, a, tool!.id, 0, fields, writer, NOW)).toBe(1)
    expect(await repo.saveTool(h.db, a, tool!.id, 1, fields, writer, NOW)).toBe(2)
    expect(await repo.saveTool(h.db, a, tool!.id, 1, { ...fields, contribution: 'Stale' }, other, NOW)).toBeNull()
    expect(await repo.saveTool(h.db, b, tool!.id, 2, fields, other, NOW)).toBeNull()
    const saved = (await repo.findTool(h.db, a, tool!.id))!
    expect(saved.contribution).toBe('Disruption')
    expect(saved.authors).toEqual([writer])
    expect((await repo.sectionsOf(h.db, a, tool!.id)).get('need-and-risk')).toEqual({
      ...EMPTY,
      workedWell: 'Quick referral',
      grading: 'good',
    })
    expect((await repo.sectionsOf(h.db, b, tool!.id)).size).toBe(0)
  })

  it('moves draft → submitted → signed off only from the status expected; a save makes it a draft again', async () => {
    const [tool] = await repo.toolsOf(h.db, a, inspection)
    const submit = { status: 'submitted' as const, submitted_by: writer, submitted_at: NOW }
    const signOff = {
      status: 'signed-off' as const,
      signed_off_by: other,
      signed_off_at: NOW,
      signed_off_step_up_at: NOW,
    }
    expect(await repo.moveTool(h.db, a, tool!.id, 'submitted', signOff)).toBe(false)
    expect(await repo.moveTool(h.db, a, tool!.id, 'draft', submit)).toBe(true)
    expect(await repo.moveTool(h.db, a, tool!.id, 'draft', submit)).toBe(false)
    expect(await repo.moveTool(h.db, b, tool!.id, 'submitted', signOff)).toBe(false)
    expect(await repo.moveTool(h.db, a, tool!.id, 'submitted', signOff)).toBe(true)
    const signed = (await repo.findTool(h.db, a, tool!.id))!
    expect([signed.status, signed.signed_off_by]).toEqual(['signed-off', other])
    await h.db.transaction().execute(async (trx) => {
      await repo.lockTool(trx, a, tool!.id)
      expect(
        await repo.saveTool(
          trx,
          a,
          tool!.id,
          signed.version,
          { overallGrading: null, contribution: null, sections: {} },
          other,
          NOW,
        ),
      ).toBe(signed.version + 1)
    })
    const voided = (await repo.findTool(h.db, a, tool!.id))!
    expect([voided.status, voided.signed_off_by, voided.submitted_by]).toEqual(['draft', null, null])
    expect(voided.authors).toEqual([writer, other])
  })
})
