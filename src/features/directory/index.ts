/** The partnership directory: agencies and their people, roles, deputies and availability. */
import { defineFeature } from '../feature'
import { agencyRoutes } from './agencyRoutes'
import { peopleRoutes } from './peopleRoutes'
import { directoryPolicy } from './policy'

export const directory = defineFeature({
  name: 'directory',
  policy: directoryPolicy,
  routes(routes, services, options) {
    agencyRoutes(routes, services)
    peopleRoutes(routes, services, options)
  },
})
export { createDirectoryService, type DirectoryServiceDeps } from './service'
