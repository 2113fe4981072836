import type { Kysely } from 'kysely'
import type { Database } from '../../src/db/schema'
import type { AgencyType, Role } from '../../src/domain/directory'

/** Plain rows for repository tests, written straight to the tables (no service, no audit event). */

export async function insertPartnership(db: Kysely<Database>, name: string): Promise<string> {
  return (await db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow()).id
}

export async function insertAgency(
  db: Kysely<Database>,
  partnershipId: string,
  name: string,
  type: AgencyType,
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto('agencies')
    .values({
      partnership_id: partnershipId,
      name,
      type,
      is_statutory: true,
      senior_approver_id: null,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** A person (email made from the name and partnership, so unique), with a role if given. */
export async function insertPerson(
  db: Kysely<Database>,
  partnershipId: string,
  agencyId: string | null,
  name: string,
  now: Date,
  role?: Role,
): Promise<string> {
  const row = await db
    .insertInto('people')
    .values({
      partnership_id: partnershipId,
      agency_id: agencyId,
      name,
      email: `${name.toLowerCase().replace(/\W/g, '')}-${partnershipId.slice(0, 6)}@example.org`,
      job_title: 'Tester',
      totp_enabled: false,
      unavailable: false,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  if (role)
    await db.insertInto('person_roles').values({ partnership_id: partnershipId, person_id: row.id, role }).execute()
  return row.id
}

/** An inspection whose framework snapshot names only the agencies in scope (all these repositories read). */
export async function insertInspection(
  db: Kysely<Database>,
  partnershipId: string,
  options: {
    frameworkId: string
    notifiedOn: string
    now: Date
    practice?: boolean
    status?: 'open' | 'closed'
    agenciesInScope?: AgencyType[]
  },
): Promise<string> {
  const row = await db
    .insertInto('inspections')
    .values({
      partnership_id: partnershipId,
      framework_id: options.frameworkId,
      framework: JSON.stringify({ agenciesInScope: options.agenciesInScope ?? ['police', 'health-icb'] }),
      framework_version_id: null,
      notified_on: options.notifiedOn,
      notified_time: null,
      practice: options.practice ?? false,
      status: options.status ?? 'open',
      created_by: null,
      created_at: options.now,
      updated_at: options.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}
