import { sql, type Kysely } from 'kysely'
import { GENESIS_HASH, hashEvent, type ChainedEvent } from '../domain/auditChain'
import type { Actor } from '../shared/scope'
import type { AuditEventRow, Database } from './schema'
import { isUuid } from '../shared/ids'

export interface AuditInput {
  action: string
  entityType: string
  entityId?: string | null
  summary: string
  details?: Record<string, unknown>
}

/**
 * Appends one event to the partnership's hash chain. Call inside the transaction that makes the
 * change. Locks the partnership row so two writers cannot take the same sequence number: FOR NO KEY
 * UPDATE, not FOR UPDATE, which would also wait for the key-share lock every foreign-key check on
 * the partnership takes, so that two changes inserting the partnership's rows at once deadlocked.
 */
export async function appendAuditEvent(
  trx: Kysely<Database>,
  actor: Actor,
  input: AuditInput,
  now: Date,
): Promise<void> {
  await trx
    .selectFrom('partnerships')
    .select('id')
    .where('id', '=', actor.partnershipId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow()
  const last = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('partnership_id', '=', actor.partnershipId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const event: ChainedEvent = {
    partnershipId: actor.partnershipId,
    seq: (last?.seq ?? 0) + 1,
    occurredAt: now,
    actorId: actor.personId,
    actorName: actor.name,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    summary: input.summary,
    details: input.details ?? {},
    prevHash: last?.hash ?? GENESIS_HASH,
  }
  await trx
    .insertInto('audit_events')
    .values({
      partnership_id: event.partnershipId,
      seq: event.seq,
      occurred_at: event.occurredAt,
      actor_id: event.actorId,
      actor_name: event.actorName,
      action: event.action,
      entity_type: event.entityType,
      entity_id: event.entityId,
      summary: event.summary,
      details: JSON.stringify(event.details),
      prev_hash: event.prevHash,
      hash: hashEvent(event),
    })
    .execute()
}

export function toChained(row: AuditEventRow): ChainedEvent & { hash: string } {
  return {
    partnershipId: row.partnership_id,
    seq: row.seq,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    summary: row.summary,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** Reads a partnership's chain in order, a page at a time so memory stays flat on long chains. */
/** The stored hash of one event, or undefined if there is no such event. */
export async function eventHash(db: Kysely<Database>, partnershipId: string, seq: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('hash')
    .where('partnership_id', '=', partnershipId)
    .where('seq', '=', seq)
    .executeTakeFirst()
  return row?.hash
}

export async function* readChain(
  db: Kysely<Database>,
  partnershipId: string,
  pageSize = 1000,
): AsyncGenerator<AuditEventRow> {
  let after = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('partnership_id', '=', partnershipId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute()
    yield* rows
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]!.seq
  }
}

export interface AuditFilter {
  action?: string | undefined
  entityType?: string | undefined
  actorId?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
}

export async function listAuditEvents(
  db: Kysely<Database>,
  partnershipId: string,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: AuditEventRow[]; total: number }> {
  let q = db.selectFrom('audit_events').where('partnership_id', '=', partnershipId)
  if (filter.action) q = q.where('action', '=', filter.action)
  if (filter.entityType) q = q.where('entity_type', '=', filter.entityType)
  if (filter.actorId) {
    // A person id that is not a uuid matches nobody (and must not reach a uuid column).
    if (!isUuid(filter.actorId)) return { rows: [], total: 0 }
    q = q.where('actor_id', '=', filter.actorId)
  }
  if (filter.from) q = q.where('occurred_at', '>=', filter.from)
  if (filter.to) q = q.where('occurred_at', '<', filter.to)
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('seq', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: total.n }
}

export async function distinctAuditValues(
  db: Kysely<Database>,
  partnershipId: string,
): Promise<{ actions: string[]; entityTypes: string[] }> {
  const actions = await db
    .selectFrom('audit_events')
    .select('action')
    .distinct()
    .where('partnership_id', '=', partnershipId)
    .orderBy('action')
    .execute()
  const types = await db
    .selectFrom('audit_events')
    .select('entity_type')
    .distinct()
    .where('partnership_id', '=', partnershipId)
    .orderBy('entity_type')
    .execute()
  return { actions: actions.map((a) => a.action), entityTypes: types.map((t) => t.entity_type) }
}
