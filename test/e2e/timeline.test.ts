import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser'
import { setUpFirstAdministrator } from './support/pages/auth'
import { BasePage, followAndCheck, visit } from './support/pages/base'
import { startApp, type RunningApp } from './support/server'
import { openWeekOf } from './support/pages/timeline'

// The inspection timeline through the real pages, on the real clock: an administrator starts an
// inspection notified on Monday 1 March 2027, moves the end of fieldwork, adds a local task,
// downloads the calendar and marks the task done. Every page opened, error states included, is
// checked with axe.

const ADMIN = { name: 'Sam Patel', email: 'sam.patel@westshire.example.org', password: 'orange piano lantern river' }

class InspectionsPage extends BasePage {
  readonly path = '/inspections'
}

class TimelinePage extends BasePage {
  constructor(
    page: Page,
    readonly path: string,
  ) {
    super(page)
  }

  /** Opens the week a milestone is in (each week folds away; only the current one starts open). */
  async openWeekOf(title: string): Promise<void> {
    await openWeekOf(this.page, title)
  }

  /** The row for a milestone, as text. */
  async row(title: string): Promise<string> {
    await this.openWeekOf(title)
    return (await this.page.locator('main tr', { hasText: title }).first().innerText()).replace(/\s+/g, ' ')
  }

