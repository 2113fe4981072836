import type { PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const homePolicy = {
  'GET /health': 'public',
  'GET /accessibility': 'public',
  'GET /cookies': 'public',
  'GET /': 'signed-in',
} as const satisfies PolicyFragment
