import type { RequestHandler } from 'express'
import type { Clock } from '../../domain/clock'
import type { Services } from '../../services'

export interface SessionLimits {
  idleMs: number
  absoluteMs: number
}

/**
 * Loads the signed-in person's scope for each request, and ends the session when it has been idle
 * too long, has passed its absolute limit, or the person may no longer use the service.
 */
export function setUpAuth(services: Services, clock: Clock, limits: SessionLimits): RequestHandler {
  return async (req, res, next) => {
    const personId = req.session.personId
    if (!personId) return next()
    const now = clock.now().getTime()
    const idle = now - (req.session.lastSeenAt ?? 0) > limits.idleMs
    const expired = now - (req.session.signedInAt ?? 0) > limits.absoluteMs
    const scope = idle || expired ? undefined : await services.auth.scopeFor(personId)
    if (!scope) {
      const partial = await services.auth.scopeFor(personId)
      if (partial && (idle || expired)) await services.auth.recordSignOut(partial, 'timed-out')
      await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
      req.session.flash = idle || expired ? 'You were signed out because you had not done anything for a while. Sign in again to continue.' : 'You have been signed out.'
      return next()
    }
    req.scope = scope
    // The keep-alive ping and ordinary page views both count as activity.
    req.session.lastSeenAt = now
    res.locals.sessionExpiresAt = Math.min(now + limits.idleMs, (req.session.signedInAt ?? now) + limits.absoluteMs)
    next()
  }
}
