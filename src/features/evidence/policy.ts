import {
  EVERYONE_BUT_INSPECTORS,
  INSPECTION_MANAGERS,
  AGENCY_PEOPLE,
  REQUIREMENT_EDITORS,
  type PolicyFragment,
} from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const evidencePolicy = {
  // Documentary evidence. Finer rules (own agency, the senior approver or deputy, never the
  // uploader) are the domain's (src/domain/evidenceStatus.ts); deputies may hold any role, hence
  // the wide entries for approve and confirm.
  'GET /evidence': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/requirements': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/requirements/new': REQUIREMENT_EDITORS,
  'POST /evidence/requirements/new': REQUIREMENT_EDITORS,
  'GET /evidence/checklist.xlsx': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/pack.zip': ['administrator', 'inspection-coordinator', 'agency-lead', 'senior-approver'],
  // Everything waiting for the person: approvals (anyone may be a deputy), and sign-off for the business unit.
  'GET /evidence/approvals': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/approvals': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/requirements/:requirementId': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/upload': AGENCY_PEOPLE,
  'GET /evidence/requirements/:requirementId/versions/:versionId/download': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/approve': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/sign-off': INSPECTION_MANAGERS,
  'POST /evidence/requirements/:requirementId/not-available': AGENCY_PEOPLE,
  'POST /evidence/requirements/:requirementId/confirm-not-available': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/provided': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/comments': ['agency-lead'],
  'POST /evidence/requirements/:requirementId/comments/:commentId/resolve': [
    'agency-lead',
    'senior-approver',
    'contributor',
  ],
} as const satisfies PolicyFragment
