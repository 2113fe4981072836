import type { Kysely } from 'kysely'
import * as repo from './repository'
import { deleteSessionsOf, insertToken, revokeTokens } from '../auth/repository'
import type { Database } from '../../db/schema'
import { AGENCY_TYPE_LABELS, STATUTORY_BY_DEFAULT, type AgencyType, type Role } from '../../domain/directory'
import type { Clock } from '../../domain/clock'
import { NotFoundError, ValidationError } from '../../shared/errors'
import { actorOf, type Scope } from '../../shared/scope'
import { newToken } from '../auth/tokens'
import { change } from '../../shared/change'
import { londonDateOf } from '../../domain/calendar'

export interface AgencyInput {
  name: string
  type: AgencyType
  isStatutory: boolean
  seniorApproverId: string | null
}

export interface PersonInput {
  name: string
  email: string
  jobTitle: string
  /** Optional; as entered, checked by the form (personSchema). */
  phone?: string | null
  agencyId: string | null
  roles: Role[]
  accessEndsOn: string | null
}

const RESET_LINK_HOURS = 72

type PersonFacts = Pick<
  repo.PersonWithRoles,
  'id' | 'name' | 'agency_id' | 'agency_name' | 'roles' | 'disabled_at' | 'access_ends_on'
>

/**
 * Why `candidate` cannot deputise for `person`, or undefined when they can: a deputy is an active
 * person of the same agency (the business unit for someone with no agency), never an inspector (who
 * is outside the partnership) and never the person themselves.
 */
function deputyProblem(person: PersonFacts, candidate: PersonFacts, today: string): string | undefined {
  if (candidate.id === person.id) return 'A person cannot be their own deputy. Select someone else'
  if (candidate.disabled_at || (candidate.access_ends_on !== null && candidate.access_ends_on < today))
    return `${candidate.name} can no longer sign in, so cannot be a deputy. Select someone else`
  if (candidate.roles.includes('inspector'))
    return `${candidate.name} is an inspector and cannot be a deputy. Select someone from ${person.agency_name ?? 'the business unit'}`
  if (candidate.agency_id !== person.agency_id)
    return `${candidate.name} does not work for ${person.agency_name ?? 'the business unit'}. Select someone from ${person.agency_name ?? 'the business unit'}`
  return undefined
}

export interface DirectoryServiceDeps {
  db: Kysely<Database>
  clock: Clock
}

