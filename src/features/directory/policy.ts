import { ADMIN, EVERYONE_BUT_INSPECTORS, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const directoryPolicy = {
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
} as const satisfies PolicyFragment
