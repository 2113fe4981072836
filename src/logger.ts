import pino from 'pino'

/** Keys whose values are never logged, at any depth (compared lower-case, without - or _). */
const SECRET_KEY =
  /password|passcode|secret|token|email|cookie|authorization|csrf|totp|^otp$|^code$|^confirm$|^body$|^databaseurl$|^connectionstring$/
const EMAIL = /[^\s@"'<>()[\]{},;:]+@[^\s@"'<>()[\]{},;:]+\.[a-z]{2,}/gi
const REDACTED = '[redacted]'
const MAX_DEPTH = 8

/** PostgreSQL (pg) and PGlite errors: a five-character SQLSTATE and the server's own fields. */
function isDatabaseError(e: Error): e is Error & Record<string, unknown> & { code: string } {
  const r = e as unknown as Record<string, unknown>
  return (
    typeof r.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(r.code) &&
    ('severity' in r || 'routine' in r || e.constructor.name === 'DatabaseError')
  )
}

/** Emails are removed from free text: error messages often quote what was sent. */
export function scrubText(text: string): string {
  return text.replace(EMAIL, '[redacted email]')
}

/**
 * An error as it may be logged. A database error's message and detail quote the values of the
 * query (an email in a duplicate-key error, a bad id in a syntax error), so only its code and the
 * names of the constraint, table and column are kept. Other errors keep their message and stack,
 * with any email address removed.
 */
export function serializeError(e: Error, depth = 0): Record<string, unknown> {
  const stackFrames = (e.stack ?? '').split('\n').slice(1).join('\n')
  if (isDatabaseError(e)) {
    const out: Record<string, unknown> = { type: e.constructor.name, code: e.code, message: `database error ${e.code}` }
    for (const key of ['constraint', 'table', 'column', 'dataType', 'routine', 'severity'] as const) {
      if (typeof e[key] === 'string') out[key] = e[key]
    }
    const constraint = e.constraint
    const message =
      typeof constraint === 'string' && constraint !== ''
        ? `database error ${e.code} (${constraint})`
        : `database error ${e.code}`
    out.message = message
    out.stack = `${e.constructor.name}: ${message}\n${stackFrames}`
    return out
  }
  const out: Record<string, unknown> = {
    type: e.constructor.name,
    message: scrubText(e.message),
    stack: scrubText(e.stack ?? ''),
  }
  for (const [key, value] of Object.entries(e)) {
    if (key === 'message' || key === 'stack') continue
    // An error's own `code` is a kind of error (ENOENT, EBADCSRFTOKEN), not a sign-in code.
    out[key] =
      key === 'code' && typeof value === 'string' && !/^\d{6,8}$/.test(value)
        ? value
        : redact(value, depth + 1, new WeakSet(), key)
  }
  if (e.cause instanceof Error && depth < MAX_DEPTH) out.cause = serializeError(e.cause, depth + 1)
  return out
}

/** A copy of a value with secrets and personal data removed at any depth. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>(), key?: string): unknown {
  if (key !== undefined && SECRET_KEY.test(key.toLowerCase().replace(/[-_]/g, ''))) return REDACTED
  if (typeof value === 'string') return scrubText(value)
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Error) return serializeError(value, depth)
  if (value instanceof Date) return value
  if (depth >= MAX_DEPTH) return '[too deep]'
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen))
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = redact(v, depth + 1, seen, k)
  return out
}

/**
 * Structured logs with personal data and secrets removed wherever they appear: emails, passwords,
 * tokens, TOTP secrets and codes are redacted by key at any depth, email addresses are removed from
 * any text (the message included), and database errors are logged by code and constraint name only.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level,
    // Errors are already made safe by formatters.log (serializeError); pino's own serializer would redo it.
    serializers: { err: (e: unknown) => e },
    formatters: {
      log: (object) => {
        const out: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(object)) {
          out[k] =
            k === 'err' || k === 'error'
              ? v instanceof Error
                ? serializeError(v)
                : redact(v, 1)
              : redact(v, 1, new WeakSet(), k)
        }
        return out
      },
    },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>)
      },
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

export type Logger = ReturnType<typeof createLogger>
