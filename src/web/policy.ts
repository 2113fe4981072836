import type { Role } from '../domain/directory'

/** Who may use a route: anyone, anyone signed in, or people holding one of the roles. */
export type Access = 'public' | 'signed-in' | readonly Role[]

const ADMIN: readonly Role[] = ['administrator']
const EVERYONE_BUT_INSPECTORS: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead', 'senior-approver', 'contributor']
/** Who starts inspections, moves dates, uploads frameworks and loads bank holidays. */
const INSPECTION_MANAGERS: readonly Role[] = ['administrator', 'inspection-coordinator']
/** People who work for an agency, and administrators: upload, say why a document is not available. */
const AGENCY_PEOPLE: readonly Role[] = ['administrator', 'agency-lead', 'senior-approver', 'contributor']
/** Who may add a local evidence requirement (an agency lead for their own agency only). */
const REQUIREMENT_EDITORS: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead']

/**
 * Child-level Annex A data: administrators, the inspection coordinator and agency leads; never
 * contributors. The table is role-based, so a lead passes it whatever their agency; the service
 * then refuses a lead not in the local authority's children's services
 * (src/services/annexAAccess.ts). The routes using it are listed in CHILD_DATA_ROUTES.
 */
const CHILD_DATA: readonly Role[] = ['administrator', 'inspection-coordinator', 'agency-lead']

/**
 * The one route-by-role table. Deny by default: a route registered without an entry here, or an
 * entry without a route, stops the app at start-up.
 */
export const policy = {
  'GET /health': 'public',
  'GET /accessibility': 'public',
  'GET /cookies': 'public',
  'GET /setup/:token': 'public',
  'POST /setup/:token': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'GET /sign-in/code': 'public',
  'POST /sign-in/code': 'public',
  'GET /sign-in/set-up-authenticator': 'public',
  'POST /sign-in/set-up-authenticator': 'public',
  'GET /signed-out': 'public',
  'GET /password/:token': 'public',
  'POST /password/:token': 'public',

  'GET /': 'signed-in',
  'POST /sign-out': 'signed-in',
  'POST /session/keep-alive': 'signed-in',

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

  'GET /audit': ADMIN,

  'GET /frameworks': EVERYONE_BUT_INSPECTORS,
  'GET /frameworks/upload': INSPECTION_MANAGERS,
  'POST /frameworks/upload': INSPECTION_MANAGERS,
  'GET /frameworks/:frameworkId': EVERYONE_BUT_INSPECTORS,

  'GET /holidays': EVERYONE_BUT_INSPECTORS,
  'GET /holidays/import': INSPECTION_MANAGERS,
  'POST /holidays/import': INSPECTION_MANAGERS,
  'POST /holidays/closures': INSPECTION_MANAGERS,
  'POST /holidays/closures/:closureDate/remove': INSPECTION_MANAGERS,

  // Inspectors read the timeline (and their own tasks); everyone else reads too.
  'GET /inspections': 'signed-in',
  'GET /inspections/new': INSPECTION_MANAGERS,
  'POST /inspections/new': INSPECTION_MANAGERS,
  'GET /inspections/:inspectionId': 'signed-in',
  'GET /inspections/:inspectionId/print': 'signed-in',
  'GET /inspections/:inspectionId/calendar.ics': 'signed-in',
  'GET /inspections/:inspectionId/timeline.xlsx': 'signed-in',
  'GET /inspections/:inspectionId/my-tasks': 'signed-in',
  'GET /inspections/:inspectionId/my-tasks.ics': 'signed-in',
  'POST /inspections/:inspectionId/close': INSPECTION_MANAGERS,
  'POST /inspections/:inspectionId/reopen': INSPECTION_MANAGERS,
  'GET /inspections/:inspectionId/milestones/:milestoneId': INSPECTION_MANAGERS,
  'POST /inspections/:inspectionId/milestones/:milestoneId': INSPECTION_MANAGERS,
  'POST /inspections/:inspectionId/milestones/:milestoneId/reset': INSPECTION_MANAGERS,
  // The service also checks the person holds the milestone's owner role (or manages inspections).
  'POST /inspections/:inspectionId/milestones/:milestoneId/done': EVERYONE_BUT_INSPECTORS,
  'POST /inspections/:inspectionId/tasks/:taskId/remove': INSPECTION_MANAGERS,
  'GET /inspections/:inspectionId/tasks/new': INSPECTION_MANAGERS,
  'POST /inspections/:inspectionId/tasks/new': INSPECTION_MANAGERS,
  'GET /local-plan': EVERYONE_BUT_INSPECTORS,
  'POST /local-plan/:planTaskId/remove': INSPECTION_MANAGERS,
  // Child-level Annex A data (see CHILD_DATA): import, check, map, accept, export, and the register.
  'GET /annex-a': CHILD_DATA,
  'GET /annex-a/upload': CHILD_DATA,
  'POST /annex-a/upload': CHILD_DATA,
  'GET /annex-a/checks/:jobId': CHILD_DATA,
  'GET /annex-a/export.xlsx': CHILD_DATA,
  'GET /annex-a/imports/:importId': CHILD_DATA,
  'GET /annex-a/imports/:importId/problems': CHILD_DATA,
  'GET /annex-a/imports/:importId/row': CHILD_DATA,
  'GET /annex-a/imports/:importId/problems.xlsx': CHILD_DATA,
  'POST /annex-a/imports/:importId/check-again': CHILD_DATA,
  'GET /annex-a/imports/:importId/map': CHILD_DATA,
  'POST /annex-a/imports/:importId/map': CHILD_DATA,
  'GET /annex-a/imports/:importId/accept': CHILD_DATA,
  'POST /annex-a/imports/:importId/accept': CHILD_DATA,
  'GET /register': CHILD_DATA,
  'GET /register/children/:rowId': CHILD_DATA,

  // Documentary evidence. Finer rules (own agency, the senior approver or deputy, never the
  // uploader) are the domain's (src/domain/evidenceStatus.ts); deputies may hold any role, hence
  // the wide entries for approve and confirm.
  'GET /evidence': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/requirements': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/requirements/new': REQUIREMENT_EDITORS,
  'POST /evidence/requirements/new': REQUIREMENT_EDITORS,
  'GET /evidence/checklist.xlsx': EVERYONE_BUT_INSPECTORS,
  'GET /evidence/pack.zip': ['administrator', 'inspection-coordinator', 'agency-lead', 'senior-approver'],
  'GET /evidence/requirements/:requirementId': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/upload': AGENCY_PEOPLE,
  'GET /evidence/requirements/:requirementId/versions/:versionId/download': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/approve': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/sign-off': INSPECTION_MANAGERS,
  'POST /evidence/requirements/:requirementId/not-available': AGENCY_PEOPLE,
  'POST /evidence/requirements/:requirementId/confirm-not-available': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/provided': EVERYONE_BUT_INSPECTORS,
  'POST /evidence/requirements/:requirementId/comments': ['agency-lead'],
  'POST /evidence/requirements/:requirementId/comments/:commentId/resolve': ['agency-lead', 'senior-approver', 'contributor'],
} as const satisfies Record<string, Access>

