import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import * as authRepo from './repository'
import * as repo from '../directory/repository'
import type { Database, Person } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import { ValidationError } from '../../shared/errors'
import { hashPassword, passwordProblem, verifyPassword } from './passwords'
import type { Scope } from '../../shared/scope'
import { checkTotp, newTotpSecret } from './totp'
import { hashToken } from './tokens'
import { change } from '../../shared/change'
import { londonDateOf } from '../../domain/calendar'

/** Failed attempts allowed per email address (or person, for codes) in the window. */
const MAX_FAILURES = 5
/** Failed attempts allowed from one IP address in the window: an office may share one address. */
const WINDOW_MS = 15 * 60_000
const LOCK_MS = 15 * 60_000

export interface AuthServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** SIGN_IN_IP_LIMIT: failures from one IP address in 15 minutes before it must wait. */
  signInIpLimit: number
}

export type SignInResult =
  | { status: 'ok'; personId: string; next: 'code' | 'enrol' }
  | { status: 'invalid' }
  | { status: 'throttled'; minutes: number }

/** A person may use the service: not disabled and, for inspectors, before their access ends. */
export function isActive(person: Pick<Person, 'disabled_at' | 'access_ends_on'>, today: string): boolean {
  if (person.disabled_at) return false
  if (person.access_ends_on && person.access_ends_on < today) return false
  return true
}

