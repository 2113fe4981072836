import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser'
import { AuditPage } from './support/pages/audit'
import { CodePage, EnrolPage, HomePage, PasswordPage, SetupPage, SignInPage } from './support/pages/auth'
import { BasePage, PageAt, followAndCheck } from './support/pages/base'
import {
  AgenciesPage,
  AgencyFormPage,
  AgencyPage,
  PeoplePage,
  PersonFormPage,
  PersonPage,
} from './support/pages/directory'
import { startApp, type RunningApp } from './support/server'
import { Authenticator } from './support/totp'

// One partnership's first hour, told as a story over several tests that share one app and the
// administrator's browser: each test carries on from where the one before it left off. Every page
// the story opens, error states included, is checked against WCAG 2.2 AA by visit()/followAndCheck().
// The whole file opens about forty pages; most of its run time is axe.

const PARTNERSHIP = 'Northshire Safeguarding Children Partnership'
const ADMIN = {
  name: 'Alex Morgan',
  email: 'alex.morgan@northshire.example.org',
  jobTitle: 'Business manager',
  password: 'amber kettle violin harbour',
}
const AGENCY = { name: 'Northshire Police', type: 'Police', statutory: 'Yes' as const }
const APPROVER = {
  name: 'Priya Shah',
  email: 'priya.shah@northshire-police.example.org',
  jobTitle: 'Assistant Chief Constable',
  password: 'copper lantern meadow frost',
}
const APPROVER_OPTION = `${APPROVER.name}, ${APPROVER.jobTitle}`

/** Checks a GOV.UK error state: title, summary focused on load, each link focusing its field, matching inline errors. */
async function expectErrorSummary(form: BasePage, expected: { field: string; message: string }[]): Promise<void> {
  expect(await form.page.title()).toMatch(/^Error: /)
  expect(await form.errorSummary().locator('.govuk-error-summary__title').innerText()).toBe('There is a problem')
  // govuk-frontend's ErrorSummary moves focus to the summary as the page loads, so it is read out first.
  expect(await form.errorSummary().evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true)
  const links = await form.errorSummaryLinks()
  expect(links).toEqual(expected.map((e) => ({ text: e.message, href: `#${e.field}` })))
  for (const { field, message } of expected) {
    expect(await form.followErrorLink(message), `the summary link "${message}" focuses #${field}`).toBe(field)
    expect(await form.inlineError(field)).toBe(message)
  }
}

