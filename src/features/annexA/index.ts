/** Annex A child-level data: import, checks in a worker, value mapping, acceptance and the Ofsted workbook. */
import { defineFeature } from '../feature'
import { annexAPolicy } from './policy'
import { annexARoutes } from './routes'
import { referencedFileKeys } from './repository'

export const annexA = defineFeature({
  name: 'annexA',
  policy: annexAPolicy,
  multipart: [/^\/annex-a\/upload$/],
  routes: annexARoutes,
  referencedFileKeys: referencedFileKeys,
})
export { createAnnexAService, type AnnexAServiceDeps, type Validator } from './service'
