import { CHILD_DATA, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const registerPolicy = {
  'GET /register': CHILD_DATA,
  'POST /register/search': CHILD_DATA,
  'GET /register/children/:rowId': CHILD_DATA,
} as const satisfies PolicyFragment
