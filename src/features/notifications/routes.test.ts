import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OutboxStatus } from '../../db/schema'
import {
  buildTestApp,
  createPartnership,
  createPerson,
  csrfFrom,
  signIn,
  type Agent,
  type TestApp,
  type TestPerson,
} from '../../../test/support/app'
import { currentTotp } from '../auth/totp'
import { NOTIFICATION_KINDS } from '../../domain/notifications'
import { queueNotifications, type NotificationInput } from './queue'
import { CHOOSABLE_KINDS } from './schemas'

// Clock: Monday 2 March 2026, 9am.
let t: TestApp
let a: string
let b: string
let admin: TestPerson
let contributor: TestPerson
let inspector: TestPerson
let otherAdmin: TestPerson
let adminAgent: Agent
let contributorAgent: Agent
let inspectorAgent: Agent
let otherAgent: Agent

beforeAll(async () => {
  t = await buildTestApp()
  a = await createPartnership(t, 'Anytown SCP')
  b = await createPartnership(t, 'Elsewhere SCP')
  admin = await createPerson(t, a, ['administrator'], { email: 'business.manager@anytown-scp.example' })
  contributor = await createPerson(t, a, ['contributor'])
  inspector = await createPerson(t, a, ['inspector'])
  otherAdmin = await createPerson(t, b, ['administrator'])
  adminAgent = await signIn(t, admin)
  contributorAgent = await signIn(t, contributor)
  inspectorAgent = await signIn(t, inspector)
  otherAgent = await signIn(t, otherAdmin)
}, 60_000)
afterAll(async () => t.close())

/** Tells people things, as a capability does inside its change's transaction. */
async function tell(partnershipId: string, inputs: NotificationInput[]) {
  return t.handle.db.transaction().execute((trx) => queueNotifications(trx, partnershipId, t.clock.now(), inputs))
}

const note = (personId: string, title: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  personId,
  kind: 'task-assigned',
  title,
  body: `${title}: the body.`,
  link: '/inspections',
  ...extra,
})

async function auditActions(partnershipId: string, action: string) {
  return t.handle.db
    .selectFrom('audit_events')
    .select(['actor_id', 'summary', 'entity_id', 'details'])
    .where('partnership_id', '=', partnershipId)
    .where('action', '=', action)
    .execute()
}

/** The text of the Notifications link in the header navigation. */
function headerLink(html: string): string {
  const nav = /<ul class="govuk-service-navigation__list"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? ''
  const link = /<a[^>]*href="\/notifications"[^>]*>([\s\S]*?)<\/a>/.exec(nav)
  return (link?.[1] ?? '')
    .replace(/<\/?strong[^>]*>/g, '') // the current section's fallback emphasis
    .replace(/\s+/g, ' ')
    .trim()
}

