import ExcelJS from 'exceljs'
import request from 'supertest'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import * as dir from '../directory/repository'
import { currentTotp } from '../auth/totp'
import { unzipBuffer } from '../../../test/support/zip'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
  type TestPerson,
} from '../../../test/support/app'

const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n')
const MAX = 64 * 1024

let t: TestApp
let partnershipId: string
let police: string
let health: string
let people: Record<
  'contributor' | 'approver' | 'deputy' | 'admin' | 'coordinator' | 'healthLead' | 'inspector',
  TestPerson
>
let agents: Record<keyof typeof people, Agent>

export function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = []
  res.on('data', (c: Buffer) => chunks.push(c))
  res.on('end', () => done(null, Buffer.concat(chunks)))
}

async function storedKeys(): Promise<string[]> {
  const keys: string[] = []
  for await (const k of t.services.files.listKeys()) keys.push(k)
  return keys
}

async function versionCount(): Promise<number> {
  const row = await t.handle.db
    .selectFrom('evidence_versions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The first framework requirement for an agency, by title. */
async function requirementId(agencyId: string, title?: string): Promise<string> {
  const list = await t.services.evidence.list(
    { partnershipId, personId: people.admin.id, name: 'x', roles: ['administrator'], agencyId: null },
    { agencyId },
  )
  const found = title ? list.find((r) => r.title === title) : list[0]
  if (!found) throw new Error(`no requirement ${String(title)}`)
  return found.id
}

function upload(agent: Agent, id: string, body: Buffer, filename: string, csrf = agent.csrf) {
  // form-data keeps only the last segment of `filename`; `filepath` sends the name as given.
  return agent
    .post(`/evidence/requirements/${id}/upload`)
    .field('_csrf', csrf)
    .attach(
      'file',
      body,
      filename.includes('/') ? ({ filepath: filename } as unknown as { filename: string }) : filename,
    )
}

async function code(person: TestPerson): Promise<string> {
  // Each code works once: step the clock so the next one is fresh.
  t.clock.advance(30_000)
  return currentTotp(person.totpSecret, t.clock.now())
}

beforeAll(async () => {
  t = await buildTestApp({ maxUploadBytes: MAX })
  partnershipId = await createPartnership(t, 'Northshire')
  police = await createAgency(t, partnershipId, 'Northshire Police', 'police')
  health = await createAgency(t, partnershipId, 'Northshire ICB', 'health-icb')
  people = {
    contributor: await createPerson(t, partnershipId, ['contributor'], { agencyId: police }),
    approver: await createPerson(t, partnershipId, ['senior-approver'], { agencyId: police }),
    deputy: await createPerson(t, partnershipId, ['agency-lead'], { agencyId: police }),
    admin: await createPerson(t, partnershipId, ['administrator']),
    coordinator: await createPerson(t, partnershipId, ['inspection-coordinator']),
    healthLead: await createPerson(t, partnershipId, ['agency-lead'], { agencyId: health }),
    inspector: await createPerson(t, partnershipId, ['inspector']),
  }
  await dir.updateAgency(
    t.handle.db,
    partnershipId,
    police,
    { name: 'Northshire Police', type: 'police', isStatutory: true, seniorApproverId: people.approver.id },
    t.clock.now(),
  )
  agents = {} as typeof agents
  for (const [k, p] of Object.entries(people)) agents[k as keyof typeof people] = await signIn(t, p)
}, 120_000)
afterAll(async () => t.close())

describe('requirements', () => {
  it('lists each framework document once per agency of its type, with a readiness dashboard', async () => {
    const res = await agents.admin.get(`/evidence/requirements?agency=${police}`).expect(200)
    expect(res.text).toContain('Police self-evaluation'.slice(0, 6))
    const list = await t.services.evidence.list({
      partnershipId,
      personId: people.admin.id,
      name: 'x',
      roles: ['administrator'],
      agencyId: null,
    })
    const policeDocs = list.filter((r) => r.agency_id === police)
    const ids = policeDocs.map((r) => r.document_id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(policeDocs.length).toBeGreaterThan(3)
    expect(list.every((r) => r.status === 'not-started')).toBe(true)
    const dash = await agents.admin.get('/evidence').expect(200)
    expect(dash.text).toContain(`href="/evidence/requirements?agency=${police}&amp;status=not-started"`)
    expect(dash.text).toContain('href="/evidence/requirements?waiting=yes"')
    expect(dash.text).toContain(`href="/evidence/requirements?agency=${police}&amp;ready=yes"`)
  })

  it('adds a local requirement, refusing an empty form with the GOV.UK error summary', async () => {
    const bad = await agents.admin
      .post('/evidence/requirements/new')
      .type('form')
      .send({ _csrf: agents.admin.csrf, agencyId: '', title: '', reviewIntervalMonths: '0' })
      .expect(400)
    expect(bad.text).toContain('Error: Add a local requirement')
    expect(bad.text).toContain('Enter the document’s title')
    expect(bad.text).toContain('How often it is reviewed must be between 1 and 60 months')
    const ok = await agents.deputy
      .post('/evidence/requirements/new')
      .type('form')
      .send({
        _csrf: agents.deputy.csrf,
        agencyId: police,
        title: 'Custody safeguarding audit',
        description: 'Local',
        reviewIntervalMonths: '6',
      })
      .expect(303)
    const page = await agents.deputy.get(ok.headers.location as string).expect(200)
    expect(page.text).toContain('Custody safeguarding audit')
    expect(page.text).toContain('6 months')
    // An agency lead adds only for their own agency.
    const other = await agents.deputy
      .post('/evidence/requirements/new')
      .type('form')
      .send({ _csrf: agents.deputy.csrf, agencyId: health, title: 'X', reviewIntervalMonths: '6' })
      .expect(400)
    expect(other.text).toContain('You can only add requirements for your own agency')
  })
})

describe('upload → approve → sign off', () => {
  let id: string
  beforeAll(async () => {
    id = await requirementId(police)
  })

  it('stores a version with who, when, size and SHA-256, and downloads it as an attachment', async () => {
    await upload(agents.contributor, id, PDF, 'strategy.pdf')
      .expect(303)
      .expect('Location', `/evidence/requirements/${id}`)
    const page = await agents.contributor.get(`/evidence/requirements/${id}`).expect(200)
    const sha = createHash('sha256').update(PDF).digest('hex')
    expect(page.text).toContain(sha)
    expect(page.text).toContain('Version 1 (current)')
    expect(page.text).toContain(`${PDF.length} bytes`)
    const versionId = /versions\/([0-9a-f-]{36})\/download/.exec(page.text)![1]!
    // Another agency can read it (to quality-assure it); the file comes back byte for byte.
    const dl = await agents.healthLead
      .get(`/evidence/requirements/${id}/versions/${versionId}/download`)
      .buffer(true)
      .parse(binary)
      .expect(200)
    expect(dl.body).toEqual(PDF)
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="strategy.pdf"/)
    expect(dl.headers['x-content-type-options']).toBe('nosniff')
    expect(dl.headers['cache-control']).toContain('no-store')
    expect(dl.headers['content-type']).toBe('application/pdf')
    // The inspector role never reaches it; another partnership's id is not found.
    await agents.inspector.get(`/evidence/requirements/${id}/versions/${versionId}/download`).expect(403)
  })

  it('never lets the uploader approve, and asks the approver for their code', async () => {
    const own = await agents.contributor
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf, code: await code(people.contributor) })
      .expect(403)
    expect(own.text).toContain('Only Test senior-approver, the senior approver for Northshire Police, can do this')
    const empty = await agents.approver
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: '' })
      .expect(400)
    expect(empty.text).toContain('Enter the 6-digit code from your authenticator app')
    const wrong = await agents.approver
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: '000000' })
      .expect(400)
    expect(wrong.text).toContain('The code is not right or has been used')
    await agents.approver
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
      .expect(303)
    const row = await t.handle.db
      .selectFrom('evidence_requirements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.status).toBe('approved')
    expect(row.approved_by).toBe(people.approver.id)
  })

  it('is signed off by the business unit, then a new version resets approval and sign-off', async () => {
    await agents.contributor
      .post(`/evidence/requirements/${id}/sign-off`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf })
      .expect(403)
    await agents.coordinator
      .post(`/evidence/requirements/${id}/sign-off`)
      .type('form')
      .send({ _csrf: agents.coordinator.csrf })
      .expect(303)
    const again = await agents.admin
      .post(`/evidence/requirements/${id}/sign-off`)
      .type('form')
      .send({ _csrf: agents.admin.csrf })
      .expect(409)
    expect(again.text).toContain('Only an approved document can be signed off')
    await upload(agents.deputy, id, Buffer.from('Revised strategy\n'), 'strategy v2.txt').expect(303)
    const row = await t.handle.db
      .selectFrom('evidence_requirements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'uploaded', approved_by: null, signed_off_by: null })
    const versions = await t.handle.db
      .selectFrom('evidence_versions')
      .select(['version', 'filename'])
      .where('requirement_id', '=', id)
      .orderBy('version')
      .execute()
    expect(versions).toEqual([
      { version: 1, filename: 'strategy.pdf' },
      { version: 2, filename: 'strategy v2.txt' },
    ])
  })

  it('passes approval to the deputy while the approver is unavailable', async () => {
    await dir.setAvailability(
      t.handle.db,
      partnershipId,
      people.approver.id,
      true,
      people.contributor.id,
      t.clock.now(),
    )
    try {
      const other = await requirementId(
        police,
        (await t.services.evidence.list(adminScope(), { agencyId: police }))[1]!.title,
      )
      await upload(agents.deputy, other, PDF, 'x.pdf').expect(303)
      // The approver is away and the deputy (contributor here) approves; the approver cannot.
      await agents.approver
        .post(`/evidence/requirements/${other}/approve`)
        .type('form')
        .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
        .expect(403)
      await agents.contributor
        .post(`/evidence/requirements/${other}/approve`)
        .type('form')
        .send({ _csrf: agents.contributor.csrf, code: await code(people.contributor) })
        .expect(303)
      // …but the deputy can never approve their own upload.
      await agents.deputy
        .post(`/evidence/requirements/${id}/approve`)
        .type('form')
        .send({ _csrf: agents.deputy.csrf, code: await code(people.deputy) })
        .expect(403)
    } finally {
      await dir.setAvailability(t.handle.db, partnershipId, people.approver.id, false, null, t.clock.now())
    }
  })
})

