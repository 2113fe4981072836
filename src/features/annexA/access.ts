import type { Kysely } from 'kysely'
import { findAgency } from '../directory/repository'
import type { Database } from '../../db/schema'
import { ForbiddenError } from '../../shared/errors'
import { hasRole, type Scope } from '../../shared/scope'

export const CHILD_DATA_REFUSED =
  'Only administrators, the inspection coordinator and the local authority children’s services’ leads can see child-level Annex A data.'

/**
 * Child-level Annex A data is need-to-know: administrators, the inspection coordinator, and agency
 * leads (deputy leads hold the same role) of the local authority's children's services. Nobody
 * else, contributors included. The route policy is role-based, so the agency type is checked
 * here: a police lead passes the policy but is refused.
 */
export async function requireChildDataAccess(db: Kysely<Database>, scope: Scope): Promise<void> {
  if (hasRole(scope, 'administrator', 'inspection-coordinator')) return
  if (hasRole(scope, 'agency-lead') && scope.agencyId) {
    const agency = await findAgency(db, scope.partnershipId, scope.agencyId)
    if (agency?.type === 'la-childrens-services') return
  }
  throw new ForbiddenError(CHILD_DATA_REFUSED)
}

/**
 * The same rule without a database read, from the agency type sign-in loads into the scope: for
 * showing or hiding links. Pages still call requireChildDataAccess.
 */
export function mayReadChildData(scope: Scope): boolean {
  if (hasRole(scope, 'administrator', 'inspection-coordinator')) return true
  return hasRole(scope, 'agency-lead') && scope.agencyType === 'la-childrens-services'
}
