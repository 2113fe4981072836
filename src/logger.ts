import pino from 'pino'

/** Structured logs with personal data and secrets redacted wherever they appear. */
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: [
        'password', '*.password', 'email', '*.email', 'token', '*.token', 'secret', '*.secret', 'code', '*.code',
        'req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]', 'body', '*.body',
      ],
      censor: '[redacted]',
    },
  })
}

export type Logger = ReturnType<typeof createLogger>