describe('the senior approver’s own work goes to their named deputy', () => {
  beforeAll(async () => {
    // The approver is available and has named the police agency lead as deputy.
    await dir.setAvailability(t.handle.db, partnershipId, people.approver.id, false, people.deputy.id, t.clock.now())
  })
  afterAll(async () => {
    await dir.setAvailability(t.handle.db, partnershipId, people.approver.id, false, null, t.clock.now())
  })

  it('the deputy approves a version the senior approver uploaded; the approver cannot, nor anyone else', async () => {
    const id = (await t.services.evidence.list(adminScope(), { agencyId: police, status: 'not-started' })).at(-1)!.id
    await upload(agents.approver, id, PDF, 'approver-upload.pdf').expect(303)
    const page = await agents.deputy.get(`/evidence/requirements/${id}`).expect(200)
    expect(page.text).toContain('Test agency-lead (deputising for Test senior-approver, who uploaded this version)')
    expect(page.text).toContain('Approve version 1')
    const own = await agents.approver
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
      .expect(403)
    expect(own.text).toContain(
      'You uploaded this version, so someone else must approve it. Your deputy, Test agency-lead, can approve it',
    )
    const other = await agents.contributor
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf, code: await code(people.contributor) })
      .expect(403)
    expect(other.text).toContain(
      'Only Test agency-lead, deputising for Test senior-approver (who uploaded this version), can do this',
    )
    await agents.deputy
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.deputy.csrf, code: await code(people.deputy) })
      .expect(303)
    const row = await t.handle.db
      .selectFrom('evidence_requirements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'approved', approved_by: people.deputy.id })
    const audit = await t.handle.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('entity_id', '=', id)
      .where('action', '=', 'evidence.approve')
      .execute()
    expect(audit).toEqual([{ action: 'evidence.approve', actor_id: people.deputy.id }])
  })

  it('the deputy confirms a reason the senior approver gave', async () => {
    const id = (await t.services.evidence.list(adminScope(), { agencyId: police, status: 'not-started' })).at(-1)!.id
    await agents.approver
      .post(`/evidence/requirements/${id}/not-available`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, rationale: 'Replaced by the joint protocol' })
      .expect(303)
    const own = await agents.approver
      .post(`/evidence/requirements/${id}/confirm-not-available`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
      .expect(403)
    expect(own.text).toContain(
      'You gave the reason, so someone else must confirm it. Your deputy, Test agency-lead, can confirm it',
    )
    await agents.deputy
      .post(`/evidence/requirements/${id}/confirm-not-available`)
      .type('form')
      .send({ _csrf: agents.deputy.csrf, code: await code(people.deputy) })
      .expect(303)
    const row = await t.handle.db
      .selectFrom('evidence_requirements')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row.not_available_confirmed_by).toBe(people.deputy.id)
  })
})

