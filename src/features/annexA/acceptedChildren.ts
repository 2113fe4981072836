import type { Kysely } from 'kysely'
import type { AcceptedChild } from '../../domain/annexA'
import type { Database } from '../../db/schema'

/**
 * The children on the partnership's currently accepted Annex A lists, one entry per list, child,
 * date of birth and sex (read-only), for the validator's cross-list rules. Rows without a child id
 * (lists of adults) are left out. Takes the partnership id first, as every repository function does.
 */
export async function acceptedChildren(db: Kysely<Database>, partnershipId: string): Promise<AcceptedChild[]> {
  const rows = await db
    .selectFrom('annex_a_children')
    .select(['list', 'child_id', 'dob', 'sex'])
    .distinct()
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('child_id', 'is not', null)
    .execute()
  const out: AcceptedChild[] = []
  for (const r of rows) {
    if (r.child_id === null) continue
    out.push({ list: r.list, childId: r.child_id, dob: dateText(r.dob), sex: r.sex })
  }
  return out
}

/** DATE columns come back as 'YYYY-MM-DD' text, or a Date on some driver paths; always text here. */
function dateText(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return value.slice(0, 10)
}