export type RouteKey = keyof typeof policy

/** Routes to child-level data: their agency leads must also work for the LA's children's services. */
export const CHILD_DATA_ROUTES: ReadonlySet<string> = new Set(Object.entries(policy).filter(([, access]) => access === CHILD_DATA).map(([key]) => key))

/**
 * POST routes that take multipart/form-data (a file). Their CSRF token is inside the multipart
 * body, so the app-wide check skips them and the route verifies the token itself straight after
 * parsing, before anything is kept. Only these exact paths are skipped.
 */
export const MULTIPART_ROUTES: ReadonlySet<string> = new Set(['/frameworks/upload', '/holidays/import', '/annex-a/upload'])

/** Multipart routes whose path carries an id; matched whole, so nothing else is skipped. */
const MULTIPART_ROUTE_PATTERNS: readonly RegExp[] = [/^\/evidence\/requirements\/[^/]+\/upload$/]

/** Whether the app-wide CSRF check leaves this POST path to its route (see MULTIPART_ROUTES). */
export function isMultipartRoute(path: string): boolean {
  return MULTIPART_ROUTES.has(path) || MULTIPART_ROUTE_PATTERNS.some((p) => p.test(path))
}

/** Whether someone with these roles (or nobody, when signed out) may use a route. */
export function allows(access: Access, roles: readonly Role[] | undefined): boolean {
  if (access === 'public') return true
  if (!roles) return false
  if (access === 'signed-in') return true
  return roles.some((r) => access.includes(r))
}