function adminScope() {
  return { partnershipId, personId: people.admin.id, name: 'x', roles: ['administrator' as const], agencyId: null }
}

describe('not available, provided to inspectors, QA comments', () => {
  it('records a reason that the senior approver confirms with their code', async () => {
    const list = await t.services.evidence.list(adminScope(), { agencyId: police, status: 'not-started' })
    const id = list[0]!.id
    const empty = await agents.contributor
      .post(`/evidence/requirements/${id}/not-available`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf, rationale: ' ' })
      .expect(400)
    expect(empty.text).toContain('Enter why the document is not available')
    await agents.contributor
      .post(`/evidence/requirements/${id}/not-available`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf, rationale: 'Strategy is being rewritten after the merger' })
      .expect(303)
    await agents.contributor
      .post(`/evidence/requirements/${id}/confirm-not-available`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf, code: await code(people.contributor) })
      .expect(403)
    await agents.approver
      .post(`/evidence/requirements/${id}/confirm-not-available`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
      .expect(303)
    const page = await agents.admin.get(`/evidence/requirements/${id}`).expect(200)
    expect(page.text).toContain('Strategy is being rewritten after the merger')
    expect(page.text).toMatch(/By Test senior-approver on/)
  })

  it('records "provided to inspectors" only once an inspection is under way', async () => {
    const id = (await t.services.evidence.list(adminScope(), { agencyId: police, status: 'approved' }))[0]!.id
    const form = {
      _csrf: agents.contributor.csrf,
      'providedOn-day': '2',
      'providedOn-month': '3',
      'providedOn-year': '2026',
    }
    const before = await agents.contributor
      .post(`/evidence/requirements/${id}/provided`)
      .type('form')
      .send(form)
      .expect(409)
    expect(before.text).toContain('You can record this once an inspection has started')
    const framework = (await t.services.frameworks.get(adminScope(), 'front-door')).framework
    await t.handle.db
      .insertInto('inspections')
      .values({
        partnership_id: partnershipId,
        framework_id: 'front-door',
        framework: JSON.stringify(framework),
        framework_version_id: null,
        notified_on: '2026-03-02',
        notified_time: null,
        practice: true,
        status: 'open',
        created_by: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .execute()
    const future = await agents.contributor
      .post(`/evidence/requirements/${id}/provided`)
      .type('form')
      .send({ ...form, 'providedOn-year': '2099' })
      .expect(400)
    expect(future.text).toContain('The date provided must be today or in the past')
    const early = await agents.contributor
      .post(`/evidence/requirements/${id}/provided`)
      .type('form')
      .send({ ...form, 'providedOn-day': '27', 'providedOn-month': '2' })
      .expect(400)
    expect(early.text).toContain(
      'The date provided must be on or after 2 March 2026, the day this inspection was notified',
    )
    await agents.contributor.post(`/evidence/requirements/${id}/provided`).type('form').send(form).expect(303)
    const page = await agents.contributor.get(`/evidence/requirements/${id}`).expect(200)
    expect(page.text).toContain('2 March 2026 (recorded by')
    const inspection = await t.handle.db
      .selectFrom('inspections')
      .select('id')
      .where('partnership_id', '=', partnershipId)
      .executeTakeFirstOrThrow()
    expect(
      await t.handle.db
        .selectFrom('evidence_requirements')
        .select(['provided_on', 'provided_inspection_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      provided_on: '2026-03-02',
      provided_inspection_id: inspection.id,
    })
    // A new version has not been given to the inspectors: the record is cleared.
    await upload(agents.contributor, id, Buffer.from('Revised after the inspectors asked\n'), 'revised.txt').expect(303)
    const after = await agents.contributor.get(`/evidence/requirements/${id}`).expect(200)
    expect(after.text).not.toContain('(recorded by')
    expect(
      await t.handle.db
        .selectFrom('evidence_requirements')
        .select(['provided_on', 'provided_by', 'provided_inspection_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      provided_on: null,
      provided_by: null,
      provided_inspection_id: null,
    })
  })

  it('lets another agency’s lead comment and the owning agency resolve', async () => {
    const id = (await t.services.evidence.list(adminScope(), { agencyId: police, status: 'uploaded' }))[0]!.id
    await agents.deputy
      .post(`/evidence/requirements/${id}/comments`)
      .type('form')
      .send({ _csrf: agents.deputy.csrf, body: 'Own agency' })
      .expect(403)
    await agents.healthLead
      .post(`/evidence/requirements/${id}/comments`)
      .type('form')
      .send({ _csrf: agents.healthLead.csrf, body: 'Section 3 cites the 2019 threshold document.' })
      .expect(303)
    const page = await agents.contributor.get(`/evidence/requirements/${id}`).expect(200)
    expect(page.text).toContain('Section 3 cites the 2019 threshold document.')
    const commentId = /comments\/([0-9a-f-]{36})\/resolve/.exec(page.text)![1]!
    await agents.healthLead
      .post(`/evidence/requirements/${id}/comments/${commentId}/resolve`)
      .type('form')
      .send({ _csrf: agents.healthLead.csrf })
      .expect(403)
    await agents.contributor
      .post(`/evidence/requirements/${id}/comments/${commentId}/resolve`)
      .type('form')
      .send({ _csrf: agents.contributor.csrf })
      .expect(303)
    await agents.deputy
      .post(`/evidence/requirements/${id}/comments/${commentId}/resolve`)
      .type('form')
      .send({ _csrf: agents.deputy.csrf })
      .expect(409)
  })
})

describe('exports', () => {
  it('checklist XLSX neutralises formulas', async () => {
    await agents.admin
      .post('/evidence/requirements/new')
      .type('form')
      .send({
        _csrf: agents.admin.csrf,
        agencyId: health,
        title: '=HYPERLINK("http://evil","x")',
        reviewIntervalMonths: '12',
      })
      .expect(303)
    const res = await agents.contributor.get('/evidence/checklist.xlsx').buffer(true).parse(binary).expect(200)
    expect(res.headers['content-disposition']).toMatch(/^attachment/)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.body as never)
    const sheet = wb.getWorksheet('Checklist')!
    const titles = sheet.getColumn(2).values.map(String)
    expect(titles).toContain('\'=HYPERLINK("http://evil","x")')
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.formula).toBeUndefined()))
  })

  it('evidence pack: a folder per agency with the approved version, index.xlsx and SHA256SUMS', async () => {
    const res = await agents.approver.get('/evidence/pack.zip').buffer(true).parse(binary).expect(200)
    expect(res.headers['content-type']).toBe('application/zip')
    const entries = await unzipBuffer(res.body as Buffer)
    const names = [...entries.keys()]
    expect(names.slice(0, 2)).toEqual(['index.xlsx', 'SHA256SUMS'])
    const docs = names.filter((n) => n.startsWith('Northshire Police/'))
    expect(docs.length).toBeGreaterThanOrEqual(1)
    const sums = entries.get('SHA256SUMS')!.toString('utf8').trim().split('\n')
    expect(sums.length).toBe(docs.length)
    for (const line of sums) {
      const [sha, path] = line.split('  ') as [string, string]
      expect(createHash('sha256').update(entries.get(path)!).digest('hex')).toBe(sha)
    }
    await agents.contributor.get('/evidence/pack.zip').expect(403)
  })
})

