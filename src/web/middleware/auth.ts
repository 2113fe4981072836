import type { RequestHandler } from 'express'
import type { Clock } from '../../domain/clock'
import type { Services } from '../../services'

export interface SessionLimits {
  idleMs: number
  absoluteMs: number
  /** How long before the end the warning appears (application.js). */
  warningMs: number
}

/** What a page tells the time-out warning: seconds, relative to the server's clock, so the browser's clock does not matter. */
export interface SessionTiming {
  /** Seconds until the server ends the session if nothing else happens. */
  secondsLeft: number
  /** 'idle': activity (or "Stay signed in") extends it; 'limit': the absolute limit, which nothing extends. */
  endsBecause: 'idle' | 'limit'
  /** The moment it ends, in milliseconds since the epoch (the page shows it as a time of day). */
  endsAt: number
  /** The time of day it ends, in UK time: "9:30pm". */
  endsAtText: string
  warningSeconds: number
  /** The warning's lead time in words: "2 minutes". */
  warningText: string
  /** The longest a session may last: "12 hours". */
  limitText: string
}

const timeOfDay = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
})

export function sessionTiming(now: number, signedInAt: number, limits: SessionLimits): SessionTiming {
  const idleEnd = now + limits.idleMs
  const limitEnd = signedInAt + limits.absoluteMs
  const endsAt = Math.min(idleEnd, limitEnd)
  return {
    secondsLeft: Math.max(0, Math.floor((endsAt - now) / 1000)),
    endsBecause: limitEnd <= idleEnd ? 'limit' : 'idle',
    endsAt,
    endsAtText: timeOfDay.format(new Date(endsAt)).replace(/\s?(am|pm)$/i, (m) => m.trim().toLowerCase()),
    warningSeconds: Math.round(limits.warningMs / 1000),
    warningText:
      limits.warningMs >= 60_000
        ? duration(Math.round(limits.warningMs / 60_000) * 60_000)
        : `${Math.round(limits.warningMs / 1000)} seconds`,
    limitText: duration(limits.absoluteMs),
  }
}

/** '30 minutes', '12 hours', '1 minute'. */
function duration(ms: number): string {
  const [n, unit] =
    ms % 3_600_000 === 0
      ? [ms / 3_600_000, 'hour']
      : ms % 60_000 === 0
        ? [ms / 60_000, 'minute']
        : [Math.round(ms / 1000), 'second']
  return `${n} ${unit}${n === 1 ? '' : 's'}`
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
    const signedInAt = req.session.signedInAt ?? 0
    const idleDeadline = (req.session.lastSeenAt ?? 0) + limits.idleMs
    const limitDeadline = signedInAt + limits.absoluteMs
    const idle = now > idleDeadline
    const expired = now > limitDeadline
    const scope = idle || expired ? undefined : await services.auth.scopeFor(personId)
    if (!scope) {
      // Whichever deadline passed first is the reason the person is given.
      const reason =
        !idle && !expired ? undefined : expired && limitDeadline <= idleDeadline ? 'session-limit' : 'timed-out'
      const partial = await services.auth.scopeFor(personId)
      if (partial && reason) await services.auth.recordSignOut(partial, reason)
      await new Promise<void>((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
      req.session.flash =
        reason === 'session-limit'
          ? `You were signed out because you had been signed in for ${duration(limits.absoluteMs)}, the longest a session can last. Sign in again to continue.`
          : reason === 'timed-out'
            ? `You were signed out because you had not done anything for ${duration(limits.idleMs)}. Sign in again to continue.`
            : 'You have been signed out.'
      return next()
    }
    req.scope = scope
    // The keep-alive ping and ordinary page views both count as activity.
    req.session.lastSeenAt = now
    const timing = sessionTiming(now, signedInAt, limits)
    res.locals.sessionTiming = timing
    res.locals.sessionExpiresAt = timing.endsAt
    next()
  }
}
