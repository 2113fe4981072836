import type { Kysely } from 'kysely'
import * as authRepo from './repository'
import * as repo from '../directory/repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import { ValidationError } from '../../shared/errors'
import { hashPassword, passwordProblem } from './passwords'
import { hashToken, newToken } from './tokens'
import { change } from '../../shared/change'

const SETUP_LINK_HOURS = 24

export interface SetupInput {
  partnershipName: string
  name: string
  email: string
  jobTitle: string
  password: string
  confirm: string
}

export interface SetupServiceDeps {
  db: Kysely<Database>
  clock: Clock
}

export function createSetupService({ db, clock }: SetupServiceDeps) {
  return {
    async needsSetup(): Promise<boolean> {
      return (await repo.countPeople(db)) === 0
    },

    /**
     * On a start with no users, issues a fresh one-time set-up token (older ones stop working).
     * Returns undefined once anyone exists.
     */
    async issueSetupToken(): Promise<string | undefined> {
      if (!(await this.needsSetup())) return undefined
      const now = clock.now()
      const { token, hash } = newToken()
      await db.transaction().execute(async (trx) => {
        await authRepo.revokeTokens(trx, 'setup', null, now)
        await authRepo.insertToken(
          trx,
          {
            kind: 'setup',
            tokenHash: hash,
            partnershipId: null,
            personId: null,
            expiresAt: new Date(now.getTime() + SETUP_LINK_HOURS * 3_600_000),
          },
          now,
        )
      })
      return token
    },

    async isLiveSetupToken(token: string): Promise<boolean> {
      return (
        Boolean(await authRepo.findLiveToken(db, 'setup', hashToken(token), clock.now())) && (await this.needsSetup())
      )
    },

    /** Creates the partnership and its first administrator; returns the administrator's id. */
    async completeSetup(token: string, input: SetupInput): Promise<string> {
      const problem = passwordProblem(input.password)
      if (problem) throw new ValidationError({ password: problem })
      if (input.password !== input.confirm)
        throw new ValidationError({ confirm: 'The passwords do not match. Enter the same password twice' })
      const passwordHash = await hashPassword(input.password)
      const now = clock.now()
      const row = await authRepo.findLiveToken(db, 'setup', hashToken(token), now)
      if (!row)
        throw new ValidationError({
          partnershipName: 'This set-up link has expired or has already been used. Restart the app to get a new one',
        })
      return change(
        db,
        clock,
        (r: { partnershipId: string; personId: string }) => ({
          partnershipId: r.partnershipId,
          personId: r.personId,
          name: input.name,
        }),
        async (trx) => {
          if ((await repo.countPeople(trx)) > 0 || !(await authRepo.useToken(trx, row.id, now))) {
            throw new ValidationError({ partnershipName: 'This service has already been set up. Sign in instead' })
          }
          const partnership = await trx
            .insertInto('partnerships')
            .values({ name: input.partnershipName, created_at: now })
            .returningAll()
            .executeTakeFirstOrThrow()
          const person = await repo.insertPerson(
            trx,
            partnership.id,
            {
              name: input.name,
              email: input.email,
              jobTitle: input.jobTitle,
              agencyId: null,
              roles: ['administrator'],
              accessEndsOn: null,
            },
            now,
          )
          await repo.setPassword(trx, person.id, passwordHash, now)
          return {
            result: { partnershipId: partnership.id, personId: person.id },
            audit: [
              {
                action: 'partnership.created',
                entityType: 'partnership',
                entityId: partnership.id,
                summary: `Set up ${partnership.name}`,
                details: { name: partnership.name },
              },
              {
                action: 'person.created',
                entityType: 'person',
                entityId: person.id,
                summary: `Added ${person.name} as the first administrator`,
                details: { roles: ['administrator'] },
              },
            ],
          }
        },
      ).then((r) => r.personId)
    },
  }
}