describe('the Notifications page and the count in the header', () => {
  it('shows an empty list, and no count, to someone with no notifications', async () => {
    const page = await inspectorAgent.get('/notifications').expect(200)
    expect(page.text).toContain('You have no notifications yet.')
    expect(page.text).not.toContain('Mark all as read')
    expect(headerLink(page.text)).toBe('Notifications')
    expect(page.headers['cache-control']).toBe('no-store')
  })

  it('lists a person’s own notifications newest first, unread marked, with the count in the header', async () => {
    await tell(a, [note(contributor.id, 'Older task given to you')])
    t.clock.advance(60_000)
    await tell(a, [note(contributor.id, 'Newer task given to you'), note(admin.id, 'Only for the administrator')])
    const page = await contributorAgent.get('/notifications').expect(200)
    expect(page.text).toContain('You have 2 unread notifications.')
    expect(page.text.indexOf('Newer task given to you')).toBeLessThan(page.text.indexOf('Older task given to you'))
    expect(page.text).not.toContain('Only for the administrator')
    expect(page.text).toContain('<span class="govuk-visually-hidden"> (unread)</span>')
    expect(page.text.match(/>New<\/strong>/g)).toHaveLength(2)
    expect(page.text).toContain('2 March 2026 at 9:0')
    expect(page.text).toContain('Mark all as read')
    // Every signed-in page carries the count.
    const home = await contributorAgent.get('/').expect(200)
    expect(headerLink(home.text)).toBe('Notifications (2<span class="govuk-visually-hidden"> unread</span>)')
    // The outbox link is for administrators only.
    expect(page.text).not.toContain('href="/notifications/outbox"')
    expect((await adminAgent.get('/notifications').expect(200)).text).toContain('href="/notifications/outbox"')
  })

  it('opening one marks it read (recorded once) and goes to the page it is about', async () => {
    const [queued] = await tell(a, [note(contributor.id, 'Go to evidence', { link: '/evidence?status=waiting' })])
    const res = await contributorAgent.get(`/notifications/${queued!.id}/open`).expect(303)
    expect(res.headers.location).toBe('/evidence?status=waiting')
    const row = await t.handle.db
      .selectFrom('notifications')
      .select('read_at')
      .where('id', '=', queued!.id)
      .executeTakeFirstOrThrow()
    expect(row.read_at).not.toBeNull()
    await contributorAgent.get(`/notifications/${queued!.id}/open`).expect(303)
    const events = (await auditActions(a, 'notification.read')).filter((e) => e.entity_id === queued!.id)
    expect(events).toEqual([expect.objectContaining({ actor_id: contributor.id, summary: 'Opened a notification' })])
    const page = await contributorAgent.get('/notifications').expect(200)
    expect(headerLink(page.text)).toBe('Notifications (2<span class="govuk-visually-hidden"> unread</span>)')
  })

  it('never follows a stored link off the site', async () => {
    for (const link of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)']) {
      const [queued] = await tell(a, [note(contributor.id, 'Bad link', { link })])
      const res = await contributorAgent.get(`/notifications/${queued!.id}/open`).expect(303)
      expect(res.headers.location, link).toBe('/notifications')
    }
  })

  it('another person’s or another partnership’s notification is not found, and is left unread', async () => {
    const [mine] = await tell(a, [note(admin.id, 'The administrator’s')])
    await contributorAgent.get(`/notifications/${mine!.id}/open`).expect(404)
    await otherAgent.get(`/notifications/${mine!.id}/open`).expect(404)
    await contributorAgent.get('/notifications/not-a-uuid/open').expect(404)
    const row = await t.handle.db
      .selectFrom('notifications')
      .select('read_at')
      .where('id', '=', mine!.id)
      .executeTakeFirstOrThrow()
    expect(row.read_at).toBeNull()
  })

  it('marks all as read in one go, recorded once', async () => {
    const before = await contributorAgent.get('/notifications').expect(200)
    const res = await contributorAgent
      .post('/notifications/read-all')
      .type('form')
      .send({ _csrf: csrfFrom(before.text) })
      .expect(303)
    expect(res.headers.location).toBe('/notifications')
    const page = await contributorAgent.get('/notifications').expect(200)
    expect(page.text).toMatch(/\d+ notifications are marked as read\./)
    expect(page.text).toContain('You have no unread notifications.')
    expect(page.text).not.toContain('>New</strong>')
    expect(headerLink(page.text)).toBe('Notifications')
    expect(await auditActions(a, 'notifications.read-all')).toEqual([
      expect.objectContaining({ actor_id: contributor.id }),
    ])
    // The administrator's are still unread.
    expect(headerLink((await adminAgent.get('/').expect(200)).text)).toMatch(/^Notifications \(2/)
  })

  it('pages a long list, 50 to a page', async () => {
    const person = await createPerson(t, a, ['agency-lead'])
    await tell(
      a,
      Array.from({ length: 60 }, (_, i) => note(person.id, `Number ${String(i + 1).padStart(2, '0')}`)),
    )
    const agent = await signIn(t, person)
    const first = await agent.get('/notifications').expect(200)
    expect(first.text.match(/\/open"/g)).toHaveLength(50)
    expect(first.text).toContain('Page 1 of 2 (60 notifications)')
    expect(first.text).toContain('href="/notifications?page=2"')
    const second = await agent.get('/notifications?page=2').expect(200)
    expect(second.text.match(/\/open"/g)).toHaveLength(10)
    expect((await agent.get('/notifications?page=9').expect(200)).text).toContain(
      'There are no notifications on this page.',
    )
    expect(headerLink(first.text)).toMatch(/^Notifications \(60/)
  })
})

describe('email settings', () => {
  it('shows each kind with its choices (defaults chosen), the critical ones without, and the address', async () => {
    const page = await inspectorAgent.get('/notifications/settings').expect(200)
    expect(page.text).toContain('What you are emailed')
    expect(page.text).toContain(`Emails go to <strong>${inspector.email}</strong>`)
    expect(page.text).toContain('A task is given to you')
    expect(page.text).toMatch(/name="task-assigned" type="radio" value="immediate" checked/)
    expect(page.text).toMatch(/name="task-due" type="radio" value="digest" checked/)
    expect(page.text).toContain('In a daily summary at 8am on working days')
    expect(page.text).toContain('No email (in JTAI Ready only)')
    // Critical kinds: listed, always at once, no radios.
    expect(page.text).toContain('Always emailed at once')
    expect(page.text).toContain('An issue of concern')
    expect(page.text).not.toContain('name="issue-of-concern"')
  })

  /** Every question answered with its kind's default, then the given answers. */
  const allChoices = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ...Object.fromEntries(CHOOSABLE_KINDS.map((k) => [k, NOTIFICATION_KINDS[k].defaultEmail])),
    ...overrides,
  })

  it('saves the choices, which then decide how notifications are emailed, and records it', async () => {
    const form = await contributorAgent.get('/notifications/settings').expect(200)
    const res = await contributorAgent
      .post('/notifications/settings')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...allChoices({ 'task-assigned': 'none', 'review-due': 'immediate' }) })
      .expect(303)
    expect(res.headers.location).toBe('/notifications/settings')
    const page = await contributorAgent.get('/notifications/settings').expect(200)
    expect(page.text).toContain('Your email settings are saved.')
    expect(page.text).toMatch(/name="task-assigned" type="radio" value="none" checked/)
    expect(page.text).toMatch(/name="review-due" type="radio" value="immediate" checked/)
    const [queued] = await tell(a, [note(contributor.id, 'Not emailed now')])
    expect(queued!.email).toBe('none')
    expect(await auditActions(a, 'notification-preferences.update')).toEqual([
      expect.objectContaining({
        actor_id: contributor.id,
        entity_id: contributor.id,
        details: expect.objectContaining({ 'task-assigned': 'none', 'review-due': 'immediate' }),
      }),
    ])
  })

  it('says which question is not answered, and keeps what was chosen', async () => {
    const form = await contributorAgent.get('/notifications/settings').expect(200)
    const { 'task-due': _left, ...rest } = allChoices({ 'task-overdue': 'none', 'approval-waiting': 'sometimes' })
    const res = await contributorAgent
      .post('/notifications/settings')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...rest })
      .expect(400)
    expect(res.text).toContain('govuk-error-summary')
    expect(res.text).toContain('href="#task-due"')
    expect(res.text).toContain('Choose how you are emailed for “A task is due soon”')
    expect(res.text).toContain('Choose how you are emailed for “An approval is waiting too long”')
    expect(res.text).toMatch(/name="task-overdue" type="radio" value="none" checked/)
    expect(res.text).toMatch(/<title>Error: /)
  })

  it('critical kinds cannot be switched off, even by a crafted post', async () => {
    const form = await contributorAgent.get('/notifications/settings').expect(200)
    const saved = await auditActions(a, 'notification-preferences.update')
    const res = await contributorAgent
      .post('/notifications/settings')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), ...allChoices(), 'issue-of-concern': 'none' })
      .expect(400)
    expect(res.text).toContain('The form contained fields this page does not accept (issue-of-concern)')
    expect(await auditActions(a, 'notification-preferences.update')).toHaveLength(saved.length)
    const rows = await t.handle.db
      .selectFrom('notification_preferences')
      .select('kind')
      .where('person_id', '=', contributor.id)
      .where('kind', '=', 'issue-of-concern')
      .execute()
    expect(rows).toEqual([])
    // The service refuses it too, whoever calls it.
    const scope = {
      partnershipId: a,
      personId: contributor.id,
      name: 'C',
      roles: ['contributor' as const],
      agencyId: null,
    }
    await expect(t.services.notifications.setPreferences(scope, { 'issue-of-concern': 'none' })).rejects.toThrow(
      'An issue of concern is always emailed at once',
    )
    const [queued] = await tell(a, [note(contributor.id, 'Concern', { kind: 'issue-of-concern' })])
    expect(queued!.email).toBe('immediate')
  })

  it('tells someone with no email address that they are not emailed', async () => {
    const person = await createPerson(t, a, ['contributor'])
    const agent = await signIn(t, person)
    await t.handle.db.updateTable('people').set({ email: '' }).where('id', '=', person.id).execute()
    const page = await agent.get('/notifications/settings').expect(200)
    expect(page.text).toContain('You have no email address in JTAI Ready, so you are not emailed')
  })
})

