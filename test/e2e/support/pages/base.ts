import type { Locator, Page, Response } from 'playwright-core'
import { expectNoAxeViolations, type AxeOptions } from '../axe'

export interface VisitOptions {
  /** The HTTP status the page must answer with (default: any 2xx, after redirects). */
  status?: number
  /** Options for the accessibility check; `false` skips it (say why next to the call). */
  axe?: AxeOptions | false
}

/**
 * Navigates to `path` (relative to the context's baseURL, or absolute), checks the status, and runs
 * the WCAG 2.2 AA accessibility check on the page it lands on. Every e2e spec opens pages with this.
 */
export async function visit(page: Page, path: string, options: VisitOptions = {}): Promise<Response> {
  const response = await page.goto(path, { waitUntil: 'load' })
  if (!response) throw new Error(`visit(${path}): no response (same-document navigation?)`)
  await checkLanding(page, response, `visit(${path})`, options)
  return response
}

/**
 * Does `action` (a click on a link or a submit button), waits for the page it leads to, checks
 * the status and runs the accessibility check on it: the same as visit() for pages reached by
 * following the interface.
 *
 *   await followAndCheck(page, () => page.getByRole('button', { name: 'Continue' }).click())
 */
export async function followAndCheck(
  page: Page,
  action: () => Promise<unknown>,
  options: VisitOptions = {},
): Promise<Response> {
  // waitForNavigation follows redirects (POST, then 303 to GET) and resolves once the page it
  // lands on has loaded; it is marked deprecated in favour of waitForURL, which cannot tell a form
  // sent back to the same URL from no navigation at all.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above: waitForURL cannot do this
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()])
  if (!response) throw new Error('followAndCheck: the action did not load a new page')
  await checkLanding(page, response, 'followAndCheck', options)
  return response
}

async function checkLanding(page: Page, response: Response, what: string, options: VisitOptions): Promise<void> {
  const status = response.status()
  const ok = options.status === undefined ? status >= 200 && status < 300 : status === options.status
  if (!ok) {
    const body = (await page.content().catch(() => '')).replace(/\s+/g, ' ').slice(0, 2_000)
    throw new Error(`${what}: ${page.url()} answered ${status}, expected ${options.status ?? '2xx'}. Page: ${body}`)
  }
  if (options.axe !== false) await expectNoAxeViolations(page, options.axe ?? {})
}

/**
 * Base for page objects: one class per screen, holding its path and the ways to read and use it,
 * built on GOV.UK Design System markup.
 *
 *   class HomePage extends BasePage { readonly path = '/' }
 *   const home = await new HomePage(page).open()
 */
export abstract class BasePage {
  abstract readonly path: string

  constructor(readonly page: Page) {}

  /** Opens this page with visit() (status and accessibility checked). */
  async open(options?: VisitOptions): Promise<this> {
    await visit(this.page, this.path, options)
    return this
  }

  /** The page's main heading. */
  heading(): Locator {
    return this.page.locator('main h1')
  }

  async headingText(): Promise<string> {
    return (await this.heading().first().innerText()).trim()
  }

  /** The GOV.UK error summary, shown after a form is sent back with errors. */
  errorSummary(): Locator {
    return this.page.locator('.govuk-error-summary')
  }

  /** The messages listed in the error summary, in order. */
  async errorMessages(): Promise<string[]> {
    return (await this.errorSummary().locator('.govuk-error-summary__list li').allInnerTexts()).map((t) => t.trim())
  }

  /** The links in the error summary, in order: their text and the `#fieldId` each points to. */
  async errorSummaryLinks(): Promise<{ text: string; href: string }[]> {
    const links = this.errorSummary().locator('.govuk-error-summary__list a')
    const out: { text: string; href: string }[] = []
    for (const link of await links.all())
      out.push({ text: (await link.innerText()).trim(), href: (await link.getAttribute('href')) ?? '' })
    return out
  }

  /** Clicks the error summary link with this text and returns the id of the element that then has focus. */
  async followErrorLink(text: string): Promise<string> {
    await this.errorSummary().getByRole('link', { name: text, exact: true }).click()
    return this.focusedId()
  }

  /** The inline error message GOV.UK components show with a field (`#<id>-error`), without its hidden "Error:" prefix. */
  async inlineError(fieldId: string): Promise<string | undefined> {
    const message = this.page.locator(`[id="${fieldId}-error"]`)
    if ((await message.count()) === 0) return undefined
    return (await message.innerText()).replace(/^\s*Error:\s*/, '').trim()
  }

  /** The ids in a field's aria-describedby (the hint and error message a screen reader announces with it). */
  async describedBy(fieldId: string): Promise<string[]> {
    const ids = await this.page.locator(`[id="${fieldId}"]`).getAttribute('aria-describedby')
    return (ids ?? '').split(/\s+/).filter(Boolean)
  }

  /** The id of the element that has focus ('' for none), or its tag name when it has no id. */
  async focusedId(): Promise<string> {
    return this.page.locator('body').evaluate((body) => {
      const el = body.ownerDocument.activeElement
      if (!el || el === body) return ''
      return el.id || el.tagName.toLowerCase()
    })
  }

  /** The names of the links in the service navigation (what the signed-in person may use). */
  async navigationLinks(): Promise<string[]> {
    return (await this.page.locator('.govuk-service-navigation__list a').allInnerTexts()).map((t) => t.trim())
  }

  /** Follows a link in the service navigation and checks the page it leads to. */
  async navigateTo(name: string, options?: VisitOptions): Promise<Response> {
    return followAndCheck(
      this.page,
      () => this.page.locator('.govuk-service-navigation__list').getByRole('link', { name, exact: true }).click(),
      options,
    )
  }

  /** Signs out with the button in the header and checks the page it leads to. */
  async signOut(options?: VisitOptions): Promise<Response> {
    return followAndCheck(
      this.page,
      () => this.page.locator('.govuk-service-navigation').getByRole('button', { name: 'Sign out' }).click(),
      options,
    )
  }

  /** The GOV.UK notification banner (success or important), if any. */
  notificationBanner(): Locator {
    return this.page.locator('.govuk-notification-banner')
  }

  /** Fills the form field with this label. */
  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: typeof label === 'string' }).fill(value)
  }

  /** Clicks the button with this name and checks the page it leads to (see followAndCheck). */
  async submit(buttonName: string | RegExp, options?: VisitOptions): Promise<Response> {
    return followAndCheck(this.page, () => this.page.getByRole('button', { name: buttonName }).click(), options)
  }

  /** Follows the link with this name and checks the page it leads to (see followAndCheck). */
  async followLink(linkName: string | RegExp, options?: VisitOptions): Promise<Response> {
    return followAndCheck(this.page, () => this.page.getByRole('link', { name: linkName }).first().click(), options)
  }
}

/** Any page, by path, for screens that need no page object of their own (error pages, say). */
export class PageAt extends BasePage {
  constructor(
    page: Page,
    readonly path: string,
  ) {
    super(page)
  }
}
