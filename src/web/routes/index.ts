import type { Express } from 'express'
import type { Clock } from '../../domain/clock'
import type { Services } from '../../services'
import { guardedRouter } from '../guardedRouter'
import { policy } from '../policy'
import { auditRoutes } from './audit'
import { authRoutes } from './auth'
import { annexARoutes } from './annexA'
import { agencyRoutes } from './directory/agencies'
import { peopleRoutes } from './directory/people'
import { frameworkRoutes } from './frameworks'
import { holidayRoutes } from './holidays'
import { inspectionRoutes } from './inspections'
import { evidenceRoutes } from './evidence'
import { pageRoutes } from './pages'
import { registerRoutes as childRegisterRoutes } from './register'

export interface RouteOptions {
  baseUrl: string
  clock: Clock
}

export type Routes = ReturnType<typeof guardedRouter>

/** Registers every feature's routes through the policy-checked router. */
export function registerRoutes(app: Express, services: Services, options: RouteOptions): void {
  const routes = guardedRouter(policy)
  pageRoutes(routes, services)
  authRoutes(routes, services, options)
  agencyRoutes(routes, services)
  peopleRoutes(routes, services, options)
  auditRoutes(routes, services)
  frameworkRoutes(routes, services)
  holidayRoutes(routes, services)
  inspectionRoutes(routes, services, options)
  evidenceRoutes(routes, services)
  annexARoutes(routes, services)
  childRegisterRoutes(routes, services)
  routes.assertComplete()
  app.use(routes.router)
}