describe('approval is per version, and the pack carries the newest approved one', () => {
  const V1 = Buffer.concat([PDF, Buffer.from('% version 1\n')])
  let id: string
  let title: string
  beforeAll(async () => {
    const r = (await t.services.evidence.list(adminScope(), { agencyId: police, status: 'not-started' })).at(-1)!
    ;[id, title] = [r.id, r.title]
    await upload(agents.contributor, id, V1, 'policy v1.pdf').expect(303)
    await agents.approver
      .post(`/evidence/requirements/${id}/approve`)
      .type('form')
      .send({ _csrf: agents.approver.csrf, code: await code(people.approver) })
      .expect(303)
    await agents.coordinator
      .post(`/evidence/requirements/${id}/sign-off`)
      .type('form')
      .send({ _csrf: agents.coordinator.csrf })
      .expect(303)
    await upload(agents.contributor, id, Buffer.from('Draft version 2\n'), 'policy v2.txt').expect(303)
  })

  it('the version history says which version was approved and signed off, and which is in the pack', async () => {
    const page = await agents.contributor.get(`/evidence/requirements/${id}`).expect(200)
    expect(page.text).toContain('Approval and sign-off')
    const rows = page.text.split('<tr class="govuk-table__row">')
    const v2 = rows.find((r) => r.includes('Version 2 (current)'))!
    const v1 = rows.find((r) => r.includes('>Version 1<'))!
    expect(v2).toContain('Not approved')
    expect(v1).toMatch(
      /Approved by Test senior-approver on [^<]+\. Signed off by Test inspection-coordinator on [^<]+\. In the evidence pack/,
    )
    const versions = await t.handle.db
      .selectFrom('evidence_versions')
      .select(['version', 'approved_by', 'signed_off_by'])
      .where('requirement_id', '=', id)
      .orderBy('version')
      .execute()
    expect(versions).toEqual([
      { version: 1, approved_by: people.approver.id, signed_off_by: people.coordinator.id },
      { version: 2, approved_by: null, signed_off_by: null },
    ])
  })

  it('index.xlsx names its columns and says which version is in the pack; the file is that version, with its SHA-256 in SHA256SUMS', async () => {
    const res = await agents.admin.get(`/evidence/pack.zip?agency=${police}`).buffer(true).parse(binary).expect(200)
    const entries = await unzipBuffer(res.body as Buffer)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(entries.get('index.xlsx') as never)
    const sheet = wb.getWorksheet('Index')!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    expect(header).toEqual([
      'Requirement',
      'Agency',
      'Status',
      'Version in this pack',
      'Status of that version',
      'Latest version',
      'File in this pack',
      'Uploaded by',
      'Uploaded',
      'Approver',
      'Approved',
      'Signed off by',
      'Signed off',
      'Why not available',
      'Review by',
      'SHA-256',
    ])
    const col = (name: string) => header.indexOf(name) + 1
    let found: ExcelJS.Row | undefined
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(col('Requirement')).value === title) found = row
    })
    expect(found).toBeDefined()
    const cell = (name: string) => found!.getCell(col(name)).value
    const sha = createHash('sha256').update(V1).digest('hex')
    expect(cell('Agency')).toBe('Northshire Police')
    expect(cell('Status')).toBe('Uploaded')
    expect(cell('Version in this pack')).toBe(1)
    expect(cell('Status of that version')).toBe('Signed off')
    expect(cell('Latest version')).toBe(2)
    expect(cell('Uploaded by')).toBe('Test contributor')
    expect(cell('Approver')).toBe('Test senior-approver')
    expect(cell('Signed off by')).toBe('Test inspection-coordinator')
    for (const date of ['Uploaded', 'Approved', 'Signed off']) expect(cell(date)).toBeInstanceOf(Date)
    expect(cell('SHA-256')).toBe(sha)
    const path = cell('File in this pack') as string
    expect(path).toBe(`Northshire Police/${title} - policy v1.pdf`)
    // The file in the agency folder is version 1, byte for byte, and SHA256SUMS lists it.
    expect(entries.get(path)).toEqual(V1)
    expect(entries.get('SHA256SUMS')!.toString('utf8').split('\n')).toContain(`${sha}  ${path}`)
    // Nothing from version 2 is in the pack.
    expect([...entries.keys()].some((n) => n.includes('policy v2'))).toBe(false)
    // A requirement with nothing approved is still listed, with no file.
    let gaps = 0
    sheet.eachRow((row, n) => {
      if (n > 1 && row.getCell(col('Status')).value === 'Not started') {
        expect(row.getCell(col('File in this pack')).value).toBeNull()
        gaps++
      }
    })
    expect(gaps).toBeGreaterThan(0)
  })
})

