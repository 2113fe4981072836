import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestPglite } from '../test/support/pglite'
import type { DatabaseHandle } from './db/database'
import * as repo from './features/directory/repository'
import { createLogger } from './logger'

/** A logger writing JSON lines into memory, as production writes them to stdout. */
function capture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'))
      done()
    },
  })
  const logger = createLogger('info', stream)
  return {
    logger,
    text: () => lines.join(''),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  }
}

const EMAIL = 'ada.lovelace@example.org'
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

describe('log redaction', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await openTestPglite()
  }, 60_000)
  afterAll(async () => handle.close())

  it('redacts emails, passwords, tokens, TOTP secrets and codes at any depth', () => {
    const { logger, text, records } = capture()
    logger.info(
      {
        email: EMAIL,
        deep: {
          a: { email: EMAIL, b: { c: { password: 'orange piano lantern river', totpSecret: SECRET, code: '123456' } } },
        },
        list: [{ token: 'tok-abcdef-123456', person: { Email: EMAIL } }],
        req: {
          headers: { cookie: 'jtai.sid=s%3Aabc', authorization: 'Bearer xyz' },
          body: { _csrf: 'csrf-value', password: 'pw' },
        },
        session_secret: 'not-in-logs-please',
        note: `sent to ${EMAIL} today`,
        route: '/people/:id',
        status: 400,
      },
      `message about ${EMAIL}`,
    )
    const out = text()
    for (const secret of [
      EMAIL,
      'orange piano lantern river',
      SECRET,
      '123456',
      'tok-abcdef-123456',
      'jtai.sid',
      'Bearer xyz',
      'csrf-value',
      'not-in-logs-please',
    ]) {
      expect(out).not.toContain(secret)
    }
    const [record] = records()
    expect(record).toMatchObject({
      route: '/people/:id',
      status: 400,
      msg: 'message about [redacted email]',
      note: 'sent to [redacted email] today',
    })
    expect((record!.deep as { a: { b: { c: { password: string } } } }).a.b.c.password).toBe('[redacted]')
  })

  it('logs a duplicate-key database error by code and constraint, not by the email it quotes', async () => {
    const now = new Date('2026-03-02T09:00:00Z')
    const p = await handle.db.insertInto('partnerships').values({ name: 'P' }).returning('id').executeTakeFirstOrThrow()
    const person = {
      name: 'Ada',
      email: EMAIL,
      jobTitle: 'Tester',
      agencyId: null,
      roles: ['administrator' as const],
      accessEndsOn: null,
    }
    await repo.insertPerson(handle.db, p.id, person, now)
    const error = await repo.insertPerson(handle.db, p.id, person, now).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(error).toBeInstanceOf(Error)
    // The database's own message and detail carry the value: this is what must not reach the log.
    expect(`${error!.message} ${String((error as { detail?: string }).detail)}`).toContain(EMAIL)

    const { logger, text, records } = capture()
    logger.error({ err: error, method: 'POST', route: '/people' }, 'unhandled error')
    expect(text()).not.toContain(EMAIL)
    expect(text()).not.toContain('ada.lovelace')
    const err = records()[0]!.err as Record<string, unknown>
    expect(err.code).toBe('23505')
    expect(err.constraint).toMatch(/email/)
    expect(err.message).toBe(`database error 23505 (${String(err.constraint)})`)
    expect(err.detail).toBeUndefined()
    expect(String(err.stack)).toContain('database error 23505')
  })

  it('does not log the value from an invalid-input database error', async () => {
    const bad = 'not-a-uuid-0a1b2c'
    const error = await handle.db
      .selectFrom('people')
      .select('id')
      .where('id', '=', bad)
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      )
    expect(error?.message).toContain(bad)
    const { logger, text, records } = capture()
    logger.error({ err: error }, 'unhandled error')
    expect(text()).not.toContain(bad)
    expect((records()[0]!.err as Record<string, unknown>).code).toBe('22P02')
  })

  it('keeps an ordinary error’s message and code, without email addresses', () => {
    const { logger, text, records } = capture()
    const error = Object.assign(new Error(`could not send to ${EMAIL}`), { code: 'ENOENT' })
    logger.error({ err: error }, 'failed')
    expect(text()).not.toContain(EMAIL)
    expect(records()[0]!.err).toMatchObject({
      type: 'Error',
      code: 'ENOENT',
      message: 'could not send to [redacted email]',
    })
  })
})
