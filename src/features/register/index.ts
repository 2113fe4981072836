/** The child register: accepted Annex A children, each read written to the audit log. */
import { defineFeature } from '../feature'
import { registerPolicy } from './policy'
import { registerRoutes } from './routes'

export const register = defineFeature({
  name: 'register',
  policy: registerPolicy,
  routes: registerRoutes,
})
export { createChildRegisterService, type ChildRegisterServiceDeps } from './service'
