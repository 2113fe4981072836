import { EVERYONE_BUT_INSPECTORS, INSPECTION_MANAGERS, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const frameworksPolicy = {
  'GET /frameworks': EVERYONE_BUT_INSPECTORS,
  'GET /frameworks/upload': INSPECTION_MANAGERS,
  'POST /frameworks/upload': INSPECTION_MANAGERS,
  'GET /frameworks/:frameworkId': EVERYONE_BUT_INSPECTORS,
} as const satisfies PolicyFragment
