import type { Kysely } from 'kysely'
import type { Database } from '../schema'

type Db = Kysely<Database>

export async function insertToken(
  db: Db,
  t: { kind: 'setup' | 'password-reset'; tokenHash: string; partnershipId: string | null; personId: string | null; expiresAt: Date },
  now: Date,
): Promise<void> {
  await db
    .insertInto('one_time_tokens')
    .values({ kind: t.kind, token_hash: t.tokenHash, partnership_id: t.partnershipId, person_id: t.personId, expires_at: t.expiresAt, created_at: now })
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
  const r = await db.updateTable('one_time_tokens').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function revokeTokens(db: Db, kind: 'setup' | 'password-reset', personId: string | null, now: Date): Promise<void> {
  let q = db.updateTable('one_time_tokens').set({ used_at: now }).where('kind', '=', kind).where('used_at', 'is', null)
  q = personId ? q.where('person_id', '=', personId) : q
  await q.execute()
}

export async function getThrottle(db: Db, key: string) {
  return db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst()
}

export async function putThrottle(db: Db, row: { key: string; failures: number; windowStartedAt: Date; lockedUntil: Date | null }): Promise<void> {
  await db
    .insertInto('sign_in_throttle')
    .values({ key: row.key, failures: row.failures, window_started_at: row.windowStartedAt, locked_until: row.lockedUntil })
    .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_started_at: row.windowStartedAt, locked_until: row.lockedUntil }))
    .execute()
}

export async function clearThrottle(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
}

export async function deleteSessionsOf(db: Db, personId: string): Promise<void> {
  await db.deleteFrom('sessions').where('person_id', '=', personId).execute()
}