describe('the administrators’ outbox', () => {
  async function message(status: OutboxStatus, fields: Record<string, unknown> = {}) {
    const row = await t.handle.db
      .insertInto('outbox_messages')
      .values({
        partnership_id: a,
        person_id: contributor.id,
        notification_id: null,
        kind: 'task-overdue',
        to_address: contributor.email,
        subject: `A ${status} message`,
        body: 'Body',
        link: '/inspections',
        status,
        next_attempt_at: t.clock.now(),
        created_at: t.clock.now(),
        ...fields,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  let failedId: string
  let sentId: string

  beforeAll(async () => {
    sentId = await message('sent', { sent_at: new Date('2026-03-04T09:05:00Z'), smtp_response: '250 OK' })
    failedId = await message('failed', { attempts: 5, last_error: '550 5.1.1 Mailbox unavailable' })
    await message('pending', { attempts: 1, last_error: '451 4.3.0 Try again later' })
    await message('cancelled')
    await t.handle.db
      .updateTable('people')
      .set({ disabled_at: t.clock.now() })
      .where('id', '=', (await createPerson(t, a, ['contributor'])).id)
      .execute()
  })

  it('lists every email with its status in words, and who gets none and why', async () => {
    const page = await adminAgent.get('/notifications/outbox').expect(200)
    const text = page.text.replace(/\s+/g, ' ')
    expect(text).toContain('Emails sent and waiting')
    expect(text).toContain('Sent 4 March 2026 at 9:05am')
    expect(text).toContain('Failed: 550 5.1.1 Mailbox unavailable')
    // Tests run with no mail server configured.
    expect(text).toContain('Waiting: no mail server configured')
    expect(text).toContain('No mail server is configured (SMTP_URL)')
    expect(text).toContain('Cancelled: no longer needed')
    expect(text).toContain(contributor.email)
    expect(text).toContain('A task is overdue')
    expect(text).toContain('app-table--stack')
    expect(text).toContain('People who get no email')
    expect(text).toContain('Their account is disabled: they are told nothing')
    expect(text).toContain('No email address: they see notifications in JTAI Ready only')
    // Only the failed one can be sent again; the test address defaults to the administrator's own.
    expect(text.match(/\/resend"/g)).toHaveLength(1)
    expect(text).toContain(`action="/notifications/outbox/${failedId}/resend"`)
    expect(text).toContain('value="business.manager@anytown-scp.example"')
  })

  it('filters by status', async () => {
    const failed = await adminAgent.get('/notifications/outbox?status=failed').expect(200)
    expect(failed.text).toContain('A failed message')
    expect(failed.text).not.toContain('A sent message')
    expect(failed.text).toMatch(/<option value="failed" selected>Failed \(1\)<\/option>/)
    const waiting = await adminAgent.get('/notifications/outbox?status=waiting').expect(200)
    expect(waiting.text).toContain('A pending message')
    expect(waiting.text).not.toContain('A failed message')
    // An unknown status shows everything.
    expect((await adminAgent.get('/notifications/outbox?status=nonsense').expect(200)).text).toContain('A sent message')
  })

  it('is for administrators only', async () => {
    await contributorAgent.get('/notifications/outbox').expect(403)
    await inspectorAgent.get('/notifications/outbox').expect(403)
    const other = await otherAgent.get('/notifications/outbox').expect(200)
    expect(other.text).not.toContain(contributor.email)
    expect(other.text).toContain('No emails yet.')
  })

  it('pages a long outbox, 50 to a page, keeping the status filter', async () => {
    await t.handle.db
      .insertInto('outbox_messages')
      .values(
        Array.from({ length: 55 }, (_, i) => ({
          partnership_id: b,
          person_id: otherAdmin.id,
          kind: 'task-due',
          to_address: otherAdmin.email,
          subject: `Message ${i}`,
          body: 'Body',
          link: '/notifications',
          status: 'sent' as const,
          next_attempt_at: t.clock.now(),
          created_at: new Date(t.clock.now().getTime() + i * 1000),
          sent_at: t.clock.now(),
        })),
      )
      .execute()
    const first = await otherAgent.get('/notifications/outbox?status=sent').expect(200)
    expect(first.text.match(/data-label="Status"/g)).toHaveLength(50)
    expect(first.text).toContain('55 emails – page 1 of 2')
    expect(first.text).toContain('href="/notifications/outbox?status=sent&amp;page=2"')
    const second = await otherAgent.get('/notifications/outbox?status=sent&page=2').expect(200)
    expect(second.text.match(/data-label="Status"/g)).toHaveLength(5)
    expect(second.text).toContain('Message 0<')
    expect(second.text).not.toContain('Message 54<')
  })

  it('sends a failed email again, recorded; one that did not fail, or another partnership’s, cannot be', async () => {
    await otherAgent
      .post(`/notifications/outbox/${failedId}/resend`)
      .type('form')
      .send({ _csrf: otherAgent.csrf })
      .expect(404)
    const res = await adminAgent
      .post(`/notifications/outbox/${failedId}/resend`)
      .type('form')
      .send({ _csrf: adminAgent.csrf })
      .expect(303)
    expect(res.headers.location).toBe('/notifications/outbox')
    const row = await t.handle.db
      .selectFrom('outbox_messages')
      .select(['status', 'attempts', 'last_error', 'next_attempt_at'])
      .where('id', '=', failedId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'pending', attempts: 0, last_error: null })
    expect(new Date(row.next_attempt_at).getTime()).toBe(t.clock.now().getTime())
    expect(await auditActions(a, 'outbox.resend')).toEqual([
      expect.objectContaining({ actor_id: admin.id, entity_id: failedId }),
    ])
    expect((await adminAgent.get('/notifications/outbox').expect(200)).text).toContain(
      'The email is waiting to be sent again.',
    )
    for (const id of [failedId, sentId])
      await adminAgent
        .post(`/notifications/outbox/${id}/resend`)
        .type('form')
        .send({ _csrf: adminAgent.csrf })
        .expect(409)
    await adminAgent
      .post('/notifications/outbox/not-a-uuid/resend')
      .type('form')
      .send({ _csrf: adminAgent.csrf })
      .expect(404)
  })

  it('a test email: a bad address is refused with a specific message, a good one is queued and recorded', async () => {
    const blank = await adminAgent
      .post('/notifications/outbox/test')
      .type('form')
      .send({ _csrf: adminAgent.csrf, to: '' })
      .expect(400)
    expect(blank.text).toContain('Enter an email address')
    expect(blank.text).toContain('href="#to"')
    const bad = await adminAgent
      .post('/notifications/outbox/test')
      .type('form')
      .send({ _csrf: adminAgent.csrf, to: 'not an address' })
      .expect(400)
    expect(bad.text).toContain('Enter an email address in the correct format, like name@example.org')
    expect(bad.text).toContain('value="not an address"')
    // The page shown again still lists the emails.
    expect(bad.text).toContain('A sent message')

    await adminAgent
      .post('/notifications/outbox/test')
      .type('form')
      .send({ _csrf: adminAgent.csrf, to: ' Business.Manager@Anytown-SCP.example ' })
      .expect(303)
    const page = await adminAgent.get('/notifications/outbox').expect(200)
    expect(page.text).toContain('A test email to business.manager@anytown-scp.example is waiting in the outbox.')
    expect(page.text).toContain('Test email from JTAI Ready')
    const row = await t.handle.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('kind', '=', 'test')
      .where('partnership_id', '=', a)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      partnership_id: a,
      person_id: admin.id,
      to_address: 'business.manager@anytown-scp.example',
      status: 'pending',
      link: '/notifications',
    })
    const [event] = await auditActions(a, 'outbox.test')
    expect(event).toMatchObject({
      actor_id: admin.id,
      entity_id: row.id,
      summary: 'Sent a test email to their own address',
    })
    expect(JSON.stringify(event)).not.toContain('business.manager@anytown-scp.example')

    await contributorAgent
      .post('/notifications/outbox/test')
      .type('form')
      .send({ _csrf: contributorAgent.csrf, to: 'x@example.org' })
      .expect(403)
  })
})

describe('demo data', () => {
  it('leaves each demo person unread notifications, each opening a page they may see', async () => {
    const { credentials } = await t.services.demo.load()
    for (const person of credentials) {
      const agent = request.agent(t.app)
      const signInPage = await agent.get('/sign-in')
      await agent
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrfFrom(signInPage.text), email: person.email, password: person.password })
        .expect(303)
      const codePage = await agent.get('/sign-in/code').expect(200)
      t.clock.advance(30_000)
      await agent
        .post('/sign-in/code')
        .type('form')
        .send({ _csrf: csrfFrom(codePage.text), code: currentTotp(person.totpSecret, t.clock.now()) })
        .expect(303)
      const page = await agent.get('/notifications').expect(200)
      const opens = [...page.text.matchAll(/href="(\/notifications\/[0-9a-f-]{36}\/open)"/g)].map((m) => m[1]!)
      expect(opens.length, person.email).toBeGreaterThanOrEqual(1)
      expect(headerLink(page.text), person.email).toMatch(/^Notifications \(\d/)
      for (const open of opens) {
        const res = await agent.get(open).expect(303)
        const target = await agent.get(res.headers.location!)
        expect(target.status, `${person.email}: ${res.headers.location!}`).toBe(200)
      }
    }
    // Morgan Constable's two documents to approve link to the documents themselves.
    const morgan = await t.handle.db
      .selectFrom('notifications')
      .innerJoin('people', 'people.id', 'notifications.person_id')
      .select('notifications.link')
      .where('people.email', '=', 'acc@anytown.example')
      .where('notifications.kind', '=', 'approval-requested')
      .execute()
    expect(morgan.map((n) => n.link)).toEqual([
      expect.stringMatching(/^\/evidence\/requirements\/[0-9a-f-]{36}$/),
      expect.stringMatching(/^\/evidence\/requirements\/[0-9a-f-]{36}$/),
    ])
  }, 120_000)
})
