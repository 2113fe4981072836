import { CHILD_DATA, type PolicyFragment } from '../../../web/access'
import type { Role } from '../../../domain/directory'

/**
 * The people of an agency, who answer for their own agency (the service refuses an agency the
 * framework does not have in scope, and lets only the lead or their deputy submit). Administrators
 * and inspectors have no agency's return to answer.
 */
const AGENCY_ANSWERERS: readonly Role[] = ['agency-lead', 'senior-approver', 'contributor']

/**
 * Who may use each route of the agencies' returns and the coordinator's matrix. The matrix is child
 * data for the selection managers (administrators, inspection coordinators and the local
 * authority's inspection manager, a children's services lead: the service checks the agency).
 */
export const returnsPolicy = {
  'GET /case-tracking/return': AGENCY_ANSWERERS,
  'GET /case-tracking/return/children/:childId': AGENCY_ANSWERERS,
  'POST /case-tracking/return/children/:childId': AGENCY_ANSWERERS,
  'POST /case-tracking/return/submit': AGENCY_ANSWERERS,
  'GET /case-tracking/matrix': CHILD_DATA,
  'GET /case-tracking/matrix/live': CHILD_DATA,
  'POST /case-tracking/matrix/chase': CHILD_DATA,
  'GET /case-tracking/matrix/export.xlsx': CHILD_DATA,
} as const satisfies PolicyFragment
