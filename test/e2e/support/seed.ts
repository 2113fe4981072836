import type { Kysely } from 'kysely'
import * as dir from '../../../src/features/directory/repository'
import type { Database } from '../../../src/db/schema'
import type { Role } from '../../../src/domain/directory'
import { newTotpSecret } from '../../../src/features/auth/totp'
import { Authenticator } from './totp'

/** A partnership with its police force, written straight into the database: "Northshire" gives Northshire Police. */
export async function seedPartnershipWithPolice(
  db: Kysely<Database>,
  area: string,
  now: Date,
): Promise<{ partnershipId: string; policeId: string }> {
  const { id: partnershipId } = await db
    .insertInto('partnerships')
    .values({ name: `${area} Safeguarding Children Partnership` })
    .returning('id')
    .executeTakeFirstOrThrow()
  const police = await dir.insertAgency(
    db,
    partnershipId,
    { name: `${area} Police`, type: 'police', isStatutory: true, seniorApproverId: null },
    now,
  )
  return { partnershipId, policeId: police.id }
}

/** Someone an e2e test signs in as: their email and the authenticator app holding their TOTP secret. */
export interface SeededPerson {
  id: string
  email: string
  phone: Authenticator
}

/**
 * Writes a person straight into the database with a password and an enrolled TOTP secret, for e2e
 * tests whose subject is not the directory pages (those have their own e2e test).
 */
export async function seedPerson(
  db: Kysely<Database>,
  partnershipId: string,
  person: { name: string; email: string; roles: Role[]; agencyId: string | null; passwordHash: string },
  now: Date,
): Promise<SeededPerson> {
  const row = await dir.insertPerson(
    db,
    partnershipId,
    {
      name: person.name,
      email: person.email,
      jobTitle: 'Lead',
      agencyId: person.agencyId,
      roles: person.roles,
      accessEndsOn: null,
    },
    now,
  )
  await dir.setPassword(db, row.id, person.passwordHash, now)
  const secret = newTotpSecret()
  await dir.setTotp(db, row.id, secret, true, now)
  return { id: row.id, email: person.email, phone: new Authenticator(secret) }
}
