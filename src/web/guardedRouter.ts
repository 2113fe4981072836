import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import type { Role } from '../domain/directory'
import { allows, type Access } from './policy'

export type Handler = (req: Request, res: Response, next: NextFunction) => unknown

/**
 * An Express router that refuses to register a route the policy table does not name, and puts the
 * policy check in front of every handler. `assertComplete` fails when the table names a route
 * nobody registered, so the table and the app cannot drift apart.
 */
export function guardedRouter(table: Record<string, Access>) {
  const router = Router()
  const registered = new Set<string>()

  function add(method: 'get' | 'post', path: string, handlers: Handler[]) {
    const key = `${method.toUpperCase()} ${path}`
    const access = table[key]
    if (access === undefined) throw new Error(`Route ${key} has no entry in the policy table (src/web/policy.ts). Add one before starting the app.`)
    if (registered.has(key)) throw new Error(`Route ${key} is registered twice`)
    registered.add(key)
    router[method](path, authorise(access), ...(handlers.map(wrap)))
  }

  return {
    router,
    get: (path: string, ...handlers: Handler[]) => add('get', path, handlers),
    post: (path: string, ...handlers: Handler[]) => add('post', path, handlers),
    assertComplete() {
      const missing = Object.keys(table).filter((k) => !registered.has(k))
      if (missing.length) throw new Error(`The policy table names routes that do not exist: ${missing.join(', ')}`)
    },
  }
}

function authorise(access: Access): RequestHandler {
  return (req, res, next) => {
    const roles: readonly Role[] | undefined = req.scope?.roles
    if (allows(access, roles)) return next()
    if (!req.scope) {
      if (req.method === 'GET') req.session.returnTo = req.originalUrl
      return res.redirect(303, '/sign-in')
    }
    res.status(403).render('errors/forbidden.njk')
  }
}

/** Express 5 passes rejected promises to the error handler; this also types the handlers. */
function wrap(handler: Handler): RequestHandler {
  return (req, res, next) => handler(req, res, next) as void
}
