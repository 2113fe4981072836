import { CHILD_DATA, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const annexAPolicy = {
  // Child-level Annex A data (see CHILD_DATA): import, check, map, accept, export, and the register.
  'GET /annex-a': CHILD_DATA,
  'GET /annex-a/upload': CHILD_DATA,
  'POST /annex-a/upload': CHILD_DATA,
  'GET /annex-a/checks/:jobId': CHILD_DATA,
  'GET /annex-a/export.xlsx': CHILD_DATA,
  // Fictional children, offered beside the upload form to the same people.
  'GET /annex-a/sample.xlsx': CHILD_DATA,
  'GET /annex-a/sample-cleaned.xlsx': CHILD_DATA,
  'GET /annex-a/imports/:importId': CHILD_DATA,
  'GET /annex-a/imports/:importId/problems': CHILD_DATA,
  'GET /annex-a/imports/:importId/row': CHILD_DATA,
  'GET /annex-a/imports/:importId/problems.xlsx': CHILD_DATA,
  'POST /annex-a/imports/:importId/check-again': CHILD_DATA,
  'GET /annex-a/imports/:importId/map': CHILD_DATA,
  'POST /annex-a/imports/:importId/map': CHILD_DATA,
  'GET /annex-a/imports/:importId/accept': CHILD_DATA,
  'POST /annex-a/imports/:importId/accept': CHILD_DATA,
} as const satisfies PolicyFragment
