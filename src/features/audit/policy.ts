import { ADMIN, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const auditPolicy = {
  'GET /audit': ADMIN,
} as const satisfies PolicyFragment
