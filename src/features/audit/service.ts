import type { Kysely } from 'kysely'
import { ChainVerifier, type ChainCheck } from '../../domain/auditChain'
import {
  distinctAuditValues,
  eventHash,
  listAuditEvents,
  readChain,
  toChained,
  type AuditFilter,
} from '../../db/auditLog'
import type { Database } from '../../db/schema'
import type { Scope } from '../../shared/scope'

export interface AuditServiceDeps {
  db: Kysely<Database>
}

export function createAuditService({ db }: AuditServiceDeps) {
  async function verify(partnershipId: string): Promise<ChainCheck> {
    const verifier = new ChainVerifier()
    for await (const row of readChain(db, partnershipId)) {
      if (!verifier.push(toChained(row))) break
    }
    return verifier.result()
  }

  return {
    verify,

    /** Recomputes every partnership's chain. */
    async verifyAll(): Promise<{ partnershipId: string; name: string; result: ChainCheck }[]> {
      const partnerships = await db.selectFrom('partnerships').select(['id', 'name']).orderBy('created_at').execute()
      const out = []
      for (const p of partnerships) out.push({ partnershipId: p.id, name: p.name, result: await verify(p.id) })
      return out
    },

    /** The stored hash of event `seq` in a partnership's chain (for checking an anchor), or undefined. */
    eventHash: (partnershipId: string, seq: number): Promise<string | undefined> => eventHash(db, partnershipId, seq),

    async list(scope: Scope, filter: AuditFilter, page: { limit: number; offset: number }) {
      return listAuditEvents(db, scope.partnershipId, filter, page)
    },

    async filterOptions(scope: Scope) {
      return distinctAuditValues(db, scope.partnershipId)
    },
  }
}
