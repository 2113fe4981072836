import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
} from '../../../../test/support/app'

let t: TestApp
let partnershipId: string
let otherPartnershipId: string
let coordinator: Agent
let admin: Agent
let contributor: Agent

const PATH = '/notifications/reminders'
const good = {
  daysBefore: '3',
  remindOnTheDay: 'no',
  reminderTime: '8:30',
  remindOverdue: 'yes',
  approvalWaitDays: '2',
  reviewWarningDays: '40',
}

const post = (agent: Agent, body: Record<string, string>) =>
  agent
    .post(PATH)
    .type('form')
    .send({ _csrf: agent.csrf, ...body })

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  otherPartnershipId = await createPartnership(t, 'Elsewhere SCP')
  coordinator = await signIn(t, await createPerson(t, partnershipId, ['inspection-coordinator']))
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  contributor = await signIn(t, await createPerson(t, partnershipId, ['contributor']))
}, 60_000)
afterAll(() => t?.close())

describe('reminder settings page', () => {
  it('shows the defaults until the partnership changes them', async () => {
    const res = await coordinator.get(PATH).expect(200)
    expect(res.text).toContain('<h1 class="govuk-heading-l">Reminder settings</h1>')
    expect(res.text).toMatch(/name="daysBefore"[^>]*value="2"/)
    expect(res.text).toMatch(/name="reminderTime"[^>]*value="09:00"/)
    expect(res.text).toMatch(/name="reviewWarningDays"[^>]*value="20"/)
    expect(res.text).toMatch(/name="remindOnTheDay"[^>]*value="yes"[^>]*checked/)
  })

  it('is for administrators and inspection coordinators only', async () => {
    await admin.get(PATH).expect(200)
    await contributor.get(PATH).expect(403)
    await post(contributor, good).expect(403)
  })

  it('shows every problem at once, in page order, with the values as sent, and saves nothing', async () => {
    const res = await post(coordinator, {
      daysBefore: '11',
      reminderTime: '25:00',
      remindOverdue: 'yes',
      approvalWaitDays: '0',
      reviewWarningDays: 'twenty',
    }).expect(400)
    expect(res.text).toContain('There is a problem')
    const start = res.text.indexOf('govuk-error-summary')
    const summary = res.text.slice(start, res.text.indexOf('<form method="post" action="/notifications/reminders"'))
    const order = ['#daysBefore', '#remindOnTheDay', '#reminderTime', '#approvalWaitDays', '#reviewWarningDays'].map(
      (href) => summary.indexOf(`href="${href}"`),
    )
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(res.text).toContain('a whole number from 0 to 10')
    expect(res.text).toContain('Select yes if people are reminded on the day a task is due')
    expect(res.text).toContain('Enter a time on the 24-hour clock, like 09:00 or 14:30')
    expect(res.text).toContain('a whole number from 1 to 60')
    expect(res.text).toMatch(/name="reviewWarningDays"[^>]*value="twenty"/)
    expect(await t.services.reminders.settings({ partnershipId } as never)).toMatchObject({ daysBefore: 2 })
  })

  it('refuses a field the page does not have', async () => {
    const res = await post(coordinator, { ...good, partnershipId: otherPartnershipId }).expect(400)
    expect(res.text).toContain('The form contained fields this page does not accept')
  })

  it('saves the settings for this partnership only, with an audit event', async () => {
    await post(coordinator, good).expect(303).expect('Location', PATH)
    const page = await coordinator.get(PATH).expect(200)
    expect(page.text).toContain('The reminder settings have been saved.')
    expect(page.text).toMatch(/name="reminderTime"[^>]*value="08:30"/)
    expect(page.text).toMatch(/name="remindOnTheDay"[^>]*value="no"[^>]*checked/)
    expect(await t.services.reminders.settings({ partnershipId } as never)).toEqual({
      daysBefore: 3,
      remindOnTheDay: false,
      reminderTime: '08:30',
      remindOverdue: true,
      approvalWaitDays: 2,
      reviewWarningDays: 40,
    })
    expect(await t.services.reminders.settings({ partnershipId: otherPartnershipId } as never)).toMatchObject({
      daysBefore: 2,
      reminderTime: '09:00',
    })
    const event = await t.handle.db
      .selectFrom('audit_events')
      .select(['action', 'entity_type', 'summary', 'details'])
      .where('partnership_id', '=', partnershipId)
      .where('action', '=', 'notification-settings.update')
      .executeTakeFirstOrThrow()
    expect(event.entity_type).toBe('notification-settings')
    expect(event.summary).toBe(
      'Changed the reminder settings: 3 working days before at 8:30am; when overdue; approvals after 2 working days; reviews 40 working days ahead',
    )
    expect(event.details).toMatchObject({ before: { daysBefore: 2 }, after: { daysBefore: 3 } })
  })
})
