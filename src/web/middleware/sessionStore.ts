import session from 'express-session'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'

/** How long a session with nobody signed in is kept (longer than a sign-in's 10 minutes to finish). */
export const SIGNED_OUT_TTL_MS = 30 * 60_000

/**
 * express-session's store in our own database, so sign-out and disabling a person end sessions on
 * the server, and sessions survive a restart.
 */
export class DatabaseSessionStore extends session.Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly defaultTtlMs: number,
  ) {
    super()
  }

  // Expiry follows the injected clock, not the cookie's own date, so tests on a fake clock behave
  // like production. The auth middleware enforces the idle and absolute limits precisely. A session
  // with nobody signed in only carries a sign-in form's token, a sign-in half done or a message, so
  // it is kept briefly: a signed-out page view does not leave a row for hours.
  private expiry(data: session.SessionData): Date {
    const ttl = data.personId ? this.defaultTtlMs : Math.min(this.defaultTtlMs, SIGNED_OUT_TTL_MS)
    return new Date(this.clock.now().getTime() + ttl)
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select('data')
      .where('sid', '=', sid)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst()
      .then((row) => cb(null, row ? (row.data as unknown as session.SessionData) : null), cb)
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    const values = {
      sid,
      person_id: data.personId ?? null,
      data: JSON.stringify(data),
      expires_at: this.expiry(data),
      created_at: this.clock.now(),
    }
    this.db
      .insertInto('sessions')
      .values(values)
      .onConflict((oc) =>
        oc.column('sid').doUpdateSet({ person_id: values.person_id, data: values.data, expires_at: values.expires_at }),
      )
      .execute()
      .then(
        () => cb?.(),
        (e: unknown) => cb?.(e),
      )
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(
        () => cb?.(),
        (e: unknown) => cb?.(e),
      )
  }

  override touch(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    this.db
      .updateTable('sessions')
      .set({ expires_at: this.expiry(data) })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => cb?.(),
        (e: unknown) => cb?.(e),
      )
  }

  /** Removes expired sessions; run periodically. */
  async prune(): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', this.clock.now()).execute()
  }
}
