import { existsSync } from 'node:fs'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createPartnership, createPerson, signIn, type Agent, type TestApp } from '../../test/support/app'

let t: TestApp
let admin: Agent
beforeAll(async () => {
  // The stylesheet and scripts are built into public/ (npm start, the e2e run); build them if missing.
  if (!existsSync('public/stylesheets/application.css')) (await import('../../scripts/build-assets')).buildAssets()
  t = await buildTestApp()
  admin = await signIn(t, await createPerson(t, await createPartnership(t, 'P'), ['administrator']))
}, 60_000)
afterAll(async () => t.close())

describe('error pages and headers', () => {
  it('answers an unknown address with the 404 page', async () => {
    const res = await admin.get('/no-such-page').expect(404)
    expect(res.text).toContain('Page not found')
  })

  it('answers every asset a rendered page links to, and uses our own icon, not GOV.UK’s', async () => {
    for (const page of [await request(t.app).get('/sign-in'), await admin.get('/'), await admin.get('/no-such-page')]) {
      const links = [...page.text.matchAll(/<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((u) => u.startsWith('/'))
      expect(links).toContain('/assets/images/icon.svg')
      expect(page.text).not.toMatch(/govuk-icon|manifest\.json|favicon\.ico|crown/i)
      for (const link of links) {
        const res = await request(t.app).get(link)
        expect(res.status, link).toBe(200)
      }
    }
    const icon = await request(t.app).get('/assets/images/icon.svg').expect(200)
    expect(icon.headers['content-type']).toContain('image/svg+xml')
    await request(t.app).get('/favicon.ico').expect(301).expect('Location', '/assets/images/icon.svg')
    await request(t.app).get('/assets/manifest.json').expect(404)
  })

  it('sends security headers with a fresh CSP nonce', async () => {
    const a = await request(t.app).get('/sign-in')
    const b = await request(t.app).get('/sign-in')
    const nonce = (h: string) => /'nonce-([^']+)'/.exec(h)?.[1]
    expect(a.headers['content-security-policy']).toContain("default-src 'self'")
    expect(nonce(a.headers['content-security-policy']!)).toBeTruthy()
    expect(nonce(a.headers['content-security-policy']!)).not.toBe(nonce(b.headers['content-security-policy']!))
    expect(a.headers['x-content-type-options']).toBe('nosniff')
    expect(a.headers['x-powered-by']).toBeUndefined()
  })

  it('shows the 500 page, never a stack trace, and /health reports the database', async () => {
    await request(t.app).get('/health').expect(200, { status: 'ok', database: 'ok' })
    await t.handle.close()
    const res = await admin.get('/agencies')
    expect(res.status).toBe(500)
    expect(res.text).toContain('Sorry, there is a problem with the service')
    expect(res.text).not.toMatch(/at .*\.ts:\d+/)
    await request(t.app).get('/health').expect(503)
  })
})
