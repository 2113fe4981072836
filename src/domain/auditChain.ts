import { createHash } from 'node:crypto'

/** The hash the first event of a partnership's chain points back to. */
export const GENESIS_HASH = '0'.repeat(64)

export interface ChainedEvent {
  partnershipId: string
  seq: number
  occurredAt: Date
  actorId: string | null
  actorName: string | null
  action: string
  entityType: string
  entityId: string | null
  summary: string
  details: Record<string, unknown>
  prevHash: string
}

/** JSON with object keys sorted, so the hash does not depend on how the database orders jsonb keys. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** SHA-256 of an event's content and the previous event's hash. */
export function hashEvent(e: ChainedEvent): string {
  const content = canonicalJson({
    partnershipId: e.partnershipId,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    summary: e.summary,
    details: e.details,
    prevHash: e.prevHash,
  })
  return createHash('sha256').update(content).digest('hex')
}

/** On success, `head` is the newest event's hash (null for an empty chain), for anchoring the chain outside the database. */
export type ChainCheck =
  { ok: true; count: number; head: string | null } | { ok: false; count: number; brokenAt: number; reason: string }

/**
 * Checks a chain one event at a time, in sequence order, so any length can be verified in flat
 * memory. Reports the first event whose link or content does not match.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH
  private expectedSeq = 1
  private failure: ChainCheck | undefined

  /** Returns false once the chain is broken; later events are ignored. */
  push(e: ChainedEvent & { hash: string }): boolean {
    if (this.failure) return false
    const count = this.expectedSeq - 1
    if (e.seq !== this.expectedSeq)
      this.failure = { ok: false, count, brokenAt: this.expectedSeq, reason: `event ${this.expectedSeq} is missing` }
    else if (e.prevHash !== this.prev)
      this.failure = { ok: false, count, brokenAt: e.seq, reason: 'it does not point to the event before it' }
    else if (hashEvent(e) !== e.hash)
      this.failure = { ok: false, count, brokenAt: e.seq, reason: 'its content has changed since it was written' }
    if (this.failure) return false
    this.prev = e.hash
    this.expectedSeq += 1
    return true
  }

  result(): ChainCheck {
    return this.failure ?? { ok: true, count: this.expectedSeq - 1, head: this.expectedSeq > 1 ? this.prev : null }
  }
}
