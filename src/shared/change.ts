import type { Kysely } from 'kysely'
import { appendAuditEvent, type AuditInput } from '../db/auditLog'
import type { Database } from '../db/schema'
import type { Clock } from '../domain/clock'
import type { Actor } from './scope'

export interface Change<T> {
  result: T
  audit: AuditInput | AuditInput[]
}

/**
 * Runs one user action in one transaction and writes its audit events inside it, so a change and
 * its record stand or fall together.
 */
export async function change<T>(
  db: Kysely<Database>,
  clock: Clock,
  actor: Actor | ((result: T) => Actor),
  work: (trx: Kysely<Database>, now: Date) => Promise<Change<T>>,
): Promise<T> {
  const now = clock.now()
  return db.transaction().execute(async (trx) => {
    const { result, audit } = await work(trx, now)
    const who = typeof actor === 'function' ? actor(result) : actor
    for (const event of Array.isArray(audit) ? audit : [audit]) await appendAuditEvent(trx, who, event, now)
    return result
  })
}
