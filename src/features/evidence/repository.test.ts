import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import * as dir from '../directory/repository'
import * as repo from './repository'
import { FakeClock } from '../../domain/clock'
import { type Framework } from '../../domain/frameworks'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../frameworks/loadDirectory'
import { createEvidenceService } from './service'
import { features } from '..'
import { fileReferences } from '../fileReferences'
import type { Scope } from '../../shared/scope'
import { FsFileStore } from '../../storage'
import * as m006 from '../../db/migrations/006_evidence_approvals'
import { testDatabases } from '../../../test/support/databases'

let frameworks: Framework[]
beforeAll(async () => {
  frameworks = (await loadFrameworksFromDirectory(bundledFrameworksDirectory())).frameworks
})

describe.each(testDatabases())('evidence on $name', (database) => {
  let h: DatabaseHandle
  let root: string
  let files: FsFileStore
  const clock = new FakeClock('2026-03-02T09:00:00Z')
  let a: Scope
  let b: Scope
  let policeA: string

  const service = () =>
    createEvidenceService({ db: h.db, clock, files, frameworks: async () => frameworks, checkCode: async () => 'ok' })
  const stored = async (text: string) => ({
    ...(await files.put(Readable.from([Buffer.from(text)]), { maxBytes: 1024 })),
    filename: 'a.txt',
    mime: 'text/plain',
  })
  const keys = async () => {
    const all: string[] = []
    for await (const k of files.listKeys()) all.push(k)
    return all.sort()
  }

  beforeAll(async () => {
    h = await database.open()
    root = await mkdtemp(join(tmpdir(), 'jtai-evidence-'))
    files = new FsFileStore(root)
    const make = async (name: string): Promise<Scope> => {
      const pid = (await h.db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow()).id
      const agency = await dir.insertAgency(
        h.db,
        pid,
        { name: `${name} Police`, type: 'police', isStatutory: true, seniorApproverId: null },
        clock.now(),
      )
      const person = await dir.insertPerson(
        h.db,
        pid,
        {
          name: `${name} contributor`,
          email: `${name}-${database.name}@example.org`,
          jobTitle: '',
          agencyId: agency.id,
          roles: ['contributor'],
          accessEndsOn: null,
        },
        clock.now(),
      )
      return { partnershipId: pid, personId: person.id, name: person.name, roles: ['contributor'], agencyId: agency.id }
    }
    a = await make('a')
    b = await make('b')
    policeA = a.agencyId!
  })
  afterAll(async () => {
    await h.close()
    await rm(root, { recursive: true, force: true })
  })

  it('creates each framework document once per agency, idempotently, and refreshes its wording', async () => {
    const first = await service().list(a)
    const again = await service().list(a)
    expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id))
    const policeDocs = new Set(
      frameworks
        .flatMap((f) => f.requiredDocuments)
        .filter((d) => d.agencyType === 'police')
        .map((d) => d.id),
    )
    expect(first.length).toBe(policeDocs.size)
    expect(first.every((r) => r.themes.length >= 1)).toBe(true)
    await repo.syncFrameworkRequirements(
      h.db,
      a.partnershipId,
      [
        {
          agencyId: policeA,
          documentId: first[0]!.document_id!,
          title: 'Renamed',
          description: 'd',
          reviewIntervalMonths: 3,
        },
      ],
      clock.now(),
    )
    expect((await repo.findRequirement(h.db, a.partnershipId, first[0]!.id))?.title).toBe('Renamed')
  })

  it('scopes every read to the caller’s partnership: another partnership’s id is not found', async () => {
    const [mine] = await service().list(a)
    expect(await repo.findRequirement(h.db, b.partnershipId, mine!.id)).toBeUndefined()
    expect(await repo.listRequirements(h.db, b.partnershipId, { agencyId: policeA })).toEqual([])
    expect(await repo.findRequirement(h.db, a.partnershipId, 'not-a-uuid')).toBeUndefined()
    await expect(service().get(b, mine!.id)).rejects.toMatchObject({ status: 404 })
  })

  it('numbers versions, keeps bigint sizes as numbers and points the requirement at the newest', async () => {
    const [r] = await service().list(a)
    expect(await service().addVersion(a, r!.id, await stored('one'))).toEqual({ version: 1 })
    expect(await service().addVersion(a, r!.id, await stored('two!'))).toEqual({ version: 2 })
    const versions = await repo.listVersions(h.db, a.partnershipId, r!.id)
    expect(versions.map((v) => [v.version, v.size])).toEqual([
      [2, 4],
      [1, 3],
    ])
    const row = await repo.findRequirement(h.db, a.partnershipId, r!.id)
    expect(row).toMatchObject({ status: 'uploaded', version_number: 2, size: 4, uploaded_by_name: 'a contributor' })
    const audit = await h.db
      .selectFrom('audit_events')
      .select('action')
      .where('partnership_id', '=', a.partnershipId)
      .execute()
    expect(audit.filter((e) => e.action === 'evidence.upload')).toHaveLength(2)
  })

  it('only changes a requirement still in the expected status', async () => {
    const [r] = await service().list(a)
    expect(
      await repo.updateRequirement(h.db, a.partnershipId, r!.id, 'approved', { status: 'signed-off' }, clock.now()),
    ).toBe(false)
    expect(
      await repo.updateRequirement(h.db, b.partnershipId, r!.id, 'uploaded', { status: 'approved' }, clock.now()),
    ).toBe(false)
  })

  describe('crash safety: the database never points at a missing file, and no file outlives its row', () => {
    it('deletes the stored file when the version row cannot be committed', async () => {
      const [, r] = await service().list(a)
      const before = await keys()
      const file = await stored('will not be kept')
      expect(await keys()).toContain(file.key)
      // Make the insert fail inside the transaction, as a lost connection or a constraint would.
      await sql`create or replace function evidence_fail() returns trigger language plpgsql as $$ begin raise exception 'disk full'; end; $$`.execute(
        h.db,
      )
      await sql`create trigger evidence_fail before insert on evidence_versions for each row execute function evidence_fail()`.execute(
        h.db,
      )
      try {
        await expect(service().addVersion(a, r!.id, file)).rejects.toThrow(/disk full/)
      } finally {
        await sql`drop trigger evidence_fail on evidence_versions`.execute(h.db)
      }
      expect(await keys()).toEqual(before)
      expect(await repo.listVersions(h.db, a.partnershipId, r!.id)).toEqual([])
      expect((await repo.findRequirement(h.db, a.partnershipId, r!.id))?.status).toBe('not-started')
    })

    it('a write killed between "file stored" and "row committed" leaves no row, and the sweep removes the file', async () => {
      const [, r] = await service().list(a)
      // The process "dies" after put() and before addVersion(): only the file exists.
      const orphan = await stored('orphan')
      const kept = await stored('kept')
      await service().addVersion(a, r!.id, kept)
      const isReferenced = fileReferences(h.db, features)
      // A young orphan might be an upload in progress: left alone.
      expect((await files.sweep({ isReferenced, olderThanMs: 60_000 })).orphansRemoved).toBe(0)
      const old = new Date(Date.now() - 2 * 60_000)
      for (const k of [orphan.key, kept.key]) await utimes(join(root, k.slice(0, 2), k), old, old)
      const report = await files.sweep({ isReferenced, olderThanMs: 60_000 })
      expect(report.orphansRemoved).toBeGreaterThanOrEqual(1)
      const left = await keys()
      expect(left).not.toContain(orphan.key)
      expect(left).toContain(kept.key)
      // Every version row still has its file.
      const rows = await h.db.selectFrom('evidence_versions').select('file_key').execute()
      for (const row of rows) expect(left).toContain(row.file_key)
      expect(await readdir(join(root, 'tmp'))).toEqual([])
    })
  })

  it('records approval and sign-off per version, and finds each requirement’s newest approved version', async () => {
    const r = (await service().list(a))[3]!
    await service().addVersion(a, r.id, await stored('v1'))
    const [v1] = await repo.listVersions(h.db, a.partnershipId, r.id)
    expect(await repo.latestApprovedVersions(h.db, a.partnershipId, [r.id])).toEqual(new Map())
    expect(
      await repo.markVersion(h.db, b.partnershipId, v1!.id, {
        approved_by: a.personId,
        approved_at: clock.now(),
        approval_step_up_at: clock.now(),
      }),
    ).toBe(false)
    expect(
      await repo.markVersion(h.db, a.partnershipId, v1!.id, {
        approved_by: a.personId,
        approved_at: clock.now(),
        approval_step_up_at: new Date('2026-03-02T08:58:00Z'),
      }),
    ).toBe(true)
    expect(
      await repo.markVersion(h.db, a.partnershipId, v1!.id, { signed_off_by: a.personId, signed_off_at: clock.now() }),
    ).toBe(true)
    // A newer version waiting for approval does not displace the approved one.
    await service().addVersion(a, r.id, await stored('v2 waiting'))
    const latest = await repo.latestApprovedVersions(h.db, a.partnershipId)
    expect(latest.get(r.id)).toMatchObject({
      id: v1!.id,
      version: 1,
      approved_by_name: 'a contributor',
      approval_step_up_at: new Date('2026-03-02T08:58:00Z'),
      signed_off_by_name: 'a contributor',
      size: 2,
    })
    expect((await repo.latestApprovedVersions(h.db, b.partnershipId)).size).toBe(0)
    const versions = await repo.listVersions(h.db, a.partnershipId, r.id)
    expect(versions.map((v) => [v.version, v.approved_at !== null, v.signed_off_at !== null])).toEqual([
      [2, false, false],
      [1, true, true],
    ])
    const pack = await service().packContents(a)
    expect(pack.approved.get(r.id)?.version).toBe(1)
    expect(pack.rows.find((x) => x.id === r.id)?.version_number).toBe(2)
  })

  it('"provided to inspectors": belongs to the current inspection, not before its notification, cleared by a new version', async () => {
    const r = (await service().list(a))[4]!
    await service().addVersion(a, r.id, await stored('to provide'))
    expect(
      await repo.updateRequirement(h.db, a.partnershipId, r.id, 'uploaded', { status: 'approved' }, clock.now()),
    ).toBe(true)
    expect(await repo.currentInspection(h.db, a.partnershipId)).toBeUndefined()
    const inspection = (
      await h.db
        .insertInto('inspections')
        .values({
          partnership_id: a.partnershipId,
          framework_id: 'x',
          framework: '{}',
          framework_version_id: null,
          notified_on: '2026-02-23',
          notified_time: null,
          practice: false,
          status: 'open',
          created_by: null,
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    expect(await repo.currentInspection(h.db, a.partnershipId)).toEqual({
      id: inspection,
      notified_on: '2026-02-23',
      practice: false,
      framework_id: 'x',
      framework: {},
    })
    await expect(service().recordProvided(a, r.id, '2026-02-20')).rejects.toMatchObject({
      errors: {
        providedOn: 'The date provided must be on or after 23 February 2026, the day this inspection was notified',
      },
    })
    await expect(service().recordProvided(a, r.id, '2026-03-03')).rejects.toMatchObject({
      errors: { providedOn: 'The date provided must be today or in the past: 2 March 2026 or earlier' },
    })
    await service().recordProvided(a, r.id, '2026-02-23')
    let row = (await service().get(a, r.id)).requirement
    expect(row).toMatchObject({
      provided_on: '2026-02-23',
      provided_inspection_id: inspection,
      providedOn: '2026-02-23',
      providedByName: 'a contributor',
    })
    // Once that inspection is closed, the record no longer counts as provided for the next one.
    await h.db.updateTable('inspections').set({ status: 'closed' }).where('id', '=', inspection).execute()
    row = (await service().get(a, r.id)).requirement
    expect(row.providedOn).toBeNull()
    await h.db.updateTable('inspections').set({ status: 'open' }).where('id', '=', inspection).execute()
    expect((await service().get(a, r.id)).requirement.providedOn).toBe('2026-02-23')
    // A new version has not been provided: the record is cleared, and the audit keeps the old date.
    await service().addVersion(a, r.id, await stored('revised'))
    row = (await service().get(a, r.id)).requirement
    expect(row).toMatchObject({ provided_on: null, provided_by: null, provided_inspection_id: null, providedOn: null })
    const audit = await h.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('partnership_id', '=', a.partnershipId)
      .where('entity_id', '=', r.id)
      .execute()
    expect(audit.map((e) => e.action)).toEqual(['evidence.upload', 'evidence.record-provided', 'evidence.upload'])
    await h.db.updateTable('inspections').set({ status: 'closed' }).where('id', '=', inspection).execute()
  })

  it('lists by several statuses; while an inspection is open, the library shows its framework’s documents and the local ones', async () => {
    const all = await service().list(a)
    const uploaded = await repo.listRequirements(h.db, a.partnershipId, { statuses: ['uploaded', 'approved'] })
    expect(uploaded.length).toBeGreaterThan(0)
    expect(uploaded.every((r) => r.status === 'uploaded' || r.status === 'approved')).toBe(true)
    expect(uploaded.length).toBe(all.filter((r) => r.status === 'uploaded' || r.status === 'approved').length)
    expect(await repo.listRequirements(h.db, a.partnershipId, { statuses: [] })).toEqual([])
    const local = await service().addLocalRequirement(a, {
      agencyId: policeA,
      title: 'Local protocol',
      description: '',
      reviewIntervalMonths: 12,
    })
    const framework = frameworks.find((f) => f.id === 'front-door')!
    const inspection = (
      await h.db
        .insertInto('inspections')
        .values({
          partnership_id: a.partnershipId,
          framework_id: framework.id,
          framework: JSON.stringify(framework),
          framework_version_id: null,
          notified_on: '2026-03-02',
          notified_time: null,
          practice: true,
          status: 'open',
          created_by: null,
          created_at: clock.now(),
          updated_at: clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    try {
      const scoped = await service().list(a)
      const wanted = framework.requiredDocuments.filter((d) => d.agencyType === 'police').map((d) => d.id)
      expect(
        scoped
          .filter((r) => r.document_id !== null)
          .map((r) => r.document_id)
          .sort(),
      ).toEqual(wanted.sort())
      expect(scoped.map((r) => r.id)).toContain(local)
      expect(scoped.length).toBeLessThan(all.length + 1)
      expect(await service().coverage(a)).toMatchObject({
        inspection: { id: inspection, practice: true, frameworkTitle: framework.title, notifiedOn: '2026-03-02' },
      })
      // Another partnership's inspection changes nothing here.
      expect((await service().coverage(b)).inspection).toBeNull()
    } finally {
      await h.db.updateTable('inspections').set({ status: 'closed' }).where('id', '=', inspection).execute()
    }
    expect((await service().list(a)).length).toBe(all.length + 1)
  })

  it('QA comments: insert, list with names, resolve once', async () => {
    const [r] = await service().list(a)
    const id = await repo.insertComment(
      h.db,
      a.partnershipId,
      { requirementId: r!.id, authorId: a.personId, authorAgencyId: policeA, body: 'Check p.2' },
      clock.now(),
    )
    expect(await repo.listComments(h.db, a.partnershipId, r!.id)).toMatchObject([
      { id, body: 'Check p.2', author_name: 'a contributor', resolved_at: null },
    ])
    expect((await repo.findRequirement(h.db, a.partnershipId, r!.id))?.open_comments).toBe(1)
    expect(await repo.resolveComment(h.db, b.partnershipId, id, b.personId, clock.now())).toBe(false)
    expect(await repo.resolveComment(h.db, a.partnershipId, id, a.personId, clock.now())).toBe(true)
    expect(await repo.resolveComment(h.db, a.partnershipId, id, a.personId, clock.now())).toBe(false)
  })
})

describe.each(testDatabases())('file references on $name', (database) => {
  it('counts Annex A imports as well as evidence versions, so the sweep keeps both', async () => {
    const h = await database.open()
    try {
      const pid = (
        await h.db.insertInto('partnerships').values({ name: 'p' }).returning('id').executeTakeFirstOrThrow()
      ).id
      const annexKey = '00000000-0000-4000-8000-0000000000aa'
      await h.db
        .insertInto('annex_a_imports')
        .values({
          partnership_id: pid,
          inspection_id: null,
          notified_on: '2026-03-02',
          file_name: 'a.xlsx',
          file_key: annexKey,
          sha256: '0'.repeat(64),
          spec_version: 'x',
          status: 'validated',
          rows_read: 0,
          errors: 0,
          queries: 0,
          uploaded_by: null,
        })
        .execute()
      const found = await fileReferences(h.db, features)([annexKey, '00000000-0000-4000-8000-0000000000bb'])
      expect([...found]).toEqual([annexKey])
    } finally {
      await h.close()
    }
  })
})

describe.each(testDatabases())('migration 006 on $name', (database) => {
  it('carries an approval recorded before it onto the version, and a "provided" date onto its inspection', async () => {
    const h = await database.open()
    try {
      const now = new Date('2026-03-05T10:00:00Z')
      const pid = (
        await h.db.insertInto('partnerships').values({ name: 'm' }).returning('id').executeTakeFirstOrThrow()
      ).id
      const agency = await dir.insertAgency(
        h.db,
        pid,
        { name: 'm Police', type: 'police', isStatutory: true, seniorApproverId: null },
        now,
      )
      const person = await dir.insertPerson(
        h.db,
        pid,
        {
          name: 'm approver',
          email: `m-${database.name}@example.org`,
          jobTitle: '',
          agencyId: agency.id,
          roles: ['senior-approver'],
          accessEndsOn: null,
        },
        now,
      )
      const inspection = (
        await h.db
          .insertInto('inspections')
          .values({
            partnership_id: pid,
            framework_id: 'x',
            framework: '{}',
            framework_version_id: null,
            notified_on: '2026-03-02',
            notified_time: null,
            practice: false,
            status: 'open',
            created_by: null,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
      const requirementId = await repo.insertLocalRequirement(
        h.db,
        pid,
        { agencyId: agency.id, title: 'Old', description: '', reviewIntervalMonths: 12 },
        person.id,
        now,
      )
      const v1 = await repo.insertVersion(
        h.db,
        pid,
        {
          requirementId,
          fileKey: `k-${database.name}`,
          filename: 'a.txt',
          mime: 'text/plain',
          size: 1,
          sha256: '0'.repeat(64),
          uploadedBy: person.id,
        },
        now,
      )
      await repo.updateRequirement(
        h.db,
        pid,
        requirementId,
        'not-started',
        {
          status: 'signed-off',
          current_version_id: v1.id,
          approved_by: person.id,
          approved_at: now,
          signed_off_by: person.id,
          signed_off_at: now,
          provided_on: '2026-03-04',
          provided_by: person.id,
        },
        now,
      )
      // As the data stood before 006: take its columns away, then run it.
      await m006.down(h.db as never)
      await m006.up(h.db as never)
      const version = await h.db
        .selectFrom('evidence_versions')
        .select(['approved_by', 'approved_at', 'signed_off_by', 'signed_off_at'])
        .where('id', '=', v1.id)
        .executeTakeFirstOrThrow()
      expect(version).toEqual({
        approved_by: person.id,
        approved_at: now,
        signed_off_by: person.id,
        signed_off_at: now,
      })
      const row = await h.db
        .selectFrom('evidence_requirements')
        .select('provided_inspection_id')
        .where('id', '=', requirementId)
        .executeTakeFirstOrThrow()
      expect(row.provided_inspection_id).toBe(inspection)
    } finally {
      await h.close()
    }
  }, 120_000)
})
