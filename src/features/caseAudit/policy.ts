import type { Role } from '../../domain/directory'
import { CHILD_DATA, type PolicyFragment } from '../../web/access'

/** The people of an agency, who complete their own agency's audit tools (the service checks the agency). */
const AGENCY_PEOPLE: readonly Role[] = ['agency-lead', 'senior-approver', 'contributor']

/**
 * Who may use each route of the case audit's audit tools. The overview is child data for the
 * selection managers; an agency's people see only their own agency's tools (the service finds no
 * other); only a senior approver may sign off (the service refuses the tool's author).
 */
export const caseAuditPolicy = {
  'GET /case-audit': CHILD_DATA,
  'POST /case-audit/open': CHILD_DATA,
  'POST /case-audit/children/:childId/agencies': CHILD_DATA,
  'POST /case-audit/children/:childId/remove': CHILD_DATA,
  'GET /case-audit/tools': AGENCY_PEOPLE,
  'GET /case-audit/tools/:toolId': AGENCY_PEOPLE,
  'POST /case-audit/tools/:toolId': AGENCY_PEOPLE,
  'POST /case-audit/tools/:toolId/submit': AGENCY_PEOPLE,
  'POST /case-audit/tools/:toolId/sign-off': ['senior-approver'],
} as const satisfies PolicyFragment