describe('readiness dashboard: status filter, and every figure is a link', () => {
  const listCount = async (query: string) =>
    Number(
      /: (\d+) requirements?\./.exec((await agents.admin.get(`/evidence/requirements?${query}`).expect(200)).text)![1],
    )

  it('links every percentage to the same list as its count, with text that makes sense on its own', async () => {
    const dash = await agents.admin.get('/evidence').expect(200)
    const percentages = dash.text.match(/\d+%/g) ?? []
    const linked =
      dash.text.match(
        /<a class="govuk-link" href="[^"]+">\d+%<span class="govuk-visually-hidden"> of [^<]+<\/span><\/a>/g,
      ) ?? []
    expect(percentages.length).toBeGreaterThan(7)
    expect(linked.length).toBe(percentages.length)
    expect(dash.text).toMatch(
      /href="\/evidence\/requirements\?status=uploaded">\d+%<span class="govuk-visually-hidden"> of requirements are uploaded<\/span>/,
    )
    expect(dash.text).toMatch(
      new RegExp(
        `href="/evidence/requirements\\?agency=${police}&amp;ready=yes">\\d+%<span class="govuk-visually-hidden"> of Northshire Police requirements ready for notification</span>`,
      ),
    )
    // "n of N (x%)": both N and x% are links.
    expect(dash.text).toMatch(
      / of <a class="govuk-link" href="\/evidence\/requirements">\d+<span class="govuk-visually-hidden"> requirements in all<\/span><\/a> \(<a class="govuk-link" href="\/evidence\/requirements\?ready=yes">\d+%/,
    )
  })

  it('filters by status with a GOV.UK select, and each figure matches the list it opens', async () => {
    const all = await agents.admin.get('/evidence').expect(200)
    expect(all.text).toMatch(/<select class="govuk-select" id="status" name="status">/)
    expect(all.text).toMatch(/<option value=""[^>]*>Any status<\/option>/)
    const dash = await agents.admin.get('/evidence?status=uploaded').expect(200)
    expect(dash.text).toContain('<option value="uploaded" selected>Uploaded</option>')
    expect(dash.text).toContain('<title>Evidence readiness – Uploaded')
    const total = Number(
      /href="\/evidence\/requirements\?status=uploaded">(\d+)<span class="govuk-visually-hidden"> uploaded requirements in all/.exec(
        dash.text,
      )![1],
    )
    expect(total).toBeGreaterThan(0)
    expect(total).toBe(await listCount('status=uploaded'))
    const police1 = Number(
      new RegExp(`href="/evidence/requirements\\?agency=${police}&amp;status=uploaded">(\\d+)<`).exec(dash.text)![1],
    )
    expect(police1).toBe(await listCount(`agency=${police}&status=uploaded`))
    // Only the chosen status is shown, and the other figures keep the filter.
    expect(dash.text).not.toContain('status=not-started"')
    expect(dash.text).toContain('href="/evidence/requirements?status=uploaded&amp;waiting=yes"')
    expect(dash.text).toContain(`href="/evidence?agency=${police}&amp;status=uploaded"`)
    // An unknown status is ignored rather than an error.
    await agents.admin.get('/evidence?status=nonsense').expect(200)
  })
})

describe('bad uploads are refused with a clear message and nothing is stored', () => {
  let id: string
  beforeEach(async () => {
    id = (await t.services.evidence.list(adminScope(), { agencyId: health }))[0]!.id
  })
  const cases: [string, Buffer, string, number, string][] = [
    ['an empty file', Buffer.alloc(0), 'empty.pdf', 400, 'The file ‘empty.pdf’ is empty'],
    [
      'a file over the limit',
      Buffer.concat([PDF, Buffer.alloc(MAX)]),
      'big.pdf',
      413,
      'The file must be smaller than 64 KB',
    ],
    ['a type we do not take', Buffer.from('{\\rtf1 hello}'), 'notes.rtf', 400, 'is not a type you can upload'],
    [
      'a renamed executable',
      Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]),
      'report.pdf',
      400,
      'is a program, not a document',
    ],
    ['a PDF named as a Word document', PDF, 'report.docx', 400, 'is a PDF, but its name ends in .docx'],
    [
      'a path-traversal name',
      PDF,
      '../../../../etc/report.pdf',
      400,
      'The file name must not include folder names or “..”',
    ],
    ['a Windows path', PDF, '..\\..\\windows\\report.pdf', 400, 'The file name must not include folder names or “..”'],
    ['a very long name', PDF, `${'a'.repeat(400)}.pdf`, 400, 'The file name must be 150 characters or fewer'],
  ]
  it.each(cases)('%s', async (_label, body, filename, status, message) => {
    const [keysBefore, versionsBefore] = [await storedKeys(), await versionCount()]
    const res = await upload(agents.healthLead, id, body, filename).expect(status)
    expect(res.text).toContain(message)
    expect(res.text).toContain('There is a problem')
    expect(await storedKeys()).toEqual(keysBefore)
    expect(await versionCount()).toBe(versionsBefore)
  })

  it('keeps a name of exactly 150 characters, and cleans odd characters from an accepted one', async () => {
    await upload(agents.healthLead, id, Buffer.from('notes\n'), `${'b'.repeat(146)}.txt`).expect(303)
    await upload(agents.healthLead, id, Buffer.from('notes\n'), 'minutes: draft?.txt').expect(303)
    const versions = await t.handle.db
      .selectFrom('evidence_versions')
      .select('filename')
      .where('requirement_id', '=', id)
      .orderBy('version')
      .execute()
    expect(versions.map((v) => v.filename)).toEqual([`${'b'.repeat(146)}.txt`, 'minutes_ draft_.txt'])
  })

  it('refuses a wrong CSRF token and deletes the file it had stored', async () => {
    const keysBefore = await storedKeys()
    await upload(agents.healthLead, id, PDF, 'ok.pdf', 'not-the-token').expect(403)
    expect(await storedKeys()).toEqual(keysBefore)
  })

  it('refuses another agency before reading the file, and a plain form post with 400', async () => {
    const res = await upload(agents.contributor, id, PDF, 'ok.pdf').expect(403)
    expect(res.text).toContain('Only people from Northshire ICB can upload its documents')
    const plain = await agents.healthLead
      .post(`/evidence/requirements/${id}/upload`)
      .type('form')
      .send({ _csrf: agents.healthLead.csrf })
      .expect(400)
    expect(plain.text).toContain('The upload could not be read')
  })
})