export function createDirectoryService({ db, clock }: DirectoryServiceDeps) {
  async function requireAgency(scope: Scope, id: string) {
    const agency = await repo.findAgency(db, scope.partnershipId, id)
    if (!agency) throw new NotFoundError('Agency')
    return agency
  }
  async function requirePerson(scope: Scope, id: string) {
    const person = await repo.findPerson(db, scope.partnershipId, id)
    if (!person) throw new NotFoundError('Person')
    return person
  }

  async function checkAgency(trx: Kysely<Database>, scope: Scope, input: AgencyInput, id?: string): Promise<void> {
    const clash = await repo.findAgencyByName(trx, scope.partnershipId, input.name)
    if (clash && clash.id !== id)
      throw new ValidationError({ name: `An agency called ‘${clash.name}’ already exists. Enter a different name` })
    // The statutory safeguarding partners are the local authority, the ICB and the police. A second
    // police force or a provider trust may be in the partnership, but only those three types can be flagged.
    if (input.isStatutory && !STATUTORY_BY_DEFAULT.includes(input.type)) {
      throw new ValidationError({
        isStatutory: `Select No: an agency of type “${AGENCY_TYPE_LABELS[input.type]}” is not a statutory safeguarding partner. Only the local authority’s children’s services, the integrated care board and the police are`,
      })
    }
    if (input.seniorApproverId) {
      const approver = await repo.findPerson(trx, scope.partnershipId, input.seniorApproverId)
      if (!approver || approver.disabled_at)
        throw new ValidationError({ seniorApproverId: 'Select a senior approver from the list' })
      if (!approver.roles.includes('senior-approver')) {
        throw new ValidationError({
          seniorApproverId: `${approver.name} does not have the senior approver role. Give them the role first, or select someone else`,
        })
      }
      if (id && approver.agency_id !== id)
        throw new ValidationError({
          seniorApproverId: `${approver.name} does not work for this agency. Select someone from this agency`,
        })
    }
  }

  async function checkPerson(trx: Kysely<Database>, scope: Scope, input: PersonInput, id?: string): Promise<void> {
    const clash = await repo.findPersonByEmail(trx, input.email)
    if (clash && clash.id !== id) {
      // Addresses are unique across partnerships (sign-in starts from one), but an administrator is
      // told who has it only within their own partnership: nothing about another partnership's people.
      throw new ValidationError({
        email:
          clash.partnership_id === scope.partnershipId
            ? `Someone already uses this email address: ${clash.name}. Enter a different email address`
            : 'This email address cannot be used. Check it is the person’s own work address, or enter a different one',
      })
    }
    if (input.agencyId && !(await repo.findAgency(trx, scope.partnershipId, input.agencyId))) {
      throw new ValidationError({ agencyId: 'Select an agency from the list' })
    }
    if (input.roles.length === 0) throw new ValidationError({ roles: 'Select at least one role' })
    if (input.roles.includes('inspector')) {
      if (input.roles.length > 1)
        throw new ValidationError({ roles: 'An inspector cannot have any other role. Untick the other roles' })
      if (!input.accessEndsOn) throw new ValidationError({ accessEndsOn: 'Enter the date the inspector’s access ends' })
      if (input.accessEndsOn < londonDateOf(clock.now()))
        throw new ValidationError({ accessEndsOn: 'The date access ends must be today or in the future' })
    }
    if (!input.roles.includes('inspector') && !input.agencyId && !input.roles.includes('administrator')) {
      throw new ValidationError({ agencyId: 'Select the agency this person works for' })
    }
    if (
      id &&
      id === scope.personId &&
      !input.roles.includes('administrator') &&
      scope.roles.includes('administrator')
    ) {
      throw new ValidationError({
        roles: 'You cannot remove your own administrator role. Ask another administrator to do it',
      })
    }
  }

  return {
    listAgencies: (scope: Scope) => repo.listAgencies(db, scope.partnershipId),
    getAgency: requireAgency,
    listPeople: (scope: Scope, filter: repo.PeopleFilter = {}) => repo.listPeople(db, scope.partnershipId, filter),
    getPerson: requirePerson,

    async createAgency(scope: Scope, input: AgencyInput) {
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await checkAgency(trx, scope, { ...input, seniorApproverId: null })
        const agency = await repo.insertAgency(trx, scope.partnershipId, { ...input, seniorApproverId: null }, now)
        return {
          result: agency,
          audit: {
            action: 'agency.created',
            entityType: 'agency',
            entityId: agency.id,
            summary: `Added agency ${agency.name}`,
            details: { name: agency.name, type: agency.type, isStatutory: agency.is_statutory },
          },
        }
      })
    },

    async updateAgency(scope: Scope, id: string, input: AgencyInput) {
      const before = await requireAgency(scope, id)
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await checkAgency(trx, scope, input, id)
        await repo.updateAgency(trx, scope.partnershipId, id, input, now)
        return {
          result: undefined,
          audit: {
            action: 'agency.updated',
            entityType: 'agency',
            entityId: id,
            summary: `Changed agency ${input.name}`,
            details: {
              before: {
                name: before.name,
                type: before.type,
                isStatutory: before.is_statutory,
                seniorApproverId: before.senior_approver_id,
              },
              after: {
                name: input.name,
                type: input.type,
                isStatutory: input.isStatutory,
                seniorApproverId: input.seniorApproverId,
              },
            },
          },
        }
      })
    },

    async createPerson(scope: Scope, input: PersonInput) {
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await checkPerson(trx, scope, input)
        const person = await repo.insertPerson(trx, scope.partnershipId, input, now)
        return {
          result: person,
          audit: {
            action: 'person.created',
            entityType: 'person',
            entityId: person.id,
            summary: `Added ${person.name}`,
            details: { roles: input.roles, agencyId: input.agencyId },
          },
        }
      })
    },

    async updatePerson(scope: Scope, id: string, input: PersonInput) {
      const before = await requirePerson(scope, id)
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await checkPerson(trx, scope, input, id)
        await repo.updatePerson(trx, scope.partnershipId, id, input, now)
        const emailChanged = before.email !== input.email.toLowerCase()
        const phoneChanged = (before.phone ?? '') !== (input.phone ?? '')
        return {
          result: undefined,
          audit: {
            action: 'person.updated',
            entityType: 'person',
            entityId: id,
            summary: `Changed ${input.name}`,
            details: {
              before: {
                name: before.name,
                jobTitle: before.job_title,
                agencyId: before.agency_id,
                roles: before.roles,
                accessEndsOn: before.access_ends_on,
              },
              after: {
                name: input.name,
                jobTitle: input.jobTitle,
                agencyId: input.agencyId,
                roles: input.roles,
                accessEndsOn: input.accessEndsOn,
              },
              emailChanged,
              phoneChanged,
            },
          },
        }
      })
    },

    /**
     * Who may be chosen as someone's deputy: active people of the same agency (or of the business
     * unit, for someone with no agency), never an inspector and never the person themselves.
     */
    async deputyChoices(scope: Scope, personId: string): Promise<repo.PersonWithRoles[]> {
      const person = await requirePerson(scope, personId)
      const today = londonDateOf(clock.now())
      const people = await repo.listPeople(db, scope.partnershipId)
      return people.filter((p) => deputyProblem(person, p, today) === undefined)
    },

    /**
     * Why a person's deputy no longer qualifies (they moved agency, became an inspector or can no
     * longer sign in since they were chosen), or undefined when they still do or there is none.
     */
    async deputyProblem(scope: Scope, person: repo.PersonWithRoles): Promise<string | undefined> {
      if (!person.deputy_id) return undefined
      const deputy = await repo.findPerson(db, scope.partnershipId, person.deputy_id)
      if (!deputy) return undefined
      return deputyProblem(person, deputy, londonDateOf(clock.now()))
    },

    /** Marks a principal unavailable (or back) and names the deputy who acts for them. */
    async setAvailability(scope: Scope, id: string, unavailable: boolean, deputyId: string | null) {
      const person = await requirePerson(scope, id)
      return change(db, clock, actorOf(scope), async (trx, now) => {
        if (deputyId) {
          const deputy = await repo.findPerson(trx, scope.partnershipId, deputyId)
          if (!deputy) throw new ValidationError({ deputyId: 'Select a deputy from the list' })
          const problem = deputyProblem(person, deputy, londonDateOf(now))
          if (problem) throw new ValidationError({ deputyId: problem })
        }
        if (unavailable && !deputyId)
          throw new ValidationError({ deputyId: `Select who acts for ${person.name} while they are unavailable` })
        await repo.setAvailability(trx, scope.partnershipId, id, unavailable, deputyId, now)
        return {
          result: undefined,
          audit: {
            action: 'person.availability-changed',
            entityType: 'person',
            entityId: id,
            summary: `${person.name} is ${unavailable ? 'unavailable' : 'available'}`,
            details: { unavailable, deputyId },
          },
        }
      })
    },

    /** Disabling someone ends their sessions at once and cancels any password-reset link. */
    async setDisabled(scope: Scope, id: string, disabled: boolean) {
      const person = await requirePerson(scope, id)
      if (disabled && id === scope.personId)
        throw new ValidationError({
          confirm: 'You cannot disable your own account. Ask another administrator to do it',
        })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.setDisabled(trx, scope.partnershipId, id, disabled ? now : null, now)
        if (disabled) {
          await deleteSessionsOf(trx, id)
          await revokeTokens(trx, 'password-reset', id, now)
        }
        return {
          result: undefined,
          audit: {
            action: disabled ? 'person.disabled' : 'person.enabled',
            entityType: 'person',
            entityId: id,
            summary: `${disabled ? 'Disabled' : 'Enabled'} ${person.name}`,
            details: {},
          },
        }
      })
    },

    /**
     * Issues a one-time link to set a new password (and, if needed, enrol an authenticator app). The
     * link is returned once for the administrator to pass on; only its hash is kept.
     */
    async issuePasswordReset(scope: Scope, id: string, resetTotp: boolean): Promise<string> {
      const person = await requirePerson(scope, id)
      if (person.disabled_at)
        throw new ValidationError({ confirm: `${person.name} is disabled. Enable them before issuing a link` })
      const { token, hash } = newToken()
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await revokeTokens(trx, 'password-reset', id, now)
        await insertToken(
          trx,
          {
            kind: 'password-reset',
            tokenHash: hash,
            partnershipId: scope.partnershipId,
            personId: id,
            expiresAt: new Date(now.getTime() + RESET_LINK_HOURS * 3_600_000),
          },
          now,
        )
        if (resetTotp) await repo.setTotp(trx, id, null, false, now)
        await deleteSessionsOf(trx, id)
        return {
          result: undefined,
          audit: {
            action: 'person.password-reset-issued',
            entityType: 'person',
            entityId: id,
            summary: `Issued a password reset link for ${person.name}`,
            details: { resetTotp, expiresInHours: RESET_LINK_HOURS },
          },
        }
      })
      return token
    },

    /** Every partnership's id, oldest first (for commands that act on each). */
    partnershipIds: () => repo.partnershipIds(db),
    /** A partnership's name (shown in the header), or undefined when there is none with that id. */
    partnershipName: (id: string) => repo.partnershipName(db, id),
  }
}
