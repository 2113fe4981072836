import { EVERYONE_BUT_INSPECTORS, INSPECTION_MANAGERS, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const inspectionsPolicy = {
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
  'POST /inspections/:inspectionId/milestones/:milestoneId/assign': INSPECTION_MANAGERS,
  // The service also checks the person holds the milestone's owner role (or manages inspections).
  'POST /inspections/:inspectionId/milestones/:milestoneId/done': EVERYONE_BUT_INSPECTORS,
  'POST /inspections/:inspectionId/tasks/:taskId/remove': INSPECTION_MANAGERS,
  'GET /inspections/:inspectionId/tasks/new': INSPECTION_MANAGERS,
  'POST /inspections/:inspectionId/tasks/new': INSPECTION_MANAGERS,
  'GET /local-plan': EVERYONE_BUT_INSPECTORS,
  'POST /local-plan/:planTaskId/remove': INSPECTION_MANAGERS,
} as const satisfies PolicyFragment