describe('evidence scoped to the open inspection', () => {
  let pid: string
  let southPolice: string
  let southYjs: string
  let admin: Agent
  let lead: Agent
  const scopeOf = () => ({
    partnershipId: pid,
    personId: '',
    name: 'x',
    roles: ['administrator' as const],
    agencyId: null,
  })
  const titles = async (agent: Agent, query: string) => {
    const page = await agent.get(`/evidence/requirements?${query}`).expect(200)
    return [
      ...page.text.matchAll(/<a class="govuk-link app-wrap" href="\/evidence\/requirements\/[^"]+">([^<]+)<\/a>/g),
    ].map((m) => m[1]!)
  }

  beforeAll(async () => {
    pid = await createPartnership(t, 'Southshire')
    southPolice = await createAgency(t, pid, 'Southshire Police', 'police')
    southYjs = (
      await dir.insertAgency(
        t.handle.db,
        pid,
        { name: 'Southshire Youth Justice', type: 'youth-justice', isStatutory: false, seniorApproverId: null },
        t.clock.now(),
      )
    ).id
    const adminPerson = await createPerson(t, pid, ['administrator'])
    admin = await signIn(t, adminPerson)
    lead = await signIn(t, await createPerson(t, pid, ['agency-lead'], { agencyId: southPolice }))
    await admin
      .post('/evidence/requirements/new')
      .type('form')
      .send({ _csrf: admin.csrf, agencyId: southPolice, title: 'Custody audit', reviewIntervalMonths: '6' })
      .expect(303)
  })

  it('with no inspection open, shows every framework’s documents and says so', async () => {
    const police = await titles(admin, `agency=${southPolice}`)
    expect(police).toContain('MARAC protocol and performance') // domestic abuse only
    expect(police).toContain('Police referral process') // front door only
    expect(police).toContain('Custody audit')
    expect(await titles(admin, `agency=${southYjs}`)).not.toEqual([])
    const dash = await admin.get('/evidence').expect(200)
    expect(dash.text).toContain('No inspection is open, so this shows what every framework asks for')
    expect(dash.text).toContain('Southshire Youth Justice')
  })

  it('while an inspection is open, the library, readiness, checklist and pack show its framework’s documents and the local ones', async () => {
    const framework = (await t.services.frameworks.get(scopeOf(), 'front-door')).framework
    await t.handle.db
      .insertInto('inspections')
      .values({
        partnership_id: pid,
        framework_id: 'front-door',
        framework: JSON.stringify(framework),
        framework_version_id: null,
        notified_on: '2026-03-02',
        notified_time: null,
        practice: false,
        status: 'open',
        created_by: null,
        created_at: t.clock.now(),
        updated_at: t.clock.now(),
      })
      .execute()
    const police = await titles(admin, `agency=${southPolice}`)
    const wanted = framework.requiredDocuments.filter((d) => d.agencyType === 'police').map((d) => d.title)
    expect(police.sort()).toEqual([...wanted, 'Custody audit'].sort())
    expect(police).not.toContain('MARAC protocol and performance')
    // The front door asks nothing of youth justice: no list, and no row of zeros on the dashboard.
    expect(await titles(admin, `agency=${southYjs}`)).toEqual([])
    const dash = await admin.get('/evidence').expect(200)
    expect(dash.text).toContain(`Showing what the open inspection asks for (${framework.title}, notified 2 March 2026)`)
    expect(dash.text).not.toContain('Southshire Youth Justice</a>')
    expect(dash.text).not.toMatch(/Southshire Youth Justice<\/h3>/)
    // What needs doing first, with counts that open their lists.
    expect(dash.text).toContain('<h2 class="govuk-heading-m">What needs doing</h2>')
    expect(dash.text).toContain(
      `<a class="govuk-link" href="/evidence/requirements?agency=${southPolice}&amp;status=not-started">${police.length} not started<span class="govuk-visually-hidden"> for Southshire Police</span></a>`,
    )
    // The checklist and the pack's index list the same requirements.
    const xlsx = await admin.get('/evidence/checklist.xlsx').buffer(true).parse(binary).expect(200)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(xlsx.body as never)
    const rows = wb.getWorksheet('Checklist')!.getSheetValues().slice(2) as unknown[][]
    expect(rows.map((r) => r[2]).sort()).toEqual(police.sort())
    const pack = await admin.get('/evidence/pack.zip').buffer(true).parse(binary).expect(200)
    const index = new ExcelJS.Workbook()
    await index.xlsx.load((await unzipBuffer(pack.body as Buffer)).get('index.xlsx') as never)
    const indexed = (index.getWorksheet('Index')!.getSheetValues().slice(2) as unknown[][]).map((r) => r[1])
    expect(indexed.sort()).toEqual(police.sort())
  })

  it('an agency person lands on their own agency, and can choose all agencies', async () => {
    const dash = await lead.get('/evidence').expect(200)
    expect(dash.text).toContain(`<option value="${southPolice}" selected>Southshire Police</option>`)
    expect(dash.text).toContain('<title>Evidence readiness – Southshire Police')
    // Every figure keeps the agency, and "all agencies" is said out loud so it stays all.
    expect(dash.text).toContain(`href="/evidence/requirements?agency=${southPolice}&amp;waiting=yes"`)
    const all = await lead.get('/evidence?agency=').expect(200)
    expect(all.text).toContain('<option value="" selected>All agencies</option>')
    expect(all.text).toContain('href="/evidence/requirements?agency=&amp;waiting=yes"')
    const list = await lead.get('/evidence/requirements').expect(200)
    expect(list.text).toContain('Southshire Police: ')
    const allList = await lead.get('/evidence/requirements?agency=').expect(200)
    expect(allList.text).toContain('All agencies: ')
  })
})

