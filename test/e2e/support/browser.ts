import { afterAll, afterEach, beforeAll } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { repoRoot } from './server'

/**
 * Debian's Chromium (`apt-get install chromium`, see scripts/install-test-deps.sh). Playwright's own
 * browser download is never used: this machine and CI reach no browser download host.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * The flags the machine needs: no sandbox as root, and no background networking (the closed network
 * refuses Chromium's own connections, many at a time, otherwise).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** How long one Playwright action or navigation may take before the test fails. */
export const ACTION_TIMEOUT_MS = 15_000

/** Launches a new headless Chromium. Close it with `browser.close()`. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}

export interface FreshPage {
  page: Page
  context: BrowserContext
  close(): Promise<void>
}

/**
 * A page in a fresh browser context (no cookies, no storage), so each test starts signed out.
 * Pass `{ baseURL: app.baseUrl }` so that `page.goto('/path')` and `visit(page, '/path')` resolve
 * against the running app.
 */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<FreshPage> {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', ...options })
  context.setDefaultTimeout(ACTION_TIMEOUT_MS)
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS * 2)
  const page = await context.newPage()
  return { page, context, close: () => context.close() }
}

export interface BrowserFixture {
  /** The browser this test file uses (shared with the other files in its test process). */
  browser(): Browser
  /**
   * A page in a fresh context; closed after the current test. When the test fails, a screenshot of
   * each page still open is written to test-results/e2e/ (gitignored).
   */
  newPage(options?: BrowserContextOptions): Promise<Page>
  /**
   * A page in a fresh context that stays open for the rest of the file (closed in afterAll), for a
   * journey told over several tests, such as an administrator who stays signed in. It is
   * photographed with the others when a test fails.
   */
  sharedPage(options?: BrowserContextOptions): Promise<Page>
}

/**
 * Vitest helper: the process's Chromium for the test file (see sharedBrowser), and fresh pages
 * that are closed after each test.
 *
 *   const browser = useBrowser()
 *   it('...', async () => { const page = await browser.newPage({ baseURL: app.baseUrl }) })
 */
/**
 * One Chromium per test process, shared by the test files that run in it (the e2e project runs its
 * files one after another in one process): every test still gets fresh browser contexts (no cookies,
 * no storage), and launching a browser per file only cost time. Playwright ends the browser when the
 * process exits; a browser that has gone away is launched again.
 */
let processBrowser: Promise<Browser> | undefined
async function sharedBrowser(): Promise<Browser> {
  const current = processBrowser && (await processBrowser.catch(() => undefined))
  if (current?.isConnected()) return current
  processBrowser = launchBrowser()
  return processBrowser
}

export function useBrowser(): BrowserFixture {
  let browser: Browser | undefined
  let open: FreshPage[] = []
  let shared: FreshPage[] = []

  beforeAll(async () => {
    browser = await sharedBrowser()
  })
  afterEach(async ({ task }) => {
    const pages = open
    open = []
    if (task.result?.state === 'fail') await screenshotAll(task.name, [...pages, ...shared])
    await Promise.allSettled(pages.map((p) => p.close()))
  })
  afterAll(async () => {
    const pages = shared
    shared = []
    await Promise.allSettled(pages.map((p) => p.close()))
    // The browser stays for the next file (sharedBrowser); this file's contexts are all closed.
    browser = undefined
  })

  const current = (): Browser => {
    if (!browser) throw new Error('useBrowser(): the browser is not running (call newPage() inside a test)')
    return browser
  }

  return {
    browser: current,
    async newPage(options) {
      const fresh = await newPage(current(), options)
      open.push(fresh)
      return fresh.page
    },
    async sharedPage(options) {
      const fresh = await newPage(current(), options)
      shared.push(fresh)
      return fresh.page
    },
  }
}

async function screenshotAll(testName: string, pages: FreshPage[]): Promise<void> {
  const dir = join(repoRoot, 'test-results', 'e2e')
  mkdirSync(dir, { recursive: true })
  for (const [i, { page }] of pages.entries()) {
    if (page.isClosed()) continue
    const path = join(dir, `${testName.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 100)}-${i}.png`)
    try {
      await page.screenshot({ path, fullPage: true, timeout: 5_000 })
      console.error(`e2e: screenshot of the failing test's page ${page.url()} saved to ${path}`)
    } catch {
      // a page that cannot be photographed must not hide the test's own failure
    }
  }
}
