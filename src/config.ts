import { resolve } from 'node:path'
import { z } from 'zod'

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // Whole minutes in practice; tests use 0.5 so the browser test of the time-out waits less.
  SESSION_IDLE_MINUTES: z.coerce.number().min(0.5).max(240).multipleOf(0.5).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24).default(12),
  // How long before the session ends the warning appears. Tests shorten it; people rarely need to.
  SESSION_WARNING_SECONDS: z.coerce.number().int().min(5).max(600).default(120),
  // Failed sign-ins allowed from one IP address in 15 minutes (many people may share an office's address).
  SIGN_IN_IP_LIMIT: z.coerce.number().int().min(5).max(10_000).default(50),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(2048).default(100),
  SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  // The mail server; without it emails are kept in the outbox. Messages never quote the value (it may hold a password).
  SMTP_URL: z
    .string()
    .refine(
      isSmtpUrl,
      'must be smtp://host:port or smtps://host:port (user and password optional: smtp://user:password@host:587)',
    )
    .optional(),
  MAIL_FROM: z
    .string()
    .refine(isMailbox, 'must be an email address, with a name if you like: JTAI Ready <no-reply@example.org>')
    .default('JTAI Ready <no-reply@localhost>'),
})

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  baseUrl: string
  dataDir: string
  databaseUrl: string | undefined
  sessionSecret: string
  sessionIdleMs: number
  sessionAbsoluteMs: number
  sessionWarningMs: number
  signInIpLimit: number
  logLevel: string
  maxUploadBytes: number
  secureCookies: boolean
  /** smtp:// or smtps://; undefined when no mail server is configured (emails wait in the outbox). */
  smtpUrl: string | undefined
  /** The From of every email: "JTAI Ready <no-reply@example.org>". */
  mailFrom: string
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The configuration has ${problems.length === 1 ? 'a problem' : 'problems'}:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`,
    )
  }
}

/**
 * Reads every setting from the environment once. Throws ConfigError listing all problems, so an
 * operator fixes them in one go rather than one start-up at a time.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env)
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
  // Checked on the raw value too, so it is listed with every other problem rather than after them.
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required in production (at least 32 random characters, e.g. `openssl rand -hex 32`)')
  }
  if (parsed.success && parsed.data.SESSION_WARNING_SECONDS * 1000 >= parsed.data.SESSION_IDLE_MINUTES * 60_000) {
    problems.push(
      'SESSION_WARNING_SECONDS: must be shorter than SESSION_IDLE_MINUTES, or the warning would show as soon as a page loads',
    )
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems)
  const c = parsed.data
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST,
    baseUrl: (c.BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ''),
    dataDir: resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    // Outside production a per-process secret is fine: sessions simply end when the app restarts.
    sessionSecret: c.SESSION_SECRET ?? randomSecret(),
    sessionIdleMs: c.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: c.SESSION_ABSOLUTE_HOURS * 3_600_000,
    sessionWarningMs: c.SESSION_WARNING_SECONDS * 1000,
    signInIpLimit: c.SIGN_IN_IP_LIMIT,
    logLevel: c.LOG_LEVEL,
    maxUploadBytes: c.MAX_UPLOAD_MB * 1024 * 1024,
    secureCookies: c.SECURE_COOKIES ? c.SECURE_COOKIES === 'true' : c.NODE_ENV === 'production',
    smtpUrl: c.SMTP_URL === '' ? undefined : c.SMTP_URL,
    mailFrom: c.MAIL_FROM.trim(),
  }
}

/** smtp:// or smtps:// with a host and, if given, a port from 1 to 65535; an empty value means none. */
function isSmtpUrl(value: string): boolean {
  if (value === '') return true
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return false
  if (url.hostname === '') return false
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > 65535)) return false
  return url.pathname === '' || url.pathname === '/'
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i

/** "no-reply@example.org" or "JTAI Ready <no-reply@example.org>" (a plain name: no <, >, @ or quotes in it). */
function isMailbox(value: string): boolean {
  const v = value.trim()
  const named = /^([^<>@"]*)<([^<>]+)>$/.exec(v)
  return named ? ADDRESS.test(named[2]!.trim()) : ADDRESS.test(v)
}

function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')
}
