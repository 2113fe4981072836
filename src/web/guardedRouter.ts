import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import type { Role } from '../domain/directory'
import type { Scope } from '../shared/scope'
import type { z } from 'zod'
import { allows, type Access, type PolicyFragment } from './access'
import { formHandler, type FormSpec } from './forms'

/** The names of a path's parameters: `'/a/:x/b/:y'` → `'x' | 'y'`. */
export type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never

/** What a handler is given besides the request and response. */
export interface RouteContext<P extends string> {
  /** The signed-in person's scope. Only for routes the policy keeps from signed-out people. */
  readonly scope: Scope
  /** The person's scope on a public route, when they are signed in. */
  readonly signedIn: Scope | undefined
  /** The path's parameters, by name, as text. */
  readonly params: { readonly [K in ParamNames<P>]: string }
  readonly next: NextFunction
}

export type Handler<P extends string = string> = (req: Request, res: Response, ctx: RouteContext<P>) => unknown

/**
 * An Express router that refuses to register a route the policy table does not name, and puts the
 * policy check in front of every handler. `assertComplete` fails when the table names a route
 * nobody registered, so the table and the app cannot drift apart. The table is the capabilities'
 * fragments merged; a route two capabilities both claim stops start-up.
 */
export function guardedRouter(fragments: Readonly<Record<string, PolicyFragment>>) {
  const table = mergePolicies(fragments)
  const router = Router()
  const registered = new Set<string>()

  function add<P extends string>(method: 'get' | 'post', path: P, handlers: Handler<P>[]) {
    const key = `${method.toUpperCase()} ${path}`
    const access = table[key]
    if (access === undefined)
      throw new Error(
        `Route ${key} has no entry in the policy table (its capability's policy.ts). Add one before starting the app.`,
      )
    if (registered.has(key)) throw new Error(`Route ${key} is registered twice`)
    registered.add(key)
    router[method](path, authorise(access), ...handlers.map(wrap))
  }

  return {
    router,
    get: <P extends string>(path: P, ...handlers: Handler<P>[]) => add('get', path, handlers),
    post: <P extends string>(path: P, ...handlers: Handler<P>[]) => add('post', path, handlers),
    /** A form post: parse with the schema, do the work and redirect, or show the page again (see FormSpec). */
    form: <P extends string, S extends z.ZodType>(path: P, spec: FormSpec<S, P>) =>
      add('post', path, [formHandler(spec)]),
    assertComplete() {
      const missing = Object.keys(table).filter((k) => !registered.has(k))
      if (missing.length) throw new Error(`The policy table names routes that do not exist: ${missing.join(', ')}`)
    },
  }
}

/** The one route-by-role table, from each capability's fragment; a key in two fragments is refused. */
export function mergePolicies(fragments: Readonly<Record<string, PolicyFragment>>): Record<string, Access> {
  const table: Record<string, Access> = {}
  const owner: Record<string, string> = {}
  for (const [name, fragment] of Object.entries(fragments)) {
    for (const [key, access] of Object.entries(fragment)) {
      if (key in table)
        throw new Error(`Route ${key} is in the policies of both ${owner[key] ?? 'another capability'} and ${name}`)
      table[key] = access
      owner[key] = name
    }
  }
  return table
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

/** Gives the handler its context; Express 5 passes rejected promises to the error handler. */
function wrap<P extends string>(handler: Handler<P>): RequestHandler {
  return (req, res, next) => {
    const ctx: RouteContext<P> = {
      get scope(): Scope {
        if (!req.scope)
          throw new Error(
            `${req.method} ${req.path} used the scope of a signed-out request: give it a signed-in policy entry`,
          )
        return req.scope
      },
      signedIn: req.scope,
      params: req.params as RouteContext<P>['params'],
      next,
    }
    // Express 5 passes a returned promise's rejection to the error handler.
    return handler(req, res, ctx)
  }
}
