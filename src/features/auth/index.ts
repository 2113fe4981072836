/** Set-up of a new partnership, sign-in with a password and an authenticator app, password resets, sessions. */
import { defineFeature } from '../feature'
import { authPolicy } from './policy'
import { authRoutes } from './routes'

export const auth = defineFeature({
  name: 'auth',
  policy: authPolicy,
  routes: authRoutes,
})
export { createAuthService, type AuthServiceDeps } from './service'
export { createSetupService, type SetupServiceDeps } from './setupService'
