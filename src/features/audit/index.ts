/** The audit log: every change, hash-chained per partnership, with filters for administrators. */
import { defineFeature } from '../feature'
import { auditPolicy } from './policy'
import { auditRoutes } from './routes'

export const audit = defineFeature({
  name: 'audit',
  policy: auditPolicy,
  routes: auditRoutes,
})
export { createAuditService, type AuditServiceDeps } from './service'
