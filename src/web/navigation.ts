import { allows } from './access'
import { policy, type RouteKey } from './policy'
import { mayReadChildData } from '../features/annexA/access'
import type { Scope } from '../shared/scope'

interface NavItem {
  text: string
  href: string
  route: RouteKey
  /** Child-level data: shown only to those who may read it, not just those whose role passes the policy. */
  childData?: boolean
}

const ITEMS: NavItem[] = [
  { text: 'Home', href: '/', route: 'GET /' },
  { text: 'Agencies', href: '/agencies', route: 'GET /agencies' },
  { text: 'People', href: '/people', route: 'GET /people' },
  { text: 'Inspections', href: '/inspections', route: 'GET /inspections' },
  { text: 'Frameworks', href: '/frameworks', route: 'GET /frameworks' },
  { text: 'Working days', href: '/holidays', route: 'GET /holidays' },
  { text: 'Evidence', href: '/evidence', route: 'GET /evidence' },
  { text: 'Annex A', href: '/annex-a', route: 'GET /annex-a', childData: true },
  { text: 'Child register', href: '/register', route: 'GET /register', childData: true },
  { text: 'Case tracking', href: '/case-tracking', route: 'GET /case-tracking' },
  { text: 'Case audit', href: '/case-audit', route: 'GET /case-audit', childData: true },
  { text: 'Audit tools', href: '/case-audit/tools', route: 'GET /case-audit/tools' },
  { text: 'Audit log', href: '/audit', route: 'GET /audit' },
  { text: 'Notifications', href: '/notifications', route: 'GET /notifications' },
]

/**
 * Service navigation items the signed-in person may use, with the current section marked and the
 * number of their unread notifications: "Notifications (3)", read out as "3 unread".
 */
export function navigationFor(scope: Scope | undefined, path: string, unread = 0) {
  if (!scope) return []
  const visible = ITEMS.filter((i) => allows(policy[i.route], scope.roles) && (!i.childData || mayReadChildData(scope)))
  const within = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`))
  // The section is the longest item the path is within ("/case-audit/tools" is Audit tools, not Case audit).
  const current = visible.filter((i) => within(i.href)).sort((x, y) => y.href.length - x.href.length)[0]?.href
  return visible.map((i) => ({
    text: i.text,
    ...(i.href === '/notifications' && unread > 0
      ? { html: `${i.text} (${unread}<span class="govuk-visually-hidden"> unread</span>)` }
      : {}),
    href: i.href,
    active: i.href === current,
  }))
}
