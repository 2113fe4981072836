/** Inspection frameworks as data: bundled files and partnership uploads, validated alike. */
import { defineFeature } from '../feature'
import { frameworksPolicy } from './policy'
import { frameworkRoutes } from './routes'

export const frameworks = defineFeature({
  name: 'frameworks',
  policy: frameworksPolicy,
  multipart: [/^\/frameworks\/upload$/],
  routes: frameworkRoutes,
})
export { createFrameworkService, type FrameworkServiceDeps } from './service'
