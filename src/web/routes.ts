import type { Express } from 'express'
import type { Clock } from '../domain/clock'
import { features } from '../features'
import type { Services } from '../services'
import { guardedRouter } from './guardedRouter'

export interface RouteOptions {
  baseUrl: string
  clock: Clock
  /** The largest file a person may upload, in bytes (MAX_UPLOAD_MB): evidence and Annex A alike. */
  maxUploadBytes: number
  /** Whether a mail server is configured (SMTP_URL): without one, emails wait in the outbox. */
  mailConfigured: boolean
}

export type Routes = ReturnType<typeof guardedRouter>

/** Registers every capability's routes through the policy-checked router built from their fragments. */
export function registerRoutes(app: Express, services: Services, options: RouteOptions): void {
  const routes = guardedRouter(Object.fromEntries(features.map((f) => [f.name, f.policy])))
  for (const feature of features) feature.routes?.(routes, services, options)
  routes.assertComplete()
  app.use(routes.router)
}
