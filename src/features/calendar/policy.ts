import { EVERYONE_BUT_INSPECTORS, INSPECTION_MANAGERS, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const calendarPolicy = {
  'GET /holidays': EVERYONE_BUT_INSPECTORS,
  'GET /holidays/import': INSPECTION_MANAGERS,
  'POST /holidays/import': INSPECTION_MANAGERS,
  'POST /holidays/closures': INSPECTION_MANAGERS,
  'POST /holidays/closures/:closureDate/remove': INSPECTION_MANAGERS,
} as const satisfies PolicyFragment
