import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type ErrorRequestHandler, type Express } from 'express'
import session from 'express-session'
import { csrfSync } from 'csrf-sync'
import type { Kysely } from 'kysely'
import type { Database } from './db/schema'
import type { Clock } from './domain/clock'
import type { Logger } from './logger'
import type { Services } from './services'
import { AppError, ForbiddenError, NotFoundError, statusOf } from './shared/errors'
import { setUpAuth } from './web/middleware/auth'
import { setUpSecurity } from './web/middleware/security'
import { DatabaseSessionStore } from './web/middleware/sessionStore'
import { setUpNunjucks } from './web/nunjucksSetup'
import { registerRoutes } from './web/routes'
import { navigationFor } from './web/navigation'
import { allows } from './web/access'
import { isMultipartRoute, policy, type RouteKey } from './web/policy'

const here = dirname(fileURLToPath(import.meta.url))

export interface AppOptions {
  services: Services
  /** The database, for the session store. */
  db: Kysely<Database>
  clock: Clock
  logger: Logger
  sessionSecret: string
  sessionIdleMs: number
  sessionAbsoluteMs: number
  /** How long before a session ends the warning appears; 2 minutes when omitted. */
  sessionWarningMs?: number
  secureCookies: boolean
  baseUrl: string
  /** The largest upload accepted, in bytes (MAX_UPLOAD_MB). */
  maxUploadBytes: number
  /** Whether a mail server is configured (SMTP_URL); false when omitted. */
  mailConfigured?: boolean
  publicDir?: string
}

