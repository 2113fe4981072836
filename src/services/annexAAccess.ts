import type { Kysely } from 'kysely'
import { findAgency } from '../db/repositories/directoryRepository'
import type { Database } from '../db/schema'
import { forbidden } from './errors'
import { hasRole, type Scope } from './scope'

export const CHILD_DATA_REFUSED = 'Only administrators, the inspection coordinator and the local authority children’s services’ leads and contributors can see child-level Annex A data.'

/**
 * Child-level Annex A data is for administrators, the inspection coordinator, and leads and
 * contributors in the local authority's children's services. The route policy is role-based, so
 * the agency type is checked here: a police contributor passes the policy but is refused.
 */
export async function requireChildDataAccess(db: Kysely<Database>, scope: Scope): Promise<void> {
  if (hasRole(scope, 'administrator', 'inspection-coordinator')) return
  if (hasRole(scope, 'agency-lead', 'contributor') && scope.agencyId) {
    const agency = await findAgency(db, scope.partnershipId, scope.agencyId)
    if (agency?.type === 'la-childrens-services') return
  }
  throw forbidden(CHILD_DATA_REFUSED)
}
