import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledFrameworksDirectory } from './loadDirectory'
import { FrameworkLoadError, createFrameworkService } from './service'
import { buildTestApp, createPartnership, createPerson, csrfFrom, signIn, type Agent, type TestApp } from '../../../test/support/app'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'

let t: TestApp
let admin: Agent
let contributor: Agent
let partnershipId: string
let frontDoorJson: string

async function expectStatus(pending: Promise<{ status: number; text: string; headers: Record<string, string> }>, status: number) {
  const res = await pending
  expect(res.status, res.text.slice(0, 300)).toBe(status)
  return res
}

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  contributor = await signIn(t, await createPerson(t, partnershipId, ['contributor']))
  frontDoorJson = await readFile(join(bundledFrameworksDirectory(), 'front-door.json'), 'utf8')
}, 60_000)
afterAll(async () => t.close())

async function upload(agent: Agent, filename: string, content: string) {
  const form = await agent.get('/frameworks/upload').expect(200)
  return agent.post('/frameworks/upload').field('_csrf', csrfFrom(form.text)).attach('file', Buffer.from(content), { filename, contentType: 'application/json' })
}

describe('frameworks', () => {
  it('lists the bundled frameworks and shows one with its criteria, documents and timeline template', async () => {
    const list = await contributor.get('/frameworks').expect(200)
    for (const id of ['front-door', 'criminal-exploitation', 'early-help', 'serious-youth-violence', 'domestic-abuse', 'csa-family']) expect(list.text).toContain(`href="/frameworks/${id}"`)
    const page = await contributor.get('/frameworks/front-door').expect(200)
    expect(page.text).toContain('Evaluation criteria')
    expect(page.text).toContain('Required documents')
    expect(page.text).toContain('Timeline template')
    expect(page.text).toContain('Inspection team')
    expect(page.text).toContain('Day 4')
    // Published 2022-11-01, shown as a UK date.
    expect(page.text).toContain('1 November 2022')
    await contributor.get('/frameworks/no-such-framework').expect(404)
    await contributor.get('/frameworks/upload').expect(403)
  })

  it('refuses a broken file, naming the path and the problem, and stores nothing', async () => {
    const broken = JSON.parse(frontDoorJson) as { timeline: { milestones: { anchor: { milestone?: string } }[] } }
    const index = broken.timeline.milestones.findIndex((m) => m.anchor.milestone)
    broken.timeline.milestones[index]!.anchor.milestone = 'no-such-milestone'
    const res = await expectStatus(upload(admin, 'front-door.json', JSON.stringify(broken)), 400)
    expect(res.text).toContain('<title>Error: Upload a framework')
    expect(res.text).toContain('govuk-error-summary')
    expect(res.text).toContain(`timeline.milestones[${index}].anchor.milestone`)
    expect(res.text).toContain('refers to a milestone &quot;no-such-milestone&quot; that does not exist')
    const notJson = await expectStatus(upload(admin, 'x.json', '{ not json'), 400)
    expect(notJson.text).toContain('is not valid JSON')
    const wrongType = await expectStatus(upload(admin, 'x.exe', '{}'), 400)
    expect(wrongType.text).toContain('must be a .json, .yaml or .yml file')
    expect(await t.handle.db.selectFrom('framework_versions').select('id').execute()).toHaveLength(0)
  })

  it('stores a revised framework as a new version, which new inspections use', async () => {
    const revised = { ...JSON.parse(frontDoorJson), version: '2026-revised', title: 'Front door (revised)' }
    const res = await expectStatus(upload(admin, 'front-door.json', JSON.stringify(revised)), 303)
    expect(res.headers.location).toBe('/frameworks/front-door')
    const page = await admin.get('/frameworks/front-door').expect(200)
    expect(page.text).toContain('Front door (revised)')
    expect(page.text).toContain('Uploaded version 1')
    await expectStatus(upload(admin, 'front-door.yaml', JSON.stringify({ ...revised, version: 'third' })), 303)
    const rows = await t.handle.db.selectFrom('framework_versions').select(['version', 'partnership_id']).orderBy('version').execute()
    expect(rows.map((r) => r.version)).toEqual([1, 2])
    expect(rows.every((r) => r.partnership_id === partnershipId)).toBe(true)
    const audit = await t.handle.db.selectFrom('audit_events').select('action').where('partnership_id', '=', partnershipId).where('action', '=', 'framework.uploaded').execute()
    expect(audit).toHaveLength(2)
  })

  it('refuses an upload whose CSRF token is wrong', async () => {
    await admin.post('/frameworks/upload').field('_csrf', 'wrong').attach('file', Buffer.from(frontDoorJson), { filename: 'front-door.json', contentType: 'application/json' }).expect(403)
  })

  it('fails fast at start-up on a broken bundled file, naming the file, path and problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frameworks-'))
    await writeFile(join(dir, 'front-door.json'), JSON.stringify({ ...JSON.parse(frontDoorJson), selection: { children: { min: 20, max: 'thirty' }, audited: { min: 5, max: 7 } } }))
    const service = createFrameworkService({ db: t.handle.db, clock: t.clock, directory: dir })
    const error = await service.ready().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FrameworkLoadError)
    expect((error as Error).message).toMatch(/front-door\.json: selection\.children\.max: /)
  })

  it('keeps an existing inspection on the framework version it began with after a revised framework is uploaded', async () => {
    const coordinator = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
    const start = async () =>
      (
        await coordinator
          .post('/inspections/new')
          .type('form')
          .send({ _csrf: coordinator.csrf, frameworkId: 'front-door', 'notifiedOn-day': '2', 'notifiedOn-month': '3', 'notifiedOn-year': '2026', notifiedTime: '', practice: 'yes' })
          .expect(303)
      ).headers.location!
    const childrenSelected = async (path: string) => {
      const ics = (await coordinator.get(`${path}/calendar.ics`).expect(200)).text.replace(/\r\n[ \t]/g, '')
      const block = ics.split('BEGIN:VEVENT').find((b) => b.includes('-children-selected@'))!
      return { date: /DTSTART(?:;VALUE=DATE)?:(\d{8})/.exec(block)![1], summary: /SUMMARY:([^\r\n]+)/.exec(block)![1] }
    }
    const older = await start()
    expect(await childrenSelected(older)).toEqual({ date: '20260305', summary: 'PRACTICE: Day 4: Inspectors select children' })

    // A revision moves "children selected" from day 4 to day 3 and renames it.
    const revised = JSON.parse(frontDoorJson) as { version: string; timeline: { milestones: { id: string; title: string; anchor: { kind: string; day?: number } }[] } }
    revised.version = '2026-day-3'
    const milestone = revised.timeline.milestones.find((m) => m.id === 'children-selected')!
    milestone.anchor = { kind: 'day', day: 3 }
    milestone.title = 'Inspectors select children (day 3)'
    await expectStatus(upload(admin, 'front-door.json', JSON.stringify(revised)), 303)

    // The old inspection's timeline is unchanged…
    expect(await childrenSelected(older)).toEqual({ date: '20260305', summary: 'PRACTICE: Day 4: Inspectors select children' })
    const olderPage = await coordinator.get(older).expect(200)
    expect(olderPage.text).not.toContain('Inspectors select children (day 3)')
    // …and a new inspection uses the new version.
    const newer = await start()
    expect(await childrenSelected(newer)).toEqual({ date: '20260304', summary: 'PRACTICE: Day 3: Inspectors select children (day 3)' })
    const versions = await t.handle.db.selectFrom('inspections').select(['id', 'framework_version_id']).where('partnership_id', '=', partnershipId).execute()
    const idOf = (path: string) => path.split('/').pop()
    const versionOf = (path: string) => versions.find((v) => v.id === idOf(path))?.framework_version_id
    expect(versionOf(older)).not.toBe(versionOf(newer))
  })
})
