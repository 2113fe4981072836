import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
} from '../../../test/support/app'

let t: TestApp
let admin: Agent

beforeAll(async () => {
  t = await buildTestApp()
  const partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  await admin
    .post('/agencies/new')
    .type('form')
    .send({ _csrf: admin.csrf, name: 'Anytown Police', type: 'police', isStatutory: 'yes' })
    .expect(303)
  // A summary with a date in it, as the calendar writes one: "Added closure day 2026-12-29 (…)".
  await admin
    .post('/holidays/closures')
    .type('form')
    .send({ _csrf: admin.csrf, 'date-day': '29', 'date-month': '12', 'date-year': '2026', title: 'Office closed' })
    .expect(303)
}, 60_000)
afterAll(async () => t.close())

describe('audit log', () => {
  it('says each action in words, with UK dates and times', async () => {
    const page = await admin.get('/audit').expect(200)
    expect(page.text).toContain('Added an agency')
    expect(page.text).toContain('Added a closure day')
    expect(page.text).toContain('Signed in')
    expect(page.text).not.toMatch(/>\s*agency\.created\s*</)
    // The summary's ISO date is shown as a UK date; the time as the clock in London (the test clock: 2 March 2026, 09:00 UTC).
    expect(page.text).toContain('Added closure day 29 December 2026 (Office closed)')
    expect(page.text).not.toContain('2026-12-29')
    expect(page.text).toMatch(/2 March 2026 at \d{1,2}:\d{2}(am|pm)/)
  })

  it('offers its filter choices in words, and still filters by the action name', async () => {
    const page = await admin.get('/audit').expect(200)
    expect(page.text).toContain('<option value="agency.created">Added an agency</option>')
    expect(page.text).toContain('<option value="agency">Agencies</option>')
    const filtered = await admin.get('/audit?action=agency.created').expect(200)
    expect(filtered.text).toContain('<option value="agency.created" selected>Added an agency</option>')
    expect(filtered.text).toContain('1 event')
  })

  it('filters by dates typed as day, month and year, and says when a date is not real', async () => {
    const day = (prefix: string, d: string, m: string, y: string) =>
      `${prefix}-day=${d}&${prefix}-month=${m}&${prefix}-year=${y}`
    const same = await admin.get(`/audit?${day('from', '2', '3', '2026')}&${day('to', '2', '3', '2026')}`).expect(200)
    expect(same.text).toContain('Added an agency')
    expect(same.text).toContain('For example, 27 3 2026')
    const later = await admin.get(`/audit?${day('from', '3', '3', '2026')}`).expect(200)
    expect(later.text).toContain('No events match these filters')
    const bad = await admin.get(`/audit?${day('from', '31', '2', '2026')}`).expect(200)
    expect(bad.text).toContain('govuk-error-summary')
    expect(bad.text).toContain('The from date must be a real date')
    expect(bad.text).toContain('href="#from-day"')
    expect(bad.text).toContain('value="31"')
    const backwards = await admin.get(`/audit?${day('from', '3', '3', '2026')}&${day('to', '2', '3', '2026')}`)
    expect(backwards.text).toContain('The to date must be the same as or after the from date')
  })
})