describe('foundation: first-run set-up, agencies, people, sign-in links and the audit log, through the real pages', () => {
  let app: RunningApp
  const browser = useBrowser()

  // Carried from test to test.
  let admin: Page
  let adminPhone: Authenticator
  let agencyPath = ''
  let approverPath = ''

  // The story's tests build on each other: once one fails, the later ones say so instead of failing
  // in confusing ways on state that was never made.
  let brokenAt: string | undefined
  const continuing = () => {
    if (brokenAt) throw new Error(`Not run: this step carries on from "${brokenAt}", which failed`)
  }

  beforeAll(async () => {
    app = await startApp()
  })
  afterEach(({ task }) => {
    if (task.result?.state === 'fail' && !/^(3b|5|6)\. /.test(task.name)) brokenAt ??= task.name // no later step needs 3b, 5 or 6
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('1. sets up the partnership from the printed link: errors first, then the administrator and their authenticator app', async () => {
    const link = await app.setupLink()
    admin = await browser.sharedPage({ baseURL: app.baseUrl })
    const setup = new SetupPage(admin, new URL(link).pathname)
    await setup.open()
    expect(await setup.headingText()).toBe('Set up JTAI Ready')

    // Sent empty: the GOV.UK error summary, with links that take the keyboard to each field.
    await setup.create({ status: 400 })
    await expectErrorSummary(setup, [
      { field: 'partnershipName', message: 'Enter the name of your safeguarding children partnership' },
      { field: 'name', message: 'Enter your full name' },
      { field: 'email', message: 'Enter an email address' },
      { field: 'password', message: 'Enter a password' },
    ])
    expect(await setup.describedBy('email')).toContain('email-error')

    await setup.fillForm({
      partnershipName: PARTNERSHIP,
      name: ADMIN.name,
      email: ADMIN.email,
      jobTitle: ADMIN.jobTitle,
      password: ADMIN.password,
    })
    await setup.create()
    const enrol = new EnrolPage(admin)
    expect(new URL(admin.url()).pathname).toBe(enrol.path)
    expect(await enrol.headingText()).toBe('Set up your authenticator app')

    // A code that is not 6 digits is refused on the page, with the setup key still shown.
    await enrol.enterCode('12345', { status: 400 })
    await expectErrorSummary(enrol, [
      { field: 'code', message: 'Enter the 6-digit code your authenticator app shows for JTAI Ready' },
    ])

    adminPhone = new Authenticator(await enrol.secret())
    expect(adminPhone.secret).toMatch(/^[A-Z2-7]{16,}$/)
    await enrol.enterCode(await adminPhone.code())

    const home = new HomePage(admin)
    expect(new URL(admin.url()).pathname).toBe('/')
    expect(await home.headingText()).toBe(`Welcome, ${ADMIN.name}`)
    expect(await home.partnershipCaption()).toBe(PARTNERSHIP)
    expect(await admin.title()).toBe(`Home – ${PARTNERSHIP}`)
    expect(await home.navigationLinks()).toEqual(expect.arrayContaining(['Home', 'Agencies', 'People', 'Audit log']))
    // The set-up link works once (checked without a browser: the page itself is not part of this story).
    expect((await fetch(link)).status).toBe(404)
  })

  it('2. adds an agency (name, type, statutory partner) and sees it in the list and on its own page', async () => {
    continuing()
    const agencies = new AgenciesPage(admin)
    await agencies.navigateTo('Agencies')
    expect(await agencies.headingText()).toBe('Agencies')
    await agencies.submit('Add an agency') // a GOV.UK button link (role=button)

    const form = new AgencyFormPage(admin)
    expect(await form.headingText()).toBe('Add an agency')
    await form.save({ status: 400 })
    await expectErrorSummary(form, [
      { field: 'name', message: 'Enter the agency’s name' },
      { field: 'type', message: 'Select the type of agency' },
      { field: 'isStatutory', message: 'Select whether the agency is a statutory safeguarding partner' },
    ])

    await form.fillForm(AGENCY)
    await form.save()
    agencyPath = new URL(admin.url()).pathname
    expect(agencyPath).toMatch(/^\/agencies\/[^/]+$/)
    const agency = new AgencyPage(admin, agencyPath)
    expect(await agency.headingText()).toBe(AGENCY.name)
    expect(await agency.notificationBanner().innerText()).toContain(`${AGENCY.name} has been added`)
    expect(await agency.details()).toEqual({
      Type: 'Police',
      'Statutory safeguarding partner': 'Yes',
      'Senior approver': 'Not chosen yet',
    })

    await agency.navigateTo('Agencies')
    expect(await agencies.rows()).toEqual([
      { Agency: AGENCY.name, Type: 'Police', 'Statutory partner': 'Yes', 'Senior approver': 'Not chosen', People: '0' },
    ])
    expect(
      await admin.locator('main table').getByRole('link', { name: AGENCY.name, exact: true }).getAttribute('href'),
    ).toBe(agencyPath)
  })

  it('3. adds a senior approver to the agency (an invalid email is caught) and makes them the agency’s senior approver', async () => {
    continuing()
    const people = new PeoplePage(admin)
    await people.navigateTo('People')
    expect(await people.rows()).toEqual([
      {
        Name: ADMIN.name,
        Agency: 'Business unit',
        Roles: 'Administrator (business unit)',
        Phone: 'Not given',
        Availability: 'Available',
      },
    ])
    await people.submit('Add a person')

    const form = new PersonFormPage(admin)
    expect(await form.headingText()).toBe('Add a person')
    await form.fillForm({
      name: APPROVER.name,
      email: 'priya.shah@',
      jobTitle: APPROVER.jobTitle,
      agency: AGENCY.name,
      roles: ['Senior approver'],
    })
    await form.save({ status: 400 })
    await expectErrorSummary(form, [
      { field: 'email', message: 'Enter an email address in the correct format, like name@example.org' },
    ])
    expect(await form.describedBy('email')).toContain('email-error')
    // What the person typed is kept.
    expect(await admin.getByLabel('Full name', { exact: true }).inputValue()).toBe(APPROVER.name)
    expect(await admin.getByLabel('Email address', { exact: true }).inputValue()).toBe('priya.shah@')
    expect(await admin.getByLabel('Agency', { exact: true }).locator('option:checked').innerText()).toBe(AGENCY.name)
    expect(await form.checkedRoles()).toEqual(['Senior approver'])

    await form.fillForm({ email: APPROVER.email })
    await form.save()
    approverPath = new URL(admin.url()).pathname
    expect(approverPath).toMatch(/^\/people\/[^/]+$/)
    const person = new PersonPage(admin, approverPath)
    expect(await person.headingText()).toBe(APPROVER.name)
    expect(await person.details()).toMatchObject({
      'Email address': APPROVER.email,
      'Job title': APPROVER.jobTitle,
      Agency: AGENCY.name,
      Roles: 'Senior approver',
      Availability: 'Available',
      'Sign-in': 'Has not set a password yet',
    })

    // Agencies → the agency → Change: the senior approver list now offers them.
    const agencies = new AgenciesPage(admin)
    await agencies.navigateTo('Agencies')
    expect(await agencies.rows()).toEqual([
      { Agency: AGENCY.name, Type: 'Police', 'Statutory partner': 'Yes', 'Senior approver': 'Not chosen', People: '1' },
    ])
    await agencies.openAgency(AGENCY.name)
    const agency = new AgencyPage(admin, agencyPath)
    expect(new URL(admin.url()).pathname).toBe(agencyPath)
    await agency.change()
    const edit = new AgencyFormPage(admin, `${agencyPath}/edit`)
    expect(await edit.headingText()).toBe(`Change ${AGENCY.name}`)
    expect(await admin.getByLabel('Senior approver', { exact: true }).locator('option').allInnerTexts()).toEqual([
      'Not chosen yet',
      APPROVER_OPTION,
    ])
    await edit.fillForm({ seniorApprover: APPROVER_OPTION })
    await edit.save()
    expect(new URL(admin.url()).pathname).toBe(agencyPath)
    expect(await agency.notificationBanner().innerText()).toContain(`${AGENCY.name} has been updated`)
    expect((await agency.details())['Senior approver']).toBe(APPROVER_OPTION)
    expect(await agency.people()).toEqual([
      { Name: APPROVER.name, 'Job title': APPROVER.jobTitle, Phone: 'Not given', Availability: 'Available' },
    ])
  })

  // A side trip: it changes nothing, so the story carries on whether or not it passes.
  it('3b. an inspector without an end date: the error summary link takes the keyboard to the date input', async () => {
    continuing()
    const form = new PersonFormPage(admin)
    await form.open()
    await form.fillForm({
      name: 'Ina Spector',
      email: 'ina.spector@ofsted.example.org',
      roles: ['Inspector (read-only)'],
    })
    await form.save({ status: 400 })
    const message = 'Enter the date the inspector’s access ends'
    expect(await admin.title()).toMatch(/^Error: /)
    expect((await form.errorSummaryLinks()).map((l) => l.text)).toEqual([message])
    expect(await form.inlineError('accessEndsOn')).toBe(message)
    // GOV.UK: the link goes to the first field of the date input, which can take focus.
    expect(await form.followErrorLink(message), 'the summary link focuses the day field of the date input').toBe(
      'accessEndsOn-day',
    )
  })

  it('4. the senior approver uses a sign-in link, sets a password, sets up their app, and cannot reach admin pages', async () => {
    continuing()
    const person = new PersonPage(admin, approverPath)
    await person.open()
    const link = await person.createSignInLink()
    expect(link).toMatch(new RegExp(`^${app.baseUrl}/password/[^/\\s]+$`))
    expect(await person.page.locator('.govuk-panel__title').innerText()).toBe('Sign-in link created')
    await person.signOut()
    expect(await person.headingText()).toBe('You have signed out')

    // The approver, in a browser of their own.
    const page = await browser.newPage({ baseURL: app.baseUrl })
    const password = new PasswordPage(page, link)
    await password.open()
    expect(await password.headingText()).toBe('Create a password')
    expect(await page.locator('main').innerText()).toContain(`This sets the password for ${APPROVER.name}`)
    await password.setPassword(APPROVER.password, 'copper lantern meadow', { status: 400 })
    await expectErrorSummary(password, [
      { field: 'confirm', message: 'The passwords do not match. Enter the same password twice' },
    ])
    await password.setPassword(APPROVER.password)

    const signIn = new SignInPage(page)
    expect(new URL(page.url()).pathname).toBe(signIn.path)
    expect(await signIn.notificationBanner().innerText()).toContain(
      'Your password has been set. Sign in with your new password.',
    )
    await signIn.signIn(APPROVER.email, APPROVER.password)

    const enrol = new EnrolPage(page)
    expect(new URL(page.url()).pathname).toBe(enrol.path)
    const approverPhone = new Authenticator(await enrol.secret())
    await enrol.enterCode(await approverPhone.code())

    const home = new HomePage(page)
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await home.headingText()).toBe(`Welcome, ${APPROVER.name}`)
    expect(await home.partnershipCaption()).toBe(PARTNERSHIP)
    expect(await home.navigationLinks()).toEqual(expect.arrayContaining(['Home', 'Agencies', 'People']))
    expect(await home.navigationLinks()).not.toContain('Audit log')
    expect(await page.getByText('Finish setting up your partnership').count()).toBe(0)

    const agencies = new AgenciesPage(page)
    await agencies.navigateTo('Agencies')
    expect(await agencies.rows()).toHaveLength(1)
    expect(await agencies.addAgencyButton().count()).toBe(0)

    const forbidden = new PageAt(page, '/audit')
    await forbidden.open({ status: 403 })
    expect(await forbidden.headingText()).toBe('You do not have access to this page')
  })

  it('5. the administrator signs back in and finds steps 1–4 in the audit log, and filters it by action', async () => {
    continuing()
    const signIn = new SignInPage(admin)
    await signIn.open()
    await signIn.signIn(ADMIN.email, ADMIN.password)
    const code = new CodePage(admin)
    expect(new URL(admin.url()).pathname).toBe(code.path)
    // Codes work once: adminPhone waits for the next 30-second step if the last code was from this one.
    await code.enterCode(await adminPhone.code())
    expect(await new HomePage(admin).headingText()).toBe(`Welcome, ${ADMIN.name}`)

    const audit = new AuditPage(admin)
    await audit.navigateTo('Audit log')
    expect(await audit.headingText()).toBe('Audit log')
    const rows = await audit.rows()
    const seen = rows.map(({ who, action, summary }) => ({ who, action, summary }))
    const expected = [
      { who: ADMIN.name, action: 'Set up the partnership', summary: `Set up ${PARTNERSHIP}` },
      { who: ADMIN.name, action: 'Added a person', summary: `Added ${ADMIN.name} as the first administrator` },
      {
        who: ADMIN.name,
        action: 'Set up an authenticator app',
        summary: `${ADMIN.name} set up their authenticator app`,
      },
      { who: ADMIN.name, action: 'Signed in', summary: `${ADMIN.name} signed in` },
      { who: ADMIN.name, action: 'Added an agency', summary: `Added agency ${AGENCY.name}` },
      { who: ADMIN.name, action: 'Added a person', summary: `Added ${APPROVER.name}` },
      { who: ADMIN.name, action: 'Changed an agency’s details', summary: `Changed agency ${AGENCY.name}` },
      {
        who: ADMIN.name,
        action: 'Created a sign-in link',
        summary: `Issued a password reset link for ${APPROVER.name}`,
      },
      { who: ADMIN.name, action: 'Signed out', summary: `${ADMIN.name} signed out` },
      { who: APPROVER.name, action: 'Set a new password', summary: `${APPROVER.name} set a new password` },
      {
        who: APPROVER.name,
        action: 'Set up an authenticator app',
        summary: `${APPROVER.name} set up their authenticator app`,
      },
      { who: APPROVER.name, action: 'Signed in', summary: `${APPROVER.name} signed in` },
    ]
    for (const event of expected) expect(seen, `the audit log lists ${JSON.stringify(event)}`).toContainEqual(event)
    // Each event has its own number in the chain.
    expect(new Set(rows.map((r) => r.no)).size).toBe(rows.length)
    expect(await audit.caption()).toBe(`${rows.length} events`)

    expect(await audit.actionOptions()).toEqual(
      // In words, each an action name the log holds.
      expect.arrayContaining(['Added an agency', 'Changed an agency’s details', 'Added a person', 'Signed in']),
    )
    await audit.filterByAction('Added a person')
    expect(new URL(admin.url()).searchParams.get('action')).toBe('person.created')
    expect(await admin.getByLabel('Action', { exact: true }).inputValue()).toBe('person.created')
    const filtered = await audit.rows()
    expect(filtered.map((r) => r.action)).toEqual(['Added a person', 'Added a person'])
    expect(filtered.map((r) => r.summary).sort()).toEqual(
      [`Added ${ADMIN.name} as the first administrator`, `Added ${APPROVER.name}`].sort(),
    )
    expect(await audit.caption()).toBe('2 events')
  })

  it('6. keyboard: on the sign-in page Tab reaches the skip link first, then the form, and Enter submits it', async () => {
    continuing()
    const page = await browser.newPage({ baseURL: app.baseUrl })
    const signIn = new SignInPage(page)
    await signIn.open()

    const focused = () =>
      page.locator('body').evaluate((body) => {
        const el = body.ownerDocument.activeElement
        return {
          id: String(el?.id ?? ''),
          tag: String(el?.tagName ?? '').toLowerCase(),
          text: String(el?.innerText ?? '').trim(),
          label: String(el?.getAttribute('aria-label') ?? ''),
        }
      })

    // The first Tab stop on the page is the skip link, and it is visible when focused.
    await page.keyboard.press('Tab')
    expect(await focused()).toMatchObject({ tag: 'a', text: 'Skip to main content' })
    expect((await page.locator('.govuk-skip-link').boundingBox())?.width ?? 0).toBeGreaterThan(50)

    // Without the skip link, the only stop before the form is the service name in the header.
    await page.keyboard.press('Tab')
    expect(await focused()).toMatchObject({ tag: 'a', text: 'JTAI Ready' })
    await page.keyboard.press('Tab')
    expect((await focused()).id).toBe('email')
    await page.keyboard.press('Tab')
    expect((await focused()).id).toBe('password')
    await page.keyboard.press('Tab')
    expect(await focused()).toMatchObject({ tag: 'button', label: 'Show password' })
    await page.keyboard.press('Tab')
    expect(await focused()).toMatchObject({ tag: 'button', text: 'Continue' })

    // With it: Enter on the skip link moves focus to the main content, and the next Tab is the email field.
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Shift+Tab')
    expect(await focused()).toMatchObject({ tag: 'a', text: 'Skip to main content' })
    await page.keyboard.press('Enter')
    expect((await focused()).id).toBe('main-content')
    await page.keyboard.press('Tab')
    expect((await focused()).id).toBe('email')

    await page.keyboard.type(APPROVER.email)
    await page.keyboard.press('Tab')
    await page.keyboard.type(APPROVER.password)
    await followAndCheck(page, () => page.keyboard.press('Enter'))
    const code = new CodePage(page)
    expect(new URL(page.url()).pathname).toBe(code.path)
    expect(await code.headingText()).toBe('Enter the 6-digit code from your authenticator app')

    // Enter in the empty code field sends the form too, and the error state is just as accessible.
    await page.getByLabel('Enter the 6-digit code from your authenticator app', { exact: true }).focus()
    await followAndCheck(page, () => page.keyboard.press('Enter'), { status: 400 })
    await expectErrorSummary(code, [{ field: 'code', message: 'Enter the 6-digit code from your authenticator app' }])
  })
})
