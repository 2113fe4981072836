import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledBankHolidays } from '../../src/domain/calendar'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { useBrowser } from './support/browser'
import { setUpFirstAdministrator } from './support/pages/auth'
import { BasePage, visit } from './support/pages/base'
import { startApp, type RunningApp } from './support/server'
import { openWeekOf } from './support/pages/timeline'
import { EmailSettingsPage, NotificationsPage, OutboxPage, ReminderSettingsPage } from './support/pages/notifications'

// Frameworks, working days, the local plan and a practice inspection through the real pages: an
// administrator uploads a broken framework file (error summary) and a good revised one, loads
// gov.uk's bank-holidays.json, adds a closure day, then starts a practice inspection and opens its
// timeline, My tasks and a milestone page, each with the practice banner. Every page opened, error
// states included, is checked with axe (visit() and followAndCheck() run it).

const ADMIN = { name: 'Ali Khan', email: 'ali.khan@eastshire.example.org', password: 'violet harbour candle meadow' }

class AnyPage extends BasePage {
  constructor(
    page: Page,
    readonly path: string,
  ) {
    super(page)
  }
}

const main = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ')

describe('frameworks, working days, the local plan and a practice inspection', () => {
  let app: RunningApp
  const browser = useBrowser()
  let admin: Page
  let frontDoorJson: string
  let practicePath = ''

  beforeAll(async () => {
    app = await startApp({ migrated: true })
    frontDoorJson = await readFile(join(bundledFrameworksDirectory(), 'front-door.json'), 'utf8')
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('1. sets up, then browses the frameworks and the upload page', async () => {
    admin = await browser.sharedPage({ baseURL: app.baseUrl })
    await setUpFirstAdministrator(admin, await app.setupLink(), {
      partnershipName: 'Eastshire Safeguarding Children Partnership',
      ...ADMIN,
    })

    const list = await new AnyPage(admin, '/frameworks').open()
    expect(await list.headingText()).toBe('Frameworks')
    await list.submit('Upload a framework') // a GOV.UK button link (role=button)
    expect(new URL(admin.url()).pathname).toBe('/frameworks/upload')
    expect(await list.headingText()).toBe('Upload a framework')
  })

  it('2. refuses a broken framework file with an error summary naming the path and problem', async () => {
    const upload = new AnyPage(admin, '/frameworks/upload')
    await upload.submit('Upload framework', { status: 400 })
    expect((await upload.errorMessages()).length).toBeGreaterThan(0)

    const broken = JSON.parse(frontDoorJson) as { timeline: { milestones: { anchor: { milestone?: string } }[] } }
    const index = broken.timeline.milestones.findIndex((m) => m.anchor.milestone)
    broken.timeline.milestones[index]!.anchor.milestone = 'no-such-milestone'
    await admin.setInputFiles('#file', {
      name: 'front-door.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    })
    await upload.submit('Upload framework', { status: 400 })
    expect(await admin.title()).toMatch(/^Error: Upload a framework/)
    const messages = (await upload.errorMessages()).join(' ')
    expect(messages).toContain(`timeline.milestones[${index}].anchor.milestone`)
    expect(messages).toContain('refers to a milestone "no-such-milestone" that does not exist')
    expect(await upload.followErrorLink((await upload.errorSummaryLinks())[0]!.text)).toBe('file')
  })

  it('3. uploads a good revised framework, kept as a new version', async () => {
    const upload = await new AnyPage(admin, '/frameworks/upload').open()
    const revised = {
      ...JSON.parse(frontDoorJson),
      version: '2027-revised',
      title: 'Front door (revised for rehearsal)',
    }
    await admin.setInputFiles('#file', {
      name: 'front-door.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(revised)),
    })
    await upload.submit('Upload framework')
    expect(new URL(admin.url()).pathname).toBe('/frameworks/front-door')
    const text = await main(admin)
    expect(text).toContain('Front door (revised for rehearsal)')
    expect(text).toContain('Uploaded version 1')
    await visit(admin, '/frameworks')
  })

  it('4. loads gov.uk bank holidays through the page, refusing a wrong file first', async () => {
    const holidays = await new AnyPage(admin, '/holidays').open()
    await holidays.followLink('Load the latest list from gov.uk')
    const importPage = new AnyPage(admin, '/holidays/import')
    expect(await importPage.headingText()).toBe('Load bank holidays from gov.uk')
    await admin.setInputFiles('#file', {
      name: 'bank-holidays.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ scotland: { division: 'scotland', events: [] } })),
    })
    await importPage.submit('Load bank holidays', { status: 400 })
    expect((await importPage.errorMessages()).join(' ')).toContain('england-and-wales')

    const events = [...bundledBankHolidays(2026), ...bundledBankHolidays(2027)].map((h) => ({
      title: h.title,
      date: h.date,
      notes: '',
      bunting: true,
    }))
    const file = {
      'england-and-wales': { division: 'england-and-wales', events },
      scotland: { division: 'scotland', events: [] },
    }
    await admin.setInputFiles('#file', {
      name: 'bank-holidays.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(file)),
    })
    await importPage.submit('Load bank holidays')
    expect(new URL(admin.url()).pathname).toBe('/holidays')
    expect(await holidays.notificationBanner().innerText()).toContain(
      `${events.length} bank holidays loaded for 2026 to 2027`,
    )
    expect(await main(admin)).toContain('Loaded from gov.uk')
  })

  it('5. adds a closure day (an error first)', async () => {
    const holidays = new AnyPage(admin, '/holidays')
    await admin.getByLabel('Day').fill('31')
    await admin.getByLabel('Month').fill('2')
    await admin.getByLabel('Year').fill('2027')
    await holidays.submit('Add closure day', { status: 400 })
    expect((await holidays.errorMessages()).join(' ')).toContain('Enter what the closure day is for')
    await admin.getByLabel('Day').fill('29')
    await admin.getByLabel('Month').fill('12')
    await admin.getByLabel('Year').fill('2026')
    await admin.getByLabel('Reason', { exact: true }).fill('Office closed between Christmas and New Year')
    await holidays.submit('Add closure day')
    expect(await holidays.notificationBanner().innerText()).toContain('Tuesday 29 December 2026 is now a closure day')
    expect(await main(admin)).toContain('Office closed between Christmas and New Year')
  })

  it('6. starts a practice inspection: timeline, My tasks and a milestone page carry the practice banner', async () => {
    const list = await new AnyPage(admin, '/inspections').open()
    await list.submit('Start an inspection')
    const form = new AnyPage(admin, '/inspections/new')
    await admin.getByLabel('Framework', { exact: true }).selectOption('front-door')
    await admin.getByLabel('Day').fill('11')
    await admin.getByLabel('Month').fill('1')
    await admin.getByLabel('Year').fill('2027')
    await admin.getByLabel('Yes, it is a practice').check()
    await form.submit('Start inspection')
    practicePath = new URL(admin.url()).pathname
    expect(practicePath).toMatch(/^\/inspections\/[0-9a-f-]{36}$/)
    const banner = async () =>
      (
        await admin.locator('.govuk-notification-banner', { hasText: 'This is a practice inspection.' }).innerText()
      ).replace(/\s+/g, ' ')
    expect(await banner()).toContain('This is a practice inspection.')
    expect(await main(admin)).toContain('Front door (revised for rehearsal)')

    const timeline = new AnyPage(admin, practicePath)
    await timeline.followLink('My tasks')
    expect(new URL(admin.url()).pathname).toBe(`${practicePath}/my-tasks`)
    expect(await banner()).toContain('This is a practice inspection.')

    await timeline.open()
    await openWeekOf(admin, 'Fieldwork starts')
    await timeline.followLink('Fieldwork starts')
    expect(await timeline.headingText()).toBe('Change the date of Fieldwork starts')
    expect(await banner()).toContain('This is a practice inspection.')
    // Moved to a Saturday: accepted, with a warning on the milestone page.
    await admin.getByLabel('Day').fill('23')
    await admin.getByLabel('Month').fill('1')
    await admin.getByLabel('Year').fill('2027')
    await admin.getByLabel('Reason for the change').fill('Rehearsing a weekend start')
    await timeline.submit('Change date')
    expect(await main(admin)).toContain('Saturday 23 January 2027 is not a working day')
    await openWeekOf(admin, 'Fieldwork starts')
    await timeline.followLink('Fieldwork starts')
    expect(await main(admin)).toContain('Saturday 23 January 2027 is not a working day')
    await visit(admin, `${practicePath}/print`)
  })

  it('7. keeps a local task in the plan; the local plan page names the milestone it is counted from', async () => {
    const plan = await new AnyPage(admin, '/local-plan').open()
    expect(await main(admin)).toContain('Your local plan has no tasks yet.')
    const timeline = await new AnyPage(admin, practicePath).open()
    await timeline.followLink('Add a local task')
    expect(
      await admin.locator('.govuk-notification-banner', { hasText: 'This is a practice inspection.' }).count(),
    ).toBe(1)
    await admin.getByLabel('Task', { exact: true }).fill('Book the audit room')
    await admin.getByLabel('Who does it').selectOption('administrator')
    await admin.getByLabel('Counted from').selectOption('children-selected')
    await admin.getByLabel('Working days after it').fill('1')
    await admin.getByLabel('Keep this task in our local plan for future inspections').check()
    await timeline.submit('Add task')
    await plan.open()
    const text = await main(admin)
    expect(text).toContain('Book the audit room')
    expect(text).toContain('1 working day after Inspectors select children')
    expect(text).not.toContain('children-selected')
  })

  it('8. notifications: none yet; chooses what they are emailed; sends a test email (an error first); reminder settings', async () => {
    const list = await new NotificationsPage(admin).open()
    expect(await list.notifications()).toEqual([])
    expect(await main(admin)).toContain('You have no notifications yet.')
    await list.followLink('Change what you are emailed')
    const settings = new EmailSettingsPage(admin)
    expect(await settings.headingText()).toBe('What you are emailed')
    expect(await settings.alwaysEmailed()).toContain('An issue of concern')
    expect(await settings.chosen('A task is given to you')).toBe('Email at once')
    await settings.choose('A task is given to you', 'In a daily summary at 8am on working days')
    await settings.submit('Save email settings')
    expect(await settings.notificationBanner().innerText()).toContain('Your email settings are saved.')
    expect(await settings.chosen('A task is given to you')).toBe('In a daily summary at 8am on working days')

    const outbox = await new OutboxPage(admin).open()
    expect(await main(admin)).toContain('No mail server is configured (SMTP_URL)')
    await outbox.sendTestEmail('not an address', { status: 400 })
    expect(await outbox.errorMessages()).toEqual([
      'Enter an email address in the correct format, like name@example.org',
    ])
    await outbox.sendTestEmail(ADMIN.email)
    expect(await outbox.notificationBanner().innerText()).toContain(`A test email to ${ADMIN.email} is waiting`)
    expect(await outbox.rows()).toEqual([
      expect.objectContaining({
        to: `${ADMIN.name} ${ADMIN.email}`,
        status: 'Waiting Waiting: no mail server configured',
      }),
    ])
    await outbox.filterBy('Failed')
    expect(await outbox.rows()).toEqual([])

    const reminders = await new ReminderSettingsPage(admin).open()
    expect(await reminders.headingText()).not.toBe('')
  })
})
