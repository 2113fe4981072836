/** The home page (today in the current inspection), health check, accessibility statement and cookies. */
import { defineFeature } from '../feature'
import { homePolicy } from './policy'
import { pageRoutes } from './routes'

export const home = defineFeature({
  name: 'home',
  policy: homePolicy,
  routes: pageRoutes,
})
