import type { Express } from 'express'
import type { Clock } from '../domain/clock'
import type { Services } from '../services'
import { guardedRouter } from './guardedRouter'
import { policy } from './policy'
import { auditRoutes } from '../features/audit/routes'
import { authRoutes } from '../features/auth/routes'
import { annexARoutes } from '../features/annexA/routes'
import { agencyRoutes } from '../features/directory/agencyRoutes'
import { peopleRoutes } from '../features/directory/peopleRoutes'
import { frameworkRoutes } from '../features/frameworks/routes'
import { holidayRoutes } from '../features/calendar/routes'
import { inspectionRoutes } from '../features/inspections/routes'
import { evidenceRoutes } from '../features/evidence/routes'
import { pageRoutes } from '../features/home/routes'
import { registerRoutes as childRegisterRoutes } from '../features/register/routes'

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
