import { sql, type Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { AGE_BANDS, type RegisterChild, type RegisterFilter } from '../annexA/repository'

type Db = Kysely<Database>

// The register reads Annex A's accepted children (annex_a_children, written by the annexA capability).
// Every function takes the partnership id first: another partnership's children are simply not there.

export interface RegisterQuery extends RegisterFilter {
  /** A Child Unique ID, whole or its first characters (any case); blank for every child. */
  childId?: string | undefined
}

/** `like` treats % and _ (and the escape character) as patterns: a typed ID means only itself. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function registerQuery(db: Db, partnershipId: string, filter: RegisterQuery, refDate: string) {
  let q = db
    .selectFrom('annex_a_children')
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('child_id', 'is not', null)
    .groupBy('child_id')
  const search = filter.childId?.trim()
  if (search) q = q.where(sql<boolean>`lower(child_id) like ${likePrefix(search.toLowerCase())} escape '\\'`)
  if (filter.list) q = q.having(sql<boolean>`bool_or(list = ${filter.list})`)
  if (filter.legalStatus) q = q.having(sql<boolean>`bool_or(legal_status = ${filter.legalStatus})`)
  if (filter.ethnicity) q = q.having(sql<boolean>`bool_or(ethnicity = ${filter.ethnicity})`)
  if (filter.disability) q = q.having(sql<boolean>`bool_or(disability = ${filter.disability})`)
  if (filter.theme) q = q.having(sql<boolean>`bool_or(theme)`)
  if (filter.ageBand === 'unknown') q = q.having(sql<boolean>`max(dob) is null`)
  else if (filter.ageBand) {
    const [lo, hi] = AGE_BANDS[filter.ageBand]
    q = q.having(sql<boolean>`date_part('year', age(cast(${refDate} as date), max(dob))) between ${lo} and ${hi}`)
  }
  return q
}

/**
 * Children across every current list, one row per Child Unique ID, a page at a time. Searching by
 * ID finds the ID itself first, then the IDs that start with it. IDs sort as numbers where they are
 * numbers (2 before 10), then as text, with a trailing number compared as a number (C2 before C10).
 */
export async function listRegister(
  db: Db,
  partnershipId: string,
  filter: RegisterQuery,
  refDate: string,
  page: { limit: number; offset: number },
): Promise<{ rows: RegisterChild[]; total: number }> {
  const base = registerQuery(db, partnershipId, filter, refDate)
  const search = filter.childId?.trim().toLowerCase()
  let q = base.select([
    sql<string>`child_id`.as('child_id'),
    // The opaque id the child's page is reached by: never the child's own id.
    sql<string>`(array_agg(id order by list, row))[1]`.as('row_id'),
    sql<string[]>`array_agg(distinct list)`.as('lists'),
    sql<string | null>`max(dob)`.as('dob'),
    sql<number | null>`date_part('year', age(cast(${refDate} as date), max(dob)))::int`.as('age'),
    sql<string | null>`max(sex)`.as('sex'),
    sql<string | null>`max(ethnicity)`.as('ethnicity'),
    sql<string | null>`max(disability)`.as('disability'),
    sql<string | null>`max(legal_status)`.as('legal_status'),
    sql<string | null>`min(event_date)`.as('first_event'),
    sql<string | null>`max(event_date)`.as('latest_event'),
  ])
  if (search) q = q.orderBy(sql`lower(child_id) = ${search}`, (ob) => ob.desc())
  const rows = await q
    // The text before any trailing number ('' for a digits-only ID, so numbers come first) …
    .orderBy(sql`regexp_replace(child_id, '[0-9]+$', '')`)
    // … then that number as a number, then the ID as written (so '007' and '7' keep one order).
    .orderBy(sql`cast(substring(child_id from '([0-9]+)$') as numeric)`)
    .orderBy('child_id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  const total = await db
    .selectFrom(base.select(sql<string>`child_id`.as('child_id')).as('c'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return {
    rows: rows.map((r) => ({
      ...r,
      dob: dateText(r.dob),
      first_event: dateText(r.first_event),
      latest_event: dateText(r.latest_event),
    })),
    total: total.n,
  }
}

function dateText(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return value.slice(0, 10)
}
