/** Inspections and their timeline in working days: milestones, overrides, local tasks, My tasks, exports. */
import { defineFeature } from '../feature'
import { inspectionsPolicy } from './policy'
import { inspectionRoutes } from './routes'

export const inspections = defineFeature({
  name: 'inspections',
  policy: inspectionsPolicy,
  routes: inspectionRoutes,
})
export { createInspectionService, type InspectionServiceDeps } from './service'
