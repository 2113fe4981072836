import { features } from '../features'
import type { Feature } from '../features/feature'
import { CHILD_DATA, type Access } from './access'
import { mergePolicies } from './guardedRouter'

type KeysOf<F> = F extends Feature<infer P> ? keyof P & string : never

/** Every route key any capability declares, e.g. `'GET /evidence'`. */
export type RouteKey = KeysOf<(typeof features)[number]>

/**
 * The one route-by-role table: the capabilities' fragments merged (deny by default: a route
 * registered without an entry, or an entry without a route, stops the app at start-up).
 */
export const policy = mergePolicies(Object.fromEntries(features.map((f) => [f.name, f.policy]))) as Readonly<
  Record<RouteKey, Access>
>

/** Routes to child-level data: their agency leads must also work for the LA's children's services. */
export const CHILD_DATA_ROUTES: ReadonlySet<string> = new Set(
  Object.entries(policy)
    .filter(([, access]) => access === CHILD_DATA)
    .map(([key]) => key),
)

const MULTIPART: readonly RegExp[] = features.flatMap((f) => f.multipart ?? [])

/** Whether the app-wide CSRF check leaves this POST path to its route (see Feature.multipart). */
export function isMultipartRoute(path: string): boolean {
  return MULTIPART.some((p) => p.test(path))
}
