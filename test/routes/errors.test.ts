import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, createPartnership, createPerson, signIn, type Agent, type TestApp } from '../support/app'

let t: TestApp
let admin: Agent
beforeAll(async () => {
  t = await buildTestApp()
  admin = await signIn(t, await createPerson(t, await createPartnership(t, 'P'), ['administrator']))
}, 60_000)
afterAll(async () => t.close())

describe('error pages and headers', () => {
  it('answers an unknown address with the 404 page', async () => {
    const res = await admin.get('/no-such-page').expect(404)
    expect(res.text).toContain('Page not found')
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
