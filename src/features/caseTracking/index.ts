/**
 * Case tracking (issue 12): the inspectors' 20–30 children, each agency's "known to us" return
 * within hours, and the 5–7 children chosen for multi-agency audit. `selection/` is the inspectors'
 * selection, its release and the audit choice; `returns/` the agencies' returns and the matrix.
 */
import { defineFeature } from '../feature'
import { returnsPolicy } from './returns/policy'
import { returnsRoutes } from './returns/routes'
import { selectionPolicy } from './selection/policy'
import { selectionRoutes } from './selection/routes'

export const caseTracking = defineFeature({
  name: 'caseTracking',
  policy: { ...selectionPolicy, ...returnsPolicy },
  multipart: [/^\/case-tracking\/upload$/],
  routes: (routes, services, options) => {
    selectionRoutes(routes, services, options)
    returnsRoutes(routes, services)
  },
})
export { createCaseSelectionService, type CaseSelectionServiceDeps } from './selection/service'
