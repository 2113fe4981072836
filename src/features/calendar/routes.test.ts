import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHolidaysCommand } from '../../cli/commands/holidays'
import { bundledBankHolidays } from '../../domain/calendar'
import {
  buildTestApp,
  createPartnership,
  createPerson,
  csrfFrom,
  signIn,
  type Agent,
  type TestApp,
} from '../../../test/support/app'

// Clock: Monday 2 March 2026. Inspections notified that day put "children selected" (day 4) on Thursday 5 March.
let t: TestApp
let admin: Agent
let contributor: Agent
let partnershipId: string
let otherPartnershipId: string
let inspectionPath: string

const govUkFile = (extra: { date: string; title: string }[] = []) =>
  JSON.stringify({
    'england-and-wales': {
      division: 'england-and-wales',
      events: [...bundledBankHolidays(2026), ...extra].map((h) => ({
        title: h.title,
        date: h.date,
        notes: '',
        bunting: true,
      })),
    },
    scotland: { division: 'scotland', events: [] },
  })

const childrenSelected = async (agent: Agent, path: string) => {
  const ics = (await agent.get(`${path}/calendar.ics`).expect(200)).text.replace(/\r\n[ \t]/g, '')
  const block = ics.split('BEGIN:VEVENT').find((b) => b.includes('-children-selected@'))!
  return /DTSTART(?:;VALUE=DATE)?:(\d{8})/.exec(block)![1]
}

async function expectStatus(
  pending: Promise<{ status: number; text: string; headers: Record<string, string> }>,
  status: number,
) {
  const res = await pending
  expect(res.status, res.text.slice(0, 300)).toBe(status)
  return res
}

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  otherPartnershipId = await createPartnership(t, 'Elsewhere SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  contributor = await signIn(t, await createPerson(t, partnershipId, ['contributor']))
  const res = await admin
    .post('/inspections/new')
    .type('form')
    .send({
      _csrf: admin.csrf,
      frameworkId: 'front-door',
      'notifiedOn-day': '2',
      'notifiedOn-month': '3',
      'notifiedOn-year': '2026',
      notifiedTime: '',
      practice: 'yes',
    })
    .expect(303)
  inspectionPath = res.headers.location!
}, 60_000)
afterAll(async () => t.close())

async function importFile(agent: Agent, content: string) {
  const form = await agent.get('/holidays/import').expect(200)
  return agent
    .post('/holidays/import')
    .field('_csrf', csrfFrom(form.text))
    .attach('file', Buffer.from(content), { filename: 'bank-holidays.json', contentType: 'application/json' })
}

