/**
 * The multi-agency case audit (issue 13): each agency's audit tool for each child chosen for audit,
 * submitted by the agency lead and signed off by a senior approver of the agency who did not write it.
 */
import { defineFeature } from '../feature'
import { caseAuditPolicy } from './policy'
import { caseAuditRoutes } from './routes'

export const caseAudit = defineFeature({ name: 'caseAudit', policy: caseAuditPolicy, routes: caseAuditRoutes })
export { createCaseAuditService, type CaseAuditServiceDeps } from './service'
