import type { Role } from '../domain/directory'

/** Who may use a route: anyone, anyone signed in, or people holding one of the roles. */
export type Access = 'public' | 'signed-in' | readonly Role[]

/** A capability's entries in the route-by-role table: `'GET /path/:param'` → who may use it. */
export type PolicyFragment = Readonly<Record<string, Access>>

export const ADMIN: readonly Role[] = ['administrator']
export const EVERYONE_BUT_INSPECTORS: readonly Role[] = [
  'administrator',
  'inspection-coordinator',
  'agency-lead',
  'senior-approver',
  'contributor',
]
/** Who starts inspections, moves dates, uploads frameworks and loads bank holidays. */
export const INSPECTION_MANAGERS: readonly Role[] = ['administrator', 'inspection-coordinator']
/** People who work for an agency, and administrators: upload, say why a document is not available. */
export const AGENCY_PEOPLE: readonly Role[] = ['administrator', 'agency-lead', 'senior-approver', 'contributor']
/** Who may add a local evidence requirement (an agency lead for their own agency only). */
export const REQUIREMENT_EDITORS: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead']

/**
 * Child-level Annex A data: administrators, the inspection coordinator and agency leads; never
 * contributors. The table is role-based, so a lead passes it whatever their agency; the service
 * then refuses a lead not in the local authority's children's services
 * (src/features/annexA/access.ts). The routes using it are listed in CHILD_DATA_ROUTES.
 */
export const CHILD_DATA: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead']

/** Whether someone with these roles (or nobody, when signed out) may use a route. */
export function allows(access: Access, roles: readonly Role[] | undefined): boolean {
  if (access === 'public') return true
  if (!roles) return false
  if (access === 'signed-in') return true
  return roles.some((r) => access.includes(r))
}
