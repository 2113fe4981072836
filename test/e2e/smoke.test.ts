import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBrowser } from './support/browser'
import { visit } from './support/pages/base'
import { startApp, type RunningApp } from './support/server'

// The real app, as a child process (tsx src/main.ts) on PGlite, driven by Debian's Chromium.
describe('smoke: the app starts and serves an accessible home page', () => {
  let app: RunningApp
  const browser = useBrowser()

  beforeAll(async () => {
    app = await startApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('answers GET /health with 200', async () => {
    const res = await fetch(`${app.baseUrl}/health`)
    expect(res.status).toBe(200)
  })

  it('prints a first-run set-up link on stdout', async () => {
    const link = await app.setupLink()
    expect(link.startsWith(`${app.baseUrl}/setup/`)).toBe(true)
  })

  it('serves the home page with no WCAG 2.2 AA violations', async () => {
    const page = await browser.newPage({ baseURL: app.baseUrl })
    await visit(page, '/')
    await expect(page.title()).resolves.not.toBe('')
    expect(await page.locator('h1').count()).toBeGreaterThan(0)
  })
})
