import type { Role } from '../domain/directory'

/** Who may use a route: anyone, anyone signed in, or people holding one of the roles. */
export type Access = 'public' | 'signed-in' | readonly Role[]

const ADMIN: readonly Role[] = ['administrator']
const EVERYONE_BUT_INSPECTORS: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead', 'senior-approver', 'contributor']

/**
 * The one route-by-role table. Deny by default: a route registered without an entry here, or an
 * entry without a route, stops the app at start-up.
 */
export const policy = {
  'GET /health': 'public',
  'GET /accessibility': 'public',
  'GET /cookies': 'public',
  'GET /setup/:token': 'public',
  'POST /setup/:token': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'GET /sign-in/code': 'public',
  'POST /sign-in/code': 'public',
  'GET /sign-in/set-up-authenticator': 'public',
  'POST /sign-in/set-up-authenticator': 'public',
  'GET /signed-out': 'public',
  'GET /password/:token': 'public',
  'POST /password/:token': 'public',

  'GET /': 'signed-in',
  'POST /sign-out': 'signed-in',
  'POST /session/keep-alive': 'signed-in',

  'GET /agencies': EVERYONE_BUT_INSPECTORS,
  'GET /agencies/new': ADMIN,
  'POST /agencies/new': ADMIN,
  'GET /agencies/:agencyId': EVERYONE_BUT_INSPECTORS,
  'GET /agencies/:agencyId/edit': ADMIN,
  'POST /agencies/:agencyId/edit': ADMIN,

  'GET /people': EVERYONE_BUT_INSPECTORS,
  'GET /people/new': ADMIN,
  'POST /people/new': ADMIN,
  'GET /people/:personId': EVERYONE_BUT_INSPECTORS,
  'GET /people/:personId/edit': ADMIN,
  'POST /people/:personId/edit': ADMIN,
  'GET /people/:personId/availability': ADMIN,
  'POST /people/:personId/availability': ADMIN,
  'GET /people/:personId/disable': ADMIN,
  'POST /people/:personId/disable': ADMIN,
  'POST /people/:personId/enable': ADMIN,
  'GET /people/:personId/reset': ADMIN,
  'POST /people/:personId/reset': ADMIN,

  'GET /audit': ADMIN,
} as const satisfies Record<string, Access>

export type RouteKey = keyof typeof policy

/** Whether someone with these roles (or nobody, when signed out) may use a route. */
export function allows(access: Access, roles: readonly Role[] | undefined): boolean {
  if (access === 'public') return true
  if (!roles) return false
  if (access === 'signed-in') return true
  return roles.some((r) => access.includes(r))
}
