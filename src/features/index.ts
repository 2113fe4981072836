import { annexA } from './annexA'
import { audit } from './audit'
import { auth } from './auth'
import { calendar } from './calendar'
import { caseAudit } from './caseAudit'
import { caseTracking } from './caseTracking'
import { directory } from './directory'
import { evidence } from './evidence'
import { frameworks } from './frameworks'
import { home } from './home'
import { inspections } from './inspections'
import { notifications } from './notifications'
import { register } from './register'

/**
 * Every capability with routes. The router, the route-by-role table, the CSRF exemptions for
 * uploads and the file sweep loop over this list; a new capability is added here once.
 */
export const features = [
  home,
  auth,
  directory,
  audit,
  frameworks,
  calendar,
  inspections,
  evidence,
  annexA,
  register,
  caseTracking,
  caseAudit,
  notifications,
] as const