describe('approvals: the inbox, and several approved after one code', () => {
  let pid: string
  let police: string
  let p: Record<'contributor' | 'approver' | 'deputy' | 'coordinator', TestPerson>
  let a: Record<keyof typeof p, Agent>
  let waiting: string[]
  let own: string
  const scopeOf = () => ({
    partnershipId: pid,
    personId: p.contributor.id,
    name: 'x',
    roles: ['administrator' as const],
    agencyId: null,
  })
  const statuses = async (ids: string[]) =>
    (
      await t.handle.db.selectFrom('evidence_requirements').select(['id', 'status']).where('id', 'in', ids).execute()
    ).map((r) => r.status)
  const approvals = async (ids: string[]) =>
    t.handle.db
      .selectFrom('audit_events')
      .select(['entity_id', 'details', 'actor_id'])
      .where('partnership_id', '=', pid)
      .where('action', '=', 'evidence.approve')
      .where('entity_id', 'in', ids)
      .execute()
  const approveSelected = (agent: Agent, ids: string[], codeValue?: string) =>
    agent
      .post('/evidence/approvals')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(agent.csrf)}&${ids.map((id) => `requirements=${id}`).join('&')}${codeValue === undefined ? '' : `&code=${codeValue}`}`,
      )
  /** Uploads a document as the contributor to the next requirement not started, and returns its id. */
  const uploadNext = async (by: Agent = a.contributor) => {
    const id = (await t.services.evidence.list(scopeOf(), { agencyId: police, status: 'not-started' }))[0]!.id
    await upload(by, id, PDF, 'doc.pdf').expect(303)
    return id
  }

  beforeAll(async () => {
    pid = await createPartnership(t, 'Eastshire')
    police = await createAgency(t, pid, 'Eastshire Police', 'police')
    p = {
      contributor: await createPerson(t, pid, ['contributor'], { agencyId: police }),
      approver: await createPerson(t, pid, ['senior-approver'], { agencyId: police }),
      deputy: await createPerson(t, pid, ['agency-lead'], { agencyId: police }),
      coordinator: await createPerson(t, pid, ['inspection-coordinator']),
    }
    await dir.updateAgency(
      t.handle.db,
      pid,
      police,
      { name: 'Eastshire Police', type: 'police', isStatutory: true, seniorApproverId: p.approver.id },
      t.clock.now(),
    )
    a = {} as typeof a
    for (const [k, person] of Object.entries(p)) a[k as keyof typeof p] = await signIn(t, person)
    waiting = [await uploadNext(), await uploadNext()]
    own = await uploadNext(a.approver)
  })

  it('lists what waits for the approver (never their own upload), linked from their home page with a count', async () => {
    const home = await a.approver.get('/').expect(200)
    expect(home.text).toMatch(
      /<a class="govuk-link" href="\/evidence\/approvals" id="approvals-link">2 documents are waiting for you<\/a>:\s*2 to approve\./,
    )
    const inbox = await a.approver.get('/evidence/approvals').expect(200)
    for (const id of waiting) expect(inbox.text).toContain(`value="${id}"`)
    expect(inbox.text).not.toContain(`value="${own}"`)
    expect(inbox.text).toContain('To approve (2)')
    expect(inbox.text).toContain('Code from your authenticator app')
    // The contributor has nothing to approve: no count on their home page.
    expect((await a.contributor.get('/').expect(200)).text).not.toContain('/evidence/approvals')
    expect((await a.contributor.get('/evidence/approvals').expect(200)).text).toContain('Nothing is waiting for you')
  })

  it('a wrong code approves nothing and shows the error summary', async () => {
    const res = await approveSelected(a.approver, waiting, '000000').expect(400)
    expect(res.text).toContain('There is a problem')
    expect(res.text).toContain('href="#code">The code is not right or has been used')
    // What was ticked stays ticked.
    for (const id of waiting) expect(res.text).toMatch(new RegExp(`value="${id}" checked`))
    expect(await statuses(waiting)).toEqual(['uploaded', 'uploaded'])
    expect(await approvals(waiting)).toEqual([])
    const none = await approveSelected(a.approver, [], '123456').expect(400)
    expect(none.text).toContain('href="#requirements">Select the documents you want to approve')
  })

  it('one document the person may not approve refuses them all, naming it', async () => {
    const title = (await t.services.evidence.get(scopeOf(), own)).requirement.title
    const res = await approveSelected(a.approver, [...waiting, own], await code(p.approver)).expect(403)
    expect(res.text).toContain(
      `Nothing was approved. ${title} (Eastshire Police): You uploaded this version, so someone else must approve it`,
    )
    expect(await statuses([...waiting, own])).toEqual(['uploaded', 'uploaded', 'uploaded'])
    expect(await approvals([...waiting, own])).toEqual([])
    // Another partnership's document is not found, and nothing is approved either.
    const other = (await t.services.evidence.list(adminScope(), { agencyId: health }))[0]!.id
    const outside = await approveSelected(a.approver, [waiting[0]!, other], await code(p.approver)).expect(400)
    expect(outside.text).toContain('Nothing was approved. One of the documents you selected could not be found')
    expect(await statuses(waiting)).toEqual(['uploaded', 'uploaded'])
  })

  it('approves several after one code, each with its own audit event and the time of the step-up', async () => {
    t.clock.advance(30_000)
    const stepUp = t.clock.now()
    await approveSelected(a.approver, waiting, currentTotp(p.approver.totpSecret, stepUp)).expect(303)
    expect(await statuses(waiting)).toEqual(['approved', 'approved'])
    const events = await approvals(waiting)
    expect(events.map((e) => e.entity_id).sort()).toEqual([...waiting].sort())
    for (const e of events) {
      expect(e.actor_id).toBe(p.approver.id)
      expect(e.details).toMatchObject({ stepUpAt: stepUp.toISOString(), approvedTogether: 2 })
    }
    const versions = await t.handle.db
      .selectFrom('evidence_versions')
      .select(['approved_by', 'approval_step_up_at'])
      .where('requirement_id', 'in', waiting)
      .execute()
    expect(versions).toEqual(waiting.map(() => ({ approved_by: p.approver.id, approval_step_up_at: stepUp })))
    const after = await a.approver.get('/evidence/approvals').expect(200)
    expect(after.text).toContain('2 documents have been approved')
    expect(after.text).toContain('Nothing is waiting for you')
  })

  it('needs no new code for the next few minutes, here or on the requirement page; then it does', async () => {
    const stepUp = (
      await t.handle.db
        .selectFrom('evidence_versions')
        .select('approval_step_up_at')
        .where('requirement_id', '=', waiting[0]!)
        .executeTakeFirstOrThrow()
    ).approval_step_up_at!
    const next = await uploadNext()
    t.clock.set(new Date(stepUp.getTime() + 2 * 60_000))
    const inbox = await a.approver.get('/evidence/approvals').expect(200)
    expect(inbox.text).toContain('so you do not need another until')
    expect(inbox.text).not.toContain('id="code"')
    await approveSelected(a.approver, [next]).expect(303)
    const third = await uploadNext()
    const page = await a.approver.get(`/evidence/requirements/${third}`).expect(200)
    expect(page.text).toContain('so you do not need another until')
    await a.approver
      .post(`/evidence/requirements/${third}/approve`)
      .type('form')
      .send({ _csrf: a.approver.csrf })
      .expect(303)
    const versions = await t.handle.db
      .selectFrom('evidence_versions')
      .select('approval_step_up_at')
      .where('requirement_id', 'in', [next, third])
      .execute()
    expect(versions).toEqual([{ approval_step_up_at: stepUp }, { approval_step_up_at: stepUp }])
    // Five minutes after the code, it no longer covers an approval.
    const late = await uploadNext()
    t.clock.set(new Date(stepUp.getTime() + 5 * 60_000))
    const refused = await approveSelected(a.approver, [late]).expect(400)
    expect(refused.text).toContain('Enter the 6-digit code from your authenticator app')
    expect(await statuses([late])).toEqual(['uploaded'])
  })

  it('shows the acting deputy what waits for them, and the business unit what waits for sign-off', async () => {
    await dir.setAvailability(t.handle.db, pid, p.approver.id, true, p.deputy.id, t.clock.now())
    try {
      const deputyInbox = await a.deputy.get('/evidence/approvals').expect(200)
      expect(deputyInbox.text).toContain(`value="${own}"`)
      expect(deputyInbox.text).toContain('You approve it as deputy for Test senior-approver')
      expect((await a.approver.get('/evidence/approvals').expect(200)).text).not.toContain(`value="${own}"`)
    } finally {
      await dir.setAvailability(t.handle.db, pid, p.approver.id, false, null, t.clock.now())
    }
    const bu = await a.coordinator.get('/evidence/approvals').expect(200)
    expect(bu.text).toContain('To sign off (4)')
    for (const id of waiting) expect(bu.text).toContain(`href="/evidence/requirements/${id}"`)
    expect((await a.coordinator.get('/').expect(200)).text).toMatch(
      /4 documents are waiting for you<\/a>:\s*4 to sign off\./,
    )
  })
})

describe('dates in the checklist and the pack are real date cells on UK clocks', () => {
  it('an upload at 23:30 UTC on 30 June is dated 1 July 2026 (London), with a "d mmmm yyyy" format', async () => {
    const pid = await createPartnership(t, 'Westshire')
    const police = await createAgency(t, pid, 'Westshire Police', 'police')
    const lead = await createPerson(t, pid, ['agency-lead'], { agencyId: police })
    const scope = {
      partnershipId: pid,
      personId: lead.id,
      name: 'x',
      roles: ['administrator' as const],
      agencyId: null,
    }
    const id = (await t.services.evidence.list(scope, { agencyId: police }))[0]!.id
    const before = t.clock.now()
    t.clock.set('2026-06-30T23:29:00Z')
    try {
      // Signed in at the new time (a session from months before has long timed out); the upload is at 23:30.
      const leadAgent = await signIn(t, lead)
      t.clock.set('2026-06-30T23:30:00Z')
      await upload(leadAgent, id, PDF, 'late.pdf').expect(303)
      const res = await leadAgent.get('/evidence/checklist.xlsx').buffer(true).parse(binary).expect(200)
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(res.body as never)
      const sheet = wb.getWorksheet('Checklist')!
      const header = (sheet.getRow(1).values as unknown[]).slice(1)
      let row: ExcelJS.Row | undefined
      sheet.eachRow((r, n) => {
        if (n > 1 && r.getCell(header.indexOf('File') + 1).value === 'late.pdf') row = r
      })
      const uploaded = row!.getCell(header.indexOf('Uploaded') + 1)
      expect(uploaded.value).toEqual(new Date('2026-07-01T00:00:00Z'))
      expect(uploaded.numFmt).toBe('d mmmm yyyy')
      // Review by: a calendar date, also a real date cell.
      const reviewBy = row!.getCell(header.indexOf('Review by') + 1)
      expect(reviewBy.value).toBeInstanceOf(Date)
      expect((reviewBy.value as Date).toISOString()).toMatch(/T00:00:00\.000Z$/)
      expect(reviewBy.numFmt).toBe('d mmmm yyyy')
      // The page says the same date in words.
      const page = await leadAgent.get(`/evidence/requirements/${id}`).expect(200)
      expect(page.text).toMatch(/uploaded by Test agency-lead on 1 July 2026 at 12:30am/)
    } finally {
      t.clock.set(before)
    }
  })
})

describe('demo data', () => {
  it('gives the demo police senior approver two documents waiting, and the business unit one to sign off', async () => {
    await t.services.demo.load()
    const person = async (email: string) =>
      t.handle.db
        .selectFrom('people')
        .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
        .select(['people.id', 'people.partnership_id', 'people.agency_id', 'people.name', 'person_roles.role'])
        .where('people.email', '=', email)
        .executeTakeFirstOrThrow()
    const morgan = await person('acc@anytown.example')
    const inbox = await t.services.evidence.inbox({
      partnershipId: morgan.partnership_id,
      personId: morgan.id,
      name: morgan.name,
      roles: [morgan.role],
      agencyId: morgan.agency_id,
    })
    expect(inbox.toApprove.map((r) => r.agency_name)).toEqual(['Anytown Constabulary', 'Anytown Constabulary'])
    const casey = await person('coordinator@anytown.example')
    const bu = await t.services.evidence.inbox({
      partnershipId: casey.partnership_id,
      personId: casey.id,
      name: casey.name,
      roles: [casey.role],
      agencyId: casey.agency_id,
    })
    expect(bu.toSignOff).toHaveLength(1)
    // The documents are really there to read.
    const [first] = inbox.toApprove
    const { stream } = await t.services.evidence.openVersion(
      { partnershipId: morgan.partnership_id, personId: morgan.id, name: '', roles: [morgan.role], agencyId: null },
      first!.id,
      first!.current_version_id!,
    )
    const chunks: Buffer[] = []
    for await (const c of stream) chunks.push(c as Buffer)
    expect(Buffer.concat(chunks).toString()).toContain('fictional demo document')
  })
})

// Last: it moves the clock 13 months on.
describe('review-by dates, readiness and filters', () => {
  it('flags documents past their review date, and each figure links to its list', async () => {
    const dash = await agents.admin.get('/evidence').expect(200)
    expect(dash.text).toMatch(/href="\/evidence\/requirements\?stale=yes">0</)
    const stale0 = await agents.admin.get('/evidence/requirements?stale=yes').expect(200)
    expect(stale0.text).toContain('No requirements match')
    // 13 months on: every session has long timed out, so sign in again.
    t.clock.advance(400 * 24 * 3_600_000)
    agents.admin = await signIn(t, people.admin)
    const stale = await agents.admin.get('/evidence/requirements?stale=yes').expect(200)
    expect(stale.text).toContain('Past review date')
    const waiting = await agents.admin.get(`/evidence/requirements?agency=${police}&waiting=yes`).expect(200)
    expect(waiting.text).toContain('Uploaded')
    expect(waiting.text).not.toContain('govuk-tag--grey')
    const ready = await agents.admin.get('/evidence/requirements?ready=yes').expect(200)
    expect(ready.text).toContain('govuk-tag--orange')
    expect(ready.text).not.toContain('govuk-tag--blue')
    const health0 = await agents.admin.get(`/evidence?agency=${health}`).expect(200)
    expect(health0.text).toContain('Northshire ICB')
  })
})
