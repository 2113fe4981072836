import { sql, type Kysely } from 'kysely'
import type { AgencyType, Role } from '../../domain/directory'
import type { Agency, Database, Person } from '../../db/schema'
import { isUuid } from '../../shared/ids'

type Db = Kysely<Database>

// Every function takes the partnership id first: an id from another partnership is simply not found.

export async function listAgencies(
  db: Db,
  partnershipId: string,
): Promise<(Agency & { people: number; approver_name: string | null })[]> {
  return db
    .selectFrom('agencies as a')
    .leftJoin('people as ap', 'ap.id', 'a.senior_approver_id')
    .selectAll('a')
    .select('ap.name as approver_name')
    .select((eb) =>
      eb
        .selectFrom('people as p')
        .whereRef('p.agency_id', '=', 'a.id')
        .where('p.disabled_at', 'is', null)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('people'),
    )
    .where('a.partnership_id', '=', partnershipId)
    .orderBy('a.name')
    .execute() as Promise<(Agency & { people: number; approver_name: string | null })[]>
}

export async function findAgency(db: Db, partnershipId: string, id: string): Promise<Agency | undefined> {
  if (!isUuid(id)) return undefined
  return db
    .selectFrom('agencies')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function findAgencyByName(db: Db, partnershipId: string, name: string): Promise<Agency | undefined> {
  return db
    .selectFrom('agencies')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst()
}

export interface AgencyFields {
  name: string
  type: AgencyType
  isStatutory: boolean
  seniorApproverId: string | null
}

export async function insertAgency(db: Db, partnershipId: string, f: AgencyFields, now: Date): Promise<Agency> {
  return db
    .insertInto('agencies')
    .values({
      partnership_id: partnershipId,
      name: f.name,
      type: f.type,
      is_statutory: f.isStatutory,
      senior_approver_id: f.seniorApproverId,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function updateAgency(
  db: Db,
  partnershipId: string,
  id: string,
  f: AgencyFields,
  now: Date,
): Promise<void> {
  await db
    .updateTable('agencies')
    .set({
      name: f.name,
      type: f.type,
      is_statutory: f.isStatutory,
      senior_approver_id: f.seniorApproverId,
      updated_at: now,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute()
}

export type PersonWithRoles = Person & {
  roles: Role[]
  agency_name: string | null
  deputy_name: string | null
  deputy_phone: string | null
}

function personQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('people as p')
    .leftJoin('agencies as a', 'a.id', 'p.agency_id')
    .leftJoin('people as d', 'd.id', 'p.deputy_id')
    .selectAll('p')
    .select(['a.name as agency_name', 'd.name as deputy_name', 'd.phone as deputy_phone'])
    .select((eb) =>
      eb
        .selectFrom('person_roles as r')
        .whereRef('r.person_id', '=', 'p.id')
        .select(sql<Role[]>`coalesce(array_agg(r.role order by r.role), '{}')`.as('roles'))
        .as('roles'),
    )
    .where('p.partnership_id', '=', partnershipId)
}

export interface PeopleFilter {
  agencyId?: string | undefined
  role?: Role | undefined
  includeDisabled?: boolean
}

export async function listPeople(db: Db, partnershipId: string, filter: PeopleFilter = {}): Promise<PersonWithRoles[]> {
  let q = personQuery(db, partnershipId)
  if (filter.agencyId) {
    if (!isUuid(filter.agencyId)) return []
    q = q.where('p.agency_id', '=', filter.agencyId)
  }
  if (filter.role)
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('person_roles as r2').whereRef('r2.person_id', '=', 'p.id').where('r2.role', '=', filter.role!),
      ),
    )
  if (!filter.includeDisabled) q = q.where('p.disabled_at', 'is', null)
  const rows = await q.orderBy('p.name').execute()
  return rows.map(normaliseRoles)
}

export async function findPerson(db: Db, partnershipId: string, id: string): Promise<PersonWithRoles | undefined> {
  if (!isUuid(id)) return undefined
  const row = await personQuery(db, partnershipId).where('p.id', '=', id).executeTakeFirst()
  return row ? normaliseRoles(row) : undefined
}

/** Sign-in looks a person up by email across partnerships: email addresses are unique system-wide. */
export async function findPersonByEmail(db: Db, email: string): Promise<Person | undefined> {
  return db.selectFrom('people').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst()
}

export async function findPersonById(db: Db, id: string): Promise<Person | undefined> {
  if (!isUuid(id)) return undefined
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst()
}

/** A person with what a request's scope needs: their roles, their agency's type and their partnership's name. */
export type PersonForScope = Person & { roles: Role[]; agency_type: AgencyType | null; partnership_name: string }

/**
 * Everything a signed-in request's scope needs, in one query (it runs on every request): the
 * person, their roles (ordered), their agency's type and their partnership's name.
 */
export async function findPersonForScope(db: Db, id: string): Promise<PersonForScope | undefined> {
  if (!isUuid(id)) return undefined
  const row = await db
    .selectFrom('people as p')
    .innerJoin('partnerships as pa', 'pa.id', 'p.partnership_id')
    .leftJoin('agencies as a', (j) =>
      j.onRef('a.id', '=', 'p.agency_id').onRef('a.partnership_id', '=', 'p.partnership_id'),
    )
    .selectAll('p')
    .select(['a.type as agency_type', 'pa.name as partnership_name'])
    .select(
      sql<
        Role[]
      >`(select coalesce(json_agg(r.role order by r.role), '[]'::json) from person_roles r where r.person_id = p.id)`.as(
        'roles',
      ),
    )
    .where('p.id', '=', id)
    .executeTakeFirst()
  return row ? { ...row, agency_type: row.agency_type ?? null } : undefined
}

export interface PersonFields {
  name: string
  email: string
  jobTitle: string
  /** Optional: null (or '') when not given. */
  phone?: string | null
  agencyId: string | null
  roles: Role[]
  accessEndsOn: string | null
}

export async function insertPerson(db: Db, partnershipId: string, f: PersonFields, now: Date): Promise<Person> {
  const person = await db
    .insertInto('people')
    .values({
      partnership_id: partnershipId,
      agency_id: f.agencyId,
      name: f.name,
      email: f.email.toLowerCase(),
      job_title: f.jobTitle,
      phone: f.phone || null,
      access_ends_on: f.accessEndsOn,
      totp_enabled: false,
      unavailable: false,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await setRoles(db, partnershipId, person.id, f.roles)
  return person
}

export async function updatePerson(
  db: Db,
  partnershipId: string,
  id: string,
  f: PersonFields,
  now: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({
      agency_id: f.agencyId,
      name: f.name,
      email: f.email.toLowerCase(),
      job_title: f.jobTitle,
      phone: f.phone || null,
      access_ends_on: f.accessEndsOn,
      updated_at: now,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute()
  await setRoles(db, partnershipId, id, f.roles)
}

async function setRoles(db: Db, partnershipId: string, personId: string, roles: Role[]): Promise<void> {
  await db
    .deleteFrom('person_roles')
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .execute()
  if (roles.length) {
    await db
      .insertInto('person_roles')
      .values(roles.map((role) => ({ partnership_id: partnershipId, person_id: personId, role })))
      .execute()
  }
}

export async function setAvailability(
  db: Db,
  partnershipId: string,
  id: string,
  unavailable: boolean,
  deputyId: string | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ unavailable, deputy_id: deputyId, updated_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute()
}

export async function setDisabled(
  db: Db,
  partnershipId: string,
  id: string,
  disabledAt: Date | null,
  now: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ disabled_at: disabledAt, updated_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .execute()
}

export async function setPassword(db: Db, personId: string, passwordHash: string, now: Date): Promise<void> {
  await db
    .updateTable('people')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', personId)
    .execute()
}

export async function setTotp(
  db: Db,
  personId: string,
  secret: string | null,
  enabled: boolean,
  now: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ totp_secret: secret, totp_enabled: enabled, totp_last_step: null, updated_at: now })
    .where('id', '=', personId)
    .execute()
}

/** Records the TOTP step just used; false when it (or a later one) was already used: a replay. */
export async function claimTotpStep(db: Db, personId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({ totp_last_step: step })
    .where('id', '=', personId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Every partnership's id, oldest first. */
export async function partnershipIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('partnerships').select('id').orderBy('created_at').execute()).map((r) => r.id)
}

export async function partnershipName(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('partnerships').select('name').where('id', '=', id).executeTakeFirst())?.name
}

export async function countPeople(db: Db): Promise<number> {
  const row = await db
    .selectFrom('people')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}

function normaliseRoles<T extends { roles: Role[] | null }>(row: T): T & { roles: Role[] } {
  return { ...row, roles: row.roles ?? [] }
}
