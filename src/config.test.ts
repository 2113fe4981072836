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

  it('takes the idle time-out in half minutes, and refuses a warning as long as the time-out', () => {
    expect(loadConfig({ SESSION_IDLE_MINUTES: '0.5', SESSION_WARNING_SECONDS: '25' }).sessionIdleMs).toBe(30_000)
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0.7' })).toThrow(/SESSION_IDLE_MINUTES/)
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '1', SESSION_WARNING_SECONDS: '60' })).toThrow(
      /SESSION_WARNING_SECONDS: must be shorter than SESSION_IDLE_MINUTES/,
    )
  })

  it('lists a missing production session secret with the other problems', () => {
    try {
      loadConfig({ NODE_ENV: 'production', PORT: 'abc', DATABASE_URL: 'mysql://x' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const problems = (e as ConfigError).problems
      expect(problems).toHaveLength(3)
      expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true)
      expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true)
      expect(problems.some((p) => p.startsWith('SESSION_SECRET: required in production'))).toBe(true)
    }
  })

  it('reads the sign-in limit per IP address and the warning lead time', () => {
    const c = loadConfig({})
    expect(c.signInIpLimit).toBe(50)
    expect(c.sessionWarningMs).toBe(120_000)
    const d = loadConfig({ SIGN_IN_IP_LIMIT: '200', SESSION_WARNING_SECONDS: '30' })
    expect(d.signInIpLimit).toBe(200)
    expect(d.sessionWarningMs).toBe(30_000)
    expect(() => loadConfig({ SIGN_IN_IP_LIMIT: '2' })).toThrow(/SIGN_IN_IP_LIMIT/)
  })

  it('refuses to start in production without a session secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/)
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40) })
    expect(c.secureCookies).toBe(true)
  })

  it('reads the mail server and the From address, and works without a mail server', () => {
    const none = loadConfig({})
    expect(none.smtpUrl).toBeUndefined()
    expect(none.mailFrom).toBe('JTAI Ready <no-reply@localhost>')
    expect(loadConfig({ SMTP_URL: '' }).smtpUrl).toBeUndefined()
    const c = loadConfig({
      SMTP_URL: 'smtps://jtai:pass@mail.example.org:465',
      MAIL_FROM: 'Partnership <jtai@example.org>',
    })
    expect(c.smtpUrl).toBe('smtps://jtai:pass@mail.example.org:465')
    expect(c.mailFrom).toBe('Partnership <jtai@example.org>')
    expect(loadConfig({ SMTP_URL: 'smtp://localhost:2525', MAIL_FROM: 'jtai@example.org' }).mailFrom).toBe(
      'jtai@example.org',
    )
  })

  it('lists a bad SMTP_URL or MAIL_FROM with every other problem, without quoting a password', () => {
    for (const bad of [
      'http://mail.example.org',
      'mail.example.org:25',
      'smtp://',
      'smtp://host:70000',
      'smtp://host/path',
    ]) {
      expect(() => loadConfig({ SMTP_URL: bad }), bad).toThrow(
        /SMTP_URL: must be smtp:\/\/host:port or smtps:\/\/host:port/,
      )
    }
    for (const bad of ['no-reply', 'JTAI <no-reply@example.org', 'a@b@c.org', '<>']) {
      expect(() => loadConfig({ MAIL_FROM: bad }), bad).toThrow(/MAIL_FROM: must be an email address/)
    }
    try {
      loadConfig({ PORT: 'eighty', SMTP_URL: 'imap://user:hunter2-secret@mail.example.org', MAIL_FROM: 'nobody' })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const problems = (e as ConfigError).problems
      expect(problems).toHaveLength(3)
      expect(problems.some((p) => p.startsWith('SMTP_URL:'))).toBe(true)
      expect(problems.some((p) => p.startsWith('MAIL_FROM:'))).toBe(true)
      expect((e as Error).message).not.toContain('hunter2-secret')
    }
  })
})
