import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectNoAxeViolations } from './support/axe'
import { useBrowser } from './support/browser'
import { setUpFirstAdministrator } from './support/pages/auth'
import { BasePage, visit } from './support/pages/base'
import { startApp, type RunningApp } from './support/server'

// The session time-out warning in a real browser. The app runs with a 30-second idle time-out and
// the warning 20 seconds before the end (SESSION_IDLE_MINUTES, SESSION_WARNING_SECONDS), so the
// warning appears about 10 seconds after a page loads. The browser's clock is set two hours fast:
// the warning counts down the seconds the server sent, so it must not care.

const ADMIN = {
  name: 'Robin Achebe',
  email: 'robin.achebe@eastshire.example.org',
  password: 'violet harbour compass meadow',
}
const HEADING = 'You’re about to be signed out'

class HomePage extends BasePage {
  readonly path = '/'
}

describe('session time-out warning', () => {
  let app: RunningApp
  const browser = useBrowser()
  let page: Page

  beforeAll(async () => {
    app = await startApp({ migrated: true, env: { SESSION_IDLE_MINUTES: '0.5', SESSION_WARNING_SECONDS: '20' } })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('1. sets up the partnership and signs in; every asset the page links to answers 200', async () => {
    page = await browser.sharedPage({ baseURL: app.baseUrl })
    await page
      .context()
      .addInitScript('{ const realNow = Date.now.bind(Date); Date.now = () => realNow() + 2 * 3600000 }')
    await setUpFirstAdministrator(page, await app.setupLink(), {
      partnershipName: 'Eastshire Safeguarding Children Partnership',
      ...ADMIN,
    })
    expect(new URL(page.url()).pathname).toBe('/')

    const links = await page
      .locator('link[href], script[src], img[src]')
      .evaluateAll((els) =>
        els.map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '').filter((u) => u.startsWith('/')),
      )
    expect(links).toContain('/assets/images/icon.svg')
    for (const link of [...links, '/favicon.ico']) {
      const res = await page.request.get(link)
      expect(res.status(), link).toBe(200)
    }
  }, 180_000)

  it('2. warns before the idle time-out: announced, focused, keyboard-usable, accessible; "Stay signed in" works without a reload', async () => {
    await visit(page, '/')
    // The test runs without the DOM's types, so code for the page is given as text.
    await page.evaluate('window.samePage = "yes"')
    const dialog = page.getByRole('alertdialog', { name: HEADING })
    // A browser clock two hours fast would have shown it at once if the page trusted that clock.
    expect(await dialog.isVisible()).toBe(false)

    await dialog.waitFor({ state: 'visible', timeout: 30_000 })
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    const description = await page.evaluate<string>(
      "(document.getElementById('timeout-warning').getAttribute('aria-describedby') || '').split(' ').map((id) => document.getElementById(id).innerText).join(' ')",
    )
    expect(description).toMatch(/we will sign you out in \d+ seconds? if you do nothing/)
    // Focus moved into the dialog, so a screen reader announces it.
    expect(
      await page.evaluate<boolean>(
        "Boolean(document.activeElement && document.activeElement.closest('#timeout-warning'))",
      ),
    ).toBe(true)
    await expectNoAxeViolations(page)

    // Tab reaches "Stay signed in" and stays inside the dialog.
    await page.keyboard.press('Tab')
    expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('timeout-stay')
    await page.keyboard.press('Tab')
    expect(await page.evaluate<string>('document.activeElement && document.activeElement.id')).toBe('timeout-stay')
    expect(await dialog.getByRole('button').allInnerTexts()).toEqual(['Stay signed in'])

    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/session/keep-alive')),
      page.keyboard.press('Enter'),
    ])
    expect(answer.status()).toBe(200)
    const body = (await answer.json()) as { secondsLeft: number; endsBecause: string; canStaySignedIn: boolean }
    expect(body.endsBecause).toBe('idle')
    expect(body.canStaySignedIn).toBe(true)
    expect(body.secondsLeft).toBeGreaterThan(25)
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.evaluate<string>('window.samePage')).toBe('yes')
    expect(new URL(page.url()).pathname).toBe('/')

    // It comes back before the new end; Escape also keeps the session.
    await dialog.waitFor({ state: 'visible', timeout: 30_000 })
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/session/keep-alive')),
      page.keyboard.press('Escape'),
    ])
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.evaluate<string>('window.samePage')).toBe('yes')

    // Well over the 30-second time-out after the page loaded, the person is still signed in.
    await page.waitForTimeout(20_000)
    await visit(page, '/')
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await new HomePage(page).headingText()).not.toMatch(/Sign in/)
  }, 240_000)

  it('3. with no answer, signs the person out and says it was for doing nothing for 30 seconds', async () => {
    await visit(page, '/')
    await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: 120_000 })
    await page.waitForLoadState('load')
    const banner = await page.locator('.govuk-notification-banner').innerText()
    expect(banner).toContain('You were signed out because you had not done anything for 30 seconds')
    await expectNoAxeViolations(page)
  }, 240_000)
})