export function createAuthService({ db, clock, signInIpLimit: ipLimit }: AuthServiceDeps) {
  const keyFor = (kind: string, value: string) => `${kind}:${createHash('sha256').update(value).digest('hex')}`

  async function throttled(keys: string[], now: Date): Promise<number | undefined> {
    for (const key of keys) {
      const t = await authRepo.getThrottle(db, key)
      if (t?.locked_until && t.locked_until > now) return Math.ceil((t.locked_until.getTime() - now.getTime()) / 60_000)
    }
    return undefined
  }

  /** Counts a failure against each key, atomically; IP keys have their own, higher limit. */
  async function recordFailure(keys: string[], now: Date): Promise<void> {
    for (const key of keys) {
      await authRepo.countFailure(db, key, {
        now,
        windowStart: new Date(now.getTime() - WINDOW_MS),
        limit: key.startsWith('ip:') ? ipLimit : MAX_FAILURES,
        lockUntil: new Date(now.getTime() + LOCK_MS),
      })
    }
  }

  async function activePerson(personId: string): Promise<Person | undefined> {
    const person = await repo.findPersonById(db, personId)
    return person && isActive(person, londonDateOf(clock.now())) ? person : undefined
  }

  return {
    /**
     * Checks an email and password. Unknown emails, wrong passwords, disabled people and throttled
     * attempts all take the same path and the same time, so the answer reveals nothing.
     */
    async checkPassword(email: string, password: string, ip: string): Promise<SignInResult> {
      const now = clock.now()
      const normalised = email.trim().toLowerCase()
      const keys = [keyFor('email', normalised), keyFor('ip', ip)]
      const person = await repo.findPersonByEmail(db, normalised)
      const ok = await verifyPassword(person?.password_hash ?? null, password)
      const lockedMinutes = await throttled(keys, now)
      if (lockedMinutes) return { status: 'throttled', minutes: lockedMinutes }
      if (!ok || !person || !isActive(person, londonDateOf(clock.now()))) {
        await recordFailure(keys, now)
        return { status: 'invalid' }
      }
      return { status: 'ok', personId: person.id, next: person.totp_enabled ? 'code' : 'enrol' }
    },

    /** Checks a second-factor code; a code is accepted once only. Counts towards the throttle. */
    async checkCode(personId: string, code: string, ip: string): Promise<'ok' | 'invalid' | 'throttled'> {
      const now = clock.now()
      const keys = [keyFor('person', personId), keyFor('ip', ip)]
      if (await throttled(keys, now)) return 'throttled'
      const person = await activePerson(personId)
      const step = person?.totp_secret && person.totp_enabled ? checkTotp(person.totp_secret, code, now) : undefined
      if (step === undefined || !(await repo.claimTotpStep(db, personId, step))) {
        await recordFailure(keys, now)
        return 'invalid'
      }
      await authRepo.clearThrottle(db, keys[0]!)
      return 'ok'
    },

    /** The secret to show while a person enrols; created on first use and kept until enrolment completes. */
    async enrolmentSecret(personId: string): Promise<{ secret: string; email: string } | undefined> {
      const person = await activePerson(personId)
      if (!person || person.totp_enabled) return undefined
      if (person.totp_secret) return { secret: person.totp_secret, email: person.email }
      const secret = newTotpSecret()
      await repo.setTotp(db, personId, secret, false, clock.now())
      return { secret, email: person.email }
    },

    async completeEnrolment(personId: string, code: string): Promise<boolean> {
      const person = await activePerson(personId)
      if (!person?.totp_secret || person.totp_enabled) return false
      const now = clock.now()
      const step = checkTotp(person.totp_secret, code, now)
      if (step === undefined) return false
      await change(
        db,
        clock,
        { partnershipId: person.partnership_id, personId: person.id, name: person.name },
        async (trx) => {
          await repo.setTotp(trx, person.id, person.totp_secret, true, now)
          await repo.claimTotpStep(trx, person.id, step)
          return {
            result: undefined,
            audit: {
              action: 'person.totp-enrolled',
              entityType: 'person',
              entityId: person.id,
              summary: `${person.name} set up their authenticator app`,
              details: {},
            },
          }
        },
      )
      return true
    },

    async recordSignIn(personId: string): Promise<void> {
      const person = await repo.findPersonById(db, personId)
      if (!person) return
      await authRepo.clearThrottle(db, keyFor('email', person.email))
      await change(db, clock, { partnershipId: person.partnership_id, personId, name: person.name }, async () => ({
        result: undefined,
        audit: {
          action: 'session.signed-in',
          entityType: 'person',
          entityId: personId,
          summary: `${person.name} signed in`,
          details: {},
        },
      }))
    },

    /** 'timed-out': idle too long; 'session-limit': signed in for the longest a session may last. */
    async recordSignOut(scope: Scope, reason: 'signed-out' | 'timed-out' | 'session-limit'): Promise<void> {
      const summary = {
        'signed-out': 'signed out',
        'timed-out': 'was signed out after a period of inactivity',
        'session-limit': 'was signed out at the end of the longest time a session may last',
      }[reason]
      await change(
        db,
        clock,
        { partnershipId: scope.partnershipId, personId: scope.personId, name: scope.name },
        async () => ({
          result: undefined,
          audit: {
            action: reason === 'signed-out' ? 'session.signed-out' : 'session.timed-out',
            entityType: 'person',
            entityId: scope.personId,
            summary: `${scope.name} ${summary}`,
            details: reason === 'signed-out' ? {} : { reason: reason === 'timed-out' ? 'idle' : 'session-limit' },
          },
        }),
      )
    },

    /** The scope of a signed-in person, or undefined if they may no longer use the service. */
    /** The scope of a signed-in request, in one query; undefined for someone who may no longer sign in. */
    async scopeFor(personId: string): Promise<Scope | undefined> {
      const person = await repo.findPersonForScope(db, personId)
      if (!person || !isActive(person, londonDateOf(clock.now())) || !person.totp_enabled) return undefined
      return {
        partnershipId: person.partnership_id,
        personId: person.id,
        name: person.name,
        roles: person.roles,
        agencyId: person.agency_id,
        agencyType: person.agency_type,
        partnershipName: person.partnership_name,
      }
    },

    async personForResetToken(token: string) {
      const row = await authRepo.findLiveToken(db, 'password-reset', hashToken(token), clock.now())
      if (!row?.person_id) return undefined
      return activePerson(row.person_id)
    },

    /** Sets a new password from a one-time link; returns the person id to continue signing in. */
    async resetPassword(token: string, password: string, confirm: string): Promise<string> {
      const problem = passwordProblem(password)
      if (problem) throw new ValidationError({ password: problem })
      if (password !== confirm)
        throw new ValidationError({ confirm: 'The passwords do not match. Enter the same password twice' })
      const row = await authRepo.findLiveToken(db, 'password-reset', hashToken(token), clock.now())
      const person = row?.person_id ? await activePerson(row.person_id) : undefined
      if (!row || !person)
        throw new ValidationError({
          password: 'This link has expired or has already been used. Ask your administrator for a new one',
        })
      const passwordHash = await hashPassword(password)
      await change(
        db,
        clock,
        { partnershipId: person.partnership_id, personId: person.id, name: person.name },
        async (trx, now) => {
          if (!(await authRepo.useToken(trx, row.id, now)))
            throw new ValidationError({
              password: 'This link has already been used. Ask your administrator for a new one',
            })
          await repo.setPassword(trx, person.id, passwordHash, now)
          await authRepo.deleteSessionsOf(trx, person.id)
          return {
            result: undefined,
            audit: {
              action: 'person.password-set',
              entityType: 'person',
              entityId: person.id,
              summary: `${person.name} set a new password`,
              details: {},
            },
          }
        },
      )
      return person.id
    },
  }
}
