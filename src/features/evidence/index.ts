/** Documentary evidence per agency: uploads, versions, approval, sign-off, QA comments, readiness, the pack. */
import { defineFeature } from '../feature'
import { evidencePolicy } from './policy'
import { evidenceRoutes } from './routes'
import { referencedEvidenceKeys } from './repository'

export const evidence = defineFeature({
  name: 'evidence',
  policy: evidencePolicy,
  multipart: [/^\/evidence\/requirements\/[^/]+\/upload$/],
  routes: evidenceRoutes,
  referencedFileKeys: referencedEvidenceKeys,
})
export { createEvidenceService, type EvidenceServiceDeps } from './service'
