import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config'

describe('loadConfig', () => {
  it('has working defaults for a first start', () => {
    const c = loadConfig({})
    expect(c.port).toBe(3000)
    expect(c.baseUrl).toBe('http://localhost:3000')
    expect(c.databaseUrl).toBeUndefined()
    expect(c.sessionIdleMs).toBe(30 * 60_000)
    expect(c.sessionAbsoluteMs).toBe(12 * 3_600_000)
    expect(c.maxUploadBytes).toBe(100 * 1024 * 1024)
    expect(c.sessionSecret).toHaveLength(64)
  })

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SESSION_IDLE_MINUTES: '0' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const problems = (e as ConfigError).problems
      expect(problems).toHaveLength(3)
      expect((e as Error).message).toContain('DATABASE_URL: must start with postgres://')
      expect((e as Error).message).toContain('See .env.example')
    }
  })

  it('refuses to start in production without a session secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/)
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40) })
    expect(c.secureCookies).toBe(true)
  })
})
