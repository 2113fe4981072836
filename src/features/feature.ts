import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Services } from '../services'
import type { PolicyFragment } from '../web/access'
import type { RouteOptions, Routes } from '../web/routes'

/**
 * What a capability declares to the rest of the app (see "How to add a capability" in
 * docs/architecture.md). Its service is built by the composition root (src/services.ts) from the
 * explicit dependencies its `create…Service(deps)` names; everything here is looped over.
 */
export interface Feature<P extends PolicyFragment = PolicyFragment> {
  /** For messages: "the evidence capability registers …". */
  readonly name: string
  /** Its entries in the route-by-role table; every route it registers must be named here. */
  readonly policy: P
  /**
   * POST routes that take multipart/form-data (a file), matched against the whole path. Their CSRF
   * token is inside the multipart body, so the app-wide check leaves them to the route, which
   * verifies it straight after parsing, before anything is kept.
   */
  readonly multipart?: readonly RegExp[]
  /** Registers its routes on the policy-checked router. */
  readonly routes?: (routes: Routes, services: Services, options: RouteOptions) => void
  /**
   * For the file store's sweep: of `keys`, those its tables still point at. A capability that keeps
   * file-store keys must answer, or the sweep would delete its files.
   */
  readonly referencedFileKeys?: (db: Kysely<Database>, keys: string[]) => Promise<Set<string>>
}

/** Declares a capability, keeping its policy's literal route keys for typed look-ups. */
export function defineFeature<const P extends PolicyFragment>(feature: Feature<P>): Feature<P> {
  return feature
}
