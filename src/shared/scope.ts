import type { AgencyType, Role } from '../domain/directory'

/** Who is acting, and within which partnership: every repository call filters by this. */
export interface Scope {
  partnershipId: string
  personId: string
  name: string
  roles: Role[]
  agencyId: string | null
  /** The type of the person's agency, when loaded (sign-in loads it). */
  agencyType?: AgencyType | null
  /** The partnership's name, when loaded (a signed-in request's scope has it, for the header). */
  partnershipName?: string
}

export interface Actor {
  partnershipId: string
  personId: string | null
  name: string | null
}

export function actorOf(scope: Scope): Actor {
  return { partnershipId: scope.partnershipId, personId: scope.personId, name: scope.name }
}

export function hasRole(scope: Scope, ...roles: Role[]): boolean {
  return scope.roles.some((r) => roles.includes(r))
}