describe('bank holidays and closure days', () => {
  it('shows the bundled bank holidays to everyone but only lets managers change them', async () => {
    const page = await contributor.get('/holidays').expect(200)
    expect(page.text).toContain('Good Friday')
    expect(page.text).toContain('Bundled with JTAI Ready')
    await contributor.get('/holidays/import').expect(403)
  })

  it('refuses a file that is not a gov.uk list, and changes nothing', async () => {
    const res = await expectStatus(importFile(admin, JSON.stringify({ scotland: { events: [] } })), 400)
    expect(res.text).toContain('govuk-error-summary')
    expect(res.text).toContain('no &quot;england-and-wales&quot; section')
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260305')
  })

  it('an imported date wins over the bundled ones and moves a computed milestone (UI)', async () => {
    const res = await expectStatus(
      importFile(admin, govUkFile([{ date: '2026-03-05', title: 'Special bank holiday' }])),
      303,
    )
    expect(res.headers.location).toBe('/holidays')
    const page = await admin.get('/holidays').expect(200)
    expect(page.text).toContain('Special bank holiday')
    expect(page.text).toContain('Loaded from gov.uk')
    // When, as a UK date (the test clock stands on 2 March 2026), not '2026-03-02'.
    expect(page.text).toContain('from gov.uk (2026 to 2026) on 2 March 2026.')
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260306')
    // The new holiday moves the open inspection's deadlines, and the page says which.
    expect(page.text).toContain(
      'Warning: this moves milestones of the practice inspection notified Monday 2 March 2026',
    )
    expect(page.text).toMatch(/Warning: this moves milestones[^<]*Children selected/i)
    // Loading the same file again moves nothing, so there is no warning.
    await expectStatus(importFile(admin, govUkFile([{ date: '2026-03-05', title: 'Special bank holiday' }])), 303)
    expect((await admin.get('/holidays').expect(200)).text).not.toContain('Warning: this moves milestones')
    // Another partnership's calendar is untouched.
    expect(
      await t.handle.db
        .selectFrom('imported_holidays')
        .select('date')
        .where('partnership_id', '=', otherPartnershipId)
        .execute(),
    ).toHaveLength(0)
  })

  it('the command line imports too, for every partnership, with an audit event in each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holidays-'))
    const file = join(dir, 'bank-holidays.json')
    await writeFile(file, govUkFile([{ date: '2026-03-04', title: 'Another special day' }]))
    const out: string[] = []
    const err: string[] = []
    const command = createHolidaysCommand(async () => ({ services: t.services, close: async () => undefined }))
    const code = await command.run(['import', file], { stdout: (s) => out.push(s), stderr: (s) => err.push(s) })
    expect(err.join('')).toBe('')
    expect(code).toBe(0)
    expect(out.join('')).toContain('for 2 partnerships')
    // No milestone falls on the 4th or the 5th, so nothing moves and nothing is said.
    expect(out.join('')).not.toContain('Warning')
    // The whole list is replaced: the 5th is a working day again, the 4th is not, so day 4 is still Friday 6 March.
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260306')
    for (const p of [partnershipId, otherPartnershipId]) {
      const events = await t.handle.db
        .selectFrom('audit_events')
        .select(['action', 'actor_name'])
        .where('partnership_id', '=', p)
        .where('action', '=', 'holidays.imported')
        .execute()
      expect(events.some((e) => e.actor_name?.startsWith('Command line'))).toBe(true)
    }
    const bad = await command.run(['import', join(dir, 'missing.json')], {
      stdout: () => undefined,
      stderr: (s) => err.push(s),
    })
    expect(bad).toBe(2)
    expect(err.join('')).toContain('there is no such file')
  })

  it('the command line says which open inspections\u2019 milestones the new dates move, per partnership', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'holidays-'))
    const run = async (extra: { date: string; title: string }[]) => {
      const file = join(dir, 'bank-holidays.json')
      await writeFile(file, govUkFile(extra))
      const out: string[] = []
      const command = createHolidaysCommand(async () => ({ services: t.services, close: async () => undefined }))
      expect(await command.run(['import', file], { stdout: (s) => out.push(s), stderr: () => {} })).toBe(0)
      return out.join('')
    }
    // The list is replaced: the 4th is a working day again and the 6th a holiday, so "Inspectors select
    // children" (day 4) moves back from Friday 6 to Thursday 5 March.
    const out = await run([{ date: '2026-03-06', title: 'Special bank holiday' }])
    expect(out).toMatch(
      /\nAnytown SCP: Warning: this moves milestones of the practice inspection notified Monday 2 March 2026 \([^)]+\): [^\n]*Inspectors select children[^\n]*\.\n$/i,
    )
    expect(out).not.toContain('Elsewhere SCP')
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260305')
    // Put the calendar back as the earlier test left it, for the tests that follow.
    await run([{ date: '2026-03-04', title: 'Another special day' }])
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260306')
  })

  it('adds and removes a local closure day, which working days skip', async () => {
    const bad = await admin
      .post('/holidays/closures')
      .type('form')
      .send({ _csrf: admin.csrf, 'date-day': '31', 'date-month': '2', 'date-year': '2026', title: '' })
      .expect(400)
    expect(bad.text).toContain('The closure date must be a real date')
    expect(bad.text).toContain('Enter what the closure day is for')
    await admin
      .post('/holidays/closures')
      .type('form')
      .send({ _csrf: admin.csrf, 'date-day': '6', 'date-month': '3', 'date-year': '2026', title: 'Office closed' })
      .expect(303)
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260309')
    await admin.post('/holidays/closures/2026-03-06/remove').type('form').send({ _csrf: admin.csrf }).expect(303)
    expect(await childrenSelected(admin, inspectionPath)).toBe('20260306')
    await admin.post('/holidays/closures/2026-03-06/remove').type('form').send({ _csrf: admin.csrf }).expect(404)
  })

  it('keeps an open inspection whose notification day becomes a closure day: day 1 stays, the home page still shows it', async () => {
    const before = await childrenSelected(admin, inspectionPath)
    const added = await admin
      .post('/holidays/closures')
      .type('form')
      .send({ _csrf: admin.csrf, 'date-day': '2', 'date-month': '3', 'date-year': '2026', title: 'Snow day' })
      .expect(303)
    expect(added.headers.location).toBe('/holidays')
    // Closing the notification day itself moves nothing: day 2 is still the next working day.
    expect((await admin.get('/holidays').expect(200)).text).not.toContain('Warning: this moves milestones')
    const page = await admin.get(inspectionPath).expect(200)
    expect(page.text).toContain('Day 1 of 15')
    expect(await childrenSelected(admin, inspectionPath)).toBe(before)
    const home = await admin.get('/').expect(200)
    expect(home.text).toContain('Day 1 of 15')
    // Starting a new inspection on that date is still refused.
    const refused = await admin
      .post('/inspections/new')
      .type('form')
      .send({
        _csrf: admin.csrf,
        frameworkId: 'front-door',
        'notifiedOn-day': '2',
        'notifiedOn-month': '3',
        'notifiedOn-year': '2026',
        notifiedTime: '',
        practice: 'yes',
      })
      .expect(400)
    expect(refused.text).toContain('is not a working day (Snow day)')
    await admin.post('/holidays/closures/2026-03-02/remove').type('form').send({ _csrf: admin.csrf }).expect(303)
  })

  it("warns, naming the inspection and its milestones, when a closure day moves an open inspection's deadlines (and adds it all the same)", async () => {
    await admin
      .post('/holidays/closures')
      .type('form')
      .send({ _csrf: admin.csrf, 'date-day': '3', 'date-month': '3', 'date-year': '2026', title: 'Training day' })
      .expect(303)
    const page = await admin.get('/holidays').expect(200)
    expect(page.text).toContain(
      'Warning: this moves milestones of the practice inspection notified Monday 2 March 2026 (Joint targeted area inspection',
    )
    expect(page.text).toContain('Inspectors select children')
    expect(page.text).toContain('Training day')
    await admin.post('/holidays/closures/2026-03-03/remove').type('form').send({ _csrf: admin.csrf }).expect(303)
    // A closure after every deadline moves nothing and warns of nothing.
    await admin
      .post('/holidays/closures')
      .type('form')
      .send({ _csrf: admin.csrf, 'date-day': '1', 'date-month': '3', 'date-year': '2027', title: 'Far away' })
      .expect(303)
    expect((await admin.get('/holidays').expect(200)).text).not.toContain('Warning: this moves milestones')
  })
})