  /** Whether the page is no wider than the window (WCAG 1.4.10 reflow). */
  async fitsWidth(): Promise<boolean> {
    // A string, as the test project's TypeScript has no DOM types.
    return (await this.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true
  }
}

function dtstart(ics: string, id: string): string | undefined {
  const block = ics
    .replace(/\r\n[ \t]/g, '')
    .split('BEGIN:VEVENT')
    .find((b) => b.includes(`-${id}@jtai-ready`))
  return block ? /DTSTART(?:;VALUE=DATE)?:([0-9TZ]+)/.exec(block)?.[1] : undefined
}

describe('inspection timeline: create, override a date, add a local task, download the calendar', () => {
  let app: RunningApp
  const browser = useBrowser()
  let admin: Page
  let timeline: TimelinePage

  beforeAll(async () => {
    app = await startApp({ migrated: true })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('1. sets up and starts an inspection; a weekend notification date is refused', async () => {
    admin = await browser.sharedPage({ baseURL: app.baseUrl })
    await setUpFirstAdministrator(admin, await app.setupLink(), {
      partnershipName: 'Westshire Safeguarding Children Partnership',
      ...ADMIN,
    })

    const list = new InspectionsPage(admin)
    await list.navigateTo('Inspections')
    expect(await list.headingText()).toBe('Inspections')
    await list.submit('Start an inspection') // a GOV.UK button link (role=button)

    const form = new TimelinePage(admin, '/inspections/new')
    await admin.getByLabel('Framework', { exact: true }).selectOption('front-door')
    await admin.getByLabel('Day').fill('27')
    await admin.getByLabel('Month').fill('2')
    await admin.getByLabel('Year').fill('2027')
    await admin.getByLabel('No, we have been notified').check()
    await form.submit('Start inspection', { status: 400 })
    expect(await admin.title()).toMatch(/^Error: Start an inspection/)
    expect((await form.errorMessages())[0]).toContain('is not a working day (a weekend)')

    await admin.getByLabel('Day').fill('1')
    await admin.getByLabel('Month').fill('3')
    await admin.getByLabel('Time of notification (optional)').fill('09:30')
    await form.submit('Start inspection')
    timeline = new TimelinePage(admin, new URL(admin.url()).pathname)
    expect(timeline.path).toMatch(/^\/inspections\/[0-9a-f-]{36}$/)
    expect(await timeline.headingText()).toBe('Inspection timeline')
    expect(await timeline.row('Fieldwork ends')).toContain('Friday 19 March 2027')
  })

  it('1a. folds the timeline by week without JavaScript help: the first week open, day 1 in time order', async () => {
    await timeline.open()
    const weeks = admin.locator('main details')
    expect(await weeks.count()).toBeGreaterThan(5)
    // Today is before this inspection, so its first week is the open one.
    expect(await weeks.first().getAttribute('open')).not.toBeNull()
    expect(await weeks.nth(2).getAttribute('open')).toBeNull()
    expect(await admin.getByRole('link', { name: 'Fieldwork ends' }).isVisible()).toBe(false)
    await weeks.nth(2).locator('summary').click()
    expect(await admin.getByRole('link', { name: 'Fieldwork ends' }).isVisible()).toBe(true)
    const day1 = await weeks
      .first()
      .locator('tbody tr', { hasText: 'Monday 1 March 2027' })
      .evaluateAll((rows) => rows.map((r) => r.querySelector('a')?.textContent?.trim()))
    expect(day1).toEqual(['Inspection notified', 'All partners told', 'Set-up meeting', 'Annex A lists produced'])
  })

  it('2. overrides the end of fieldwork with a reason; what is counted from it moves', async () => {
    const draftBefore = dtstart(
      await admin.request.get(`${timeline.path}/calendar.ics`).then((r) => r.text()),
      'draft-letter',
    )
    await timeline.openWeekOf('Fieldwork ends')
    await timeline.followLink('Fieldwork ends')
    const change = new TimelinePage(admin, new URL(admin.url()).pathname)
    expect(await change.headingText()).toBe('Change the date of Fieldwork ends')
    await admin.getByLabel('Day').fill('22')
    await change.submit('Change date', { status: 400 })
    expect(await change.errorMessages()).toEqual([
      'Enter the reason for the change, like “Lead inspector moved the audit day”',
    ])
    await admin.getByLabel('Reason for the change').fill('Lead inspector added a day of fieldwork')
    await change.submit('Change date')
    expect(new URL(admin.url()).pathname).toBe(timeline.path)
    const row = await timeline.row('Fieldwork ends')
    expect(row).toContain('Monday 22 March 2027')
    expect(row).toContain('Changed by Sam Patel')
    expect(row).toContain('Lead inspector added a day of fieldwork')
    const draftAfter = dtstart(
      await admin.request.get(`${timeline.path}/calendar.ics`).then((r) => r.text()),
      'draft-letter',
    )
    expect(Number(draftAfter)).toBeGreaterThan(Number(draftBefore))
  })

  it('3. adds a local task counted from a milestone', async () => {
    await timeline.followLink('Add a local task')
    const form = new TimelinePage(admin, new URL(admin.url()).pathname)
    await form.submit('Add task', { status: 400 })
    expect(await form.errorMessages()).toContain('Enter the task')
    await admin.getByLabel('Task', { exact: true }).fill('Brief the chief executives')
    await admin.getByLabel('Who does it').selectOption('administrator')
    await admin.getByLabel('Counted from').selectOption('children-selected')
    await admin.getByLabel('Working days after it').fill('1')
    await admin.getByLabel('Time (optional)').fill('10:00')
    await form.submit('Add task')
    expect(await timeline.row('Brief the chief executives')).toContain('Friday 5 March 2027')
  })

  it('4. downloads the calendar and opens My tasks and the printable page', async () => {
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: 'Download the whole timeline as a calendar (ICS)' }).click(),
    ])
    const path = await download.path()
    const { readFile } = await import('node:fs/promises')
    const ics = await readFile(path, 'utf8')
    expect(dtstart(ics, 'notification')).toBe('20270301T093000Z')
    expect(dtstart(ics, 'fieldwork-end')).toBe('20270322')
    expect(dtstart(ics, 'local-brief-the-chief-executives')).toBe('20270305T100000Z')
    await visit(admin, `${timeline.path}/my-tasks`)
    expect(await admin.locator('main').innerText()).toContain('Brief the chief executives')
    await followAndCheck(admin, () =>
      admin.getByRole('button', { name: 'Mark as done for Brief the chief executives' }).click(),
    )
    expect(new URL(admin.url()).pathname).toBe(`${timeline.path}/my-tasks`)
    const row = (await admin.locator('main tr', { hasText: 'Brief the chief executives' }).first().innerText()).replace(
      /\s+/g,
      ' ',
    )
    expect(row).toContain('Done by Sam Patel')
    expect(await admin.getByRole('button', { name: 'Mark as not done for Brief the chief executives' }).count()).toBe(1)
    // At 320 px wide (WCAG 1.4.10) neither My tasks nor the timeline scrolls sideways.
    const size = admin.viewportSize()
    await admin.setViewportSize({ width: 320, height: 640 })
    expect(await timeline.fitsWidth()).toBe(true)
    await timeline.open()
    expect(await timeline.fitsWidth()).toBe(true)
    if (size) await admin.setViewportSize(size)
    await visit(admin, `${timeline.path}/print`)
    await followAndCheck(admin, () => admin.getByRole('link', { name: 'Inspection timeline' }).click())
    await visit(admin, '/frameworks/front-door')
    await visit(admin, '/holidays')
  })

  it('5. closes the inspection: the home page moves on and the timeline says so', async () => {
    await timeline.open()
    await timeline.submit('Close this inspection')
    expect(await admin.locator('main').innerText()).toContain('This inspection was closed on')
    await visit(admin, '/')
    expect(await admin.locator('main').innerText()).not.toContain('Inspection timeline')
    await visit(admin, '/inspections')
    expect((await admin.locator('main tbody tr').first().innerText()).replace(/\s+/g, ' ')).toContain(
      'Real inspection Closed',
    )
  })
})
