import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema'

type Db = Kysely<Database>

export async function insertToken(
  db: Db,
  t: {
    kind: 'setup' | 'password-reset'
    tokenHash: string
    partnershipId: string | null
    personId: string | null
    expiresAt: Date
  },
  now: Date,
): Promise<void> {
  await db
    .insertInto('one_time_tokens')
    .values({
      kind: t.kind,
      token_hash: t.tokenHash,
      partnership_id: t.partnershipId,
      person_id: t.personId,
      expires_at: t.expiresAt,
      created_at: now,
    })
    .execute()
}

export async function findLiveToken(db: Db, kind: 'setup' | 'password-reset', tokenHash: string, now: Date) {
  return db
    .selectFrom('one_time_tokens')
    .selectAll()
    .where('kind', '=', kind)
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
}

/** Marks a token used; false if someone else used it first. */
export async function useToken(db: Db, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function revokeTokens(
  db: Db,
  kind: 'setup' | 'password-reset',
  personId: string | null,
  now: Date,
): Promise<void> {
  let q = db.updateTable('one_time_tokens').set({ used_at: now }).where('kind', '=', kind).where('used_at', 'is', null)
  q = personId ? q.where('person_id', '=', personId) : q
  await q.execute()
}

export async function getThrottle(db: Db, key: string) {
  return db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst()
}

/**
 * Counts one failed attempt against a key in a single statement, so attempts arriving together are
 * all counted: a window older than `windowStart` starts again at 1, and reaching `limit` locks the
 * key until `lockUntil`. Returns the count and the lock.
 */
export async function countFailure(
  db: Db,
  key: string,
  a: { now: Date; windowStart: Date; limit: number; lockUntil: Date },
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const fresh = sql<boolean>`sign_in_throttle.window_started_at <= ${a.windowStart}`
  const next = sql<number>`(case when ${fresh} then 1 else sign_in_throttle.failures + 1 end)`
  const row = await db
    .insertInto('sign_in_throttle')
    .values({ key, failures: 1, window_started_at: a.now, locked_until: a.limit <= 1 ? a.lockUntil : null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: next,
        window_started_at: sql<Date>`(case when ${fresh} then ${a.now}::timestamptz else sign_in_throttle.window_started_at end)`,
        locked_until: sql<Date | null>`(case when ${next} >= ${a.limit} then ${a.lockUntil}::timestamptz else sign_in_throttle.locked_until end)`,
      }),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow()
  return { failures: row.failures, lockedUntil: row.locked_until }
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
}

export async function deleteSessionsOf(db: Db, personId: string): Promise<void> {
  await db.deleteFrom('sessions').where('person_id', '=', personId).execute()
}