/** Builds the web app from its services. Tests call this with an in-memory database and a fake clock. */
export function createApp(options: AppOptions): { app: Express; sessionStore: DatabaseSessionStore } {
  const { services, clock, logger } = options
  const app = express()
  app.set('trust proxy', 'loopback')
  app.set('query parser', 'simple')
  setUpSecurity(app)
  setUpNunjucks(app)

  app.use(requestLogger(logger))
  // Our own icon (no GOV.UK crown), served from the source folder: nothing to build.
  app.use(
    '/assets/images',
    express.static(join(here, 'web', 'assets', 'images'), { maxAge: '1d', index: false, fallthrough: true }),
  )
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/images/icon.svg'))
  app.use(
    '/assets',
    express.static(options.publicDir ?? join(here, '..', 'public'), { maxAge: '1h', index: false, fallthrough: true }),
  )
  // A missing asset is not a page: a plain 404, with no session and no cookie.
  app.use('/assets', (_req, res) => {
    res.status(404).type('text/plain').send('Not found')
  })

  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }))
  app.use(express.json({ limit: '16kb' }))

  // The cookie and the stored row outlive the idle limit by an hour: the auth middleware enforces
  // the limits exactly, and a session it can still find lets it tell the person why they were
  // signed out. Without the grace the row and cookie vanish first and the sign-in page says nothing.
  const keepMs = options.sessionIdleMs + 60 * 60_000
  const sessionStore = new DatabaseSessionStore(options.db, clock, keepMs)
  app.use(
    session({
      name: 'jtai.sid',
      store: sessionStore,
      secret: options.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: keepMs },
    }),
  )
  app.use(
    setUpAuth(services, clock, {
      idleMs: options.sessionIdleMs,
      absoluteMs: options.sessionAbsoluteMs,
      warningMs: options.sessionWarningMs ?? 2 * 60_000,
    }),
  )

  const { csrfSynchronisedProtection, generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined
      return (typeof body?._csrf === 'string' ? body._csrf : undefined) ?? req.get('x-csrf-token')
    },
  })
  app.use(async (req, res, next) => {
    // The token, and so the session that keeps it, is made only when a page is rendered: /health,
    // JSON answers and redirects create no session row and send no cookie. Every rendered page
    // (every page with a form) still has its token.
    Object.defineProperty(res.locals, 'csrfToken', {
      enumerable: true,
      configurable: true,
      get: () => generateToken(req),
    })
    res.locals.scope = req.scope
    res.locals.currentPath = req.path
    res.locals.partnershipName = req.scope
      ? (req.scope.partnershipName ?? (await services.directory.partnershipName(req.scope.partnershipId)))
      : undefined
    // The header's count of unread notifications: one indexed count per signed-in request.
    res.locals.navigation = navigationFor(
      req.scope,
      req.path,
      req.scope ? await services.notifications.unreadCount(req.scope) : 0,
    )
    // Whether the person may use a route, from the same table that guards it: pages show only the
    // buttons and links their reader may use, e.g. {% if can('POST /inspections/:inspectionId/...') %}.
    res.locals.can = (route: RouteKey) => allows(policy[route], req.scope?.roles)
    // Nothing a signed-in person sees is kept by the browser or a proxy: after signing out, Back shows
    // no child data, names or plans (downloads already send no-store).
    if (req.scope) res.setHeader('Cache-Control', 'no-store')
    // A message kept for the next page is shown (and forgotten) only when a page is rendered, so a
    // redirect on the way (to sign-in, say) does not swallow it.
    if (req.session.flash && req.method === 'GET') {
      Object.defineProperty(res.locals, 'flash', {
        enumerable: true,
        configurable: true,
        get: () => {
          const flash = req.session.flash
          delete req.session.flash
          return flash
        },
      })
    }
    next()
  })
  // Upload routes carry the token inside the multipart body: they parse it, then call
  // req.app.locals.csrfRequestValid(req) themselves before keeping anything (see MULTIPART_ROUTES).
  app.locals.csrfRequestValid = isRequestValid
  app.use((req, res, next) => {
    if (req.method === 'POST' && isMultipartRoute(req.path) && req.is('multipart/form-data')) return next()
    csrfSynchronisedProtection(req, res, next)
  })

  registerRoutes(app, services, {
    baseUrl: options.baseUrl,
    clock,
    maxUploadBytes: options.maxUploadBytes,
    mailConfigured: options.mailConfigured ?? false,
  })

  app.use((_req, res) => {
    res.status(404).render('errors/not-found.njk')
  })
  app.use(errorHandler(logger))
  return { app, sessionStore }
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      logger.error({ err: error }, 'error after response started')
      return
    }
    const code = (error as { code?: string }).code
    if (code === 'EBADCSRFTOKEN' || (error as { message?: string }).message === 'invalid csrf token') {
      return res.status(403).render('errors/session-expired.njk')
    }
    const status =
      (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode
    if (error instanceof AppError) {
      const view =
        error instanceof NotFoundError
          ? 'errors/not-found.njk'
          : error instanceof ForbiddenError
            ? 'errors/forbidden.njk'
            : 'errors/problem.njk'
      return res.status(statusOf(error)).render(view, { message: error.message })
    }
    if (status === 413)
      return res
        .status(413)
        .render('errors/problem.njk', { message: 'What you sent is too large. Go back and send less.' })
    // Express's own refusals of a request it cannot read: a body (entity.*), or a badly encoded
    // path parameter such as /people/%C0%AF. Their messages repeat the input, so they are not shown.
    if (status === 400) {
      const what = (error as { type?: string }).type?.startsWith('entity.')
        ? 'What you sent'
        : 'The address of this page'
      return res
        .status(400)
        .render('errors/problem.njk', { message: `${what} could not be read. Go back and try again.` })
    }
    logger.error({ err: error, method: req.method, route: routePattern(req) }, 'unhandled error')
    res.status(500).render('errors/server-error.njk')
  }
}

/** The pattern of the route that matched ('/people/:personId'), never the URL with its ids. */
function routePattern(req: express.Request): string | undefined {
  const route = req.route as { path?: unknown } | undefined
  return typeof route?.path === 'string' ? route.path : undefined
}

/** One line per request, with the route pattern rather than the URL so no token or id is logged. */
function requestLogger(logger: Logger): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      const pattern = routePattern(req)
      const route = pattern ? `${req.baseUrl}${pattern}` : req.path.startsWith('/assets/') ? '/assets' : '(unmatched)'
      logger.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms) }, 'request')
    })
    next()
  }
}
