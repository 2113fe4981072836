import type { Services } from '../../services'
import { londonNow } from '../../domain/calendar'
import type { Scope } from '../../shared/scope'
import { dayOfInspection, describeInspection, myTasks, nextDeadline } from '../inspections/presenters'
import type { Routes } from '../../web/routes'
import { allows } from '../../web/access'
// The evidence capability's own fragment of the route table (web/policy imports every feature, this one included).
import { evidencePolicy } from '../evidence/policy'

/**
 * What waits for the person in the evidence library (to approve, confirm or sign off), for a link
 * to their approvals list; null for those who never approve or sign off anything.
 */
async function approvalsSummary(services: Services, scope: Scope) {
  if (!allows(evidencePolicy['GET /evidence/approvals'], scope.roles)) return null
  const inbox = await services.evidence.inbox(scope)
  const count = inbox.toApprove.length + inbox.toConfirm.length + inbox.toSignOff.length
  const approves = scope.roles.some(
    (r) => r === 'senior-approver' || r === 'administrator' || r === 'inspection-coordinator',
  )
  if (count === 0 && !approves) return null
  return {
    count,
    toApprove: inbox.toApprove.length,
    toConfirm: inbox.toConfirm.length,
    toSignOff: inbox.toSignOff.length,
  }
}

/** What the home page says about the current inspection: its day, the next deadline and what is due. */
async function inspectionSummary(services: Services, scope: Scope) {
  const t = await services.inspections.current(scope)
  if (!t) return null
  const now = londonNow(services.clock.now())
  const due = t.milestones.filter((m) => m.date === now.date)
  const mine = myTasks(t, scope, now, 3)
  return {
    id: t.inspection.id,
    practice: t.inspection.practice,
    title: describeInspection(t),
    dayOf: dayOfInspection(t, now),
    countdown: nextDeadline(t, now),
    dueToday: due.map((m) => ({ title: m.title, time: m.time, done: m.completion !== null })),
    mine,
    mineOpenToday: mine.today.filter((m) => !m.done).length,
  }
}

export function pageRoutes(routes: Routes, services: Services): void {
  routes.get('/health', async (_req, res) => {
    try {
      await services.health()
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database: 'ok' })
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable', database: 'unreachable' })
    }
  })
  routes.get('/accessibility', (_req, res) => res.render('home/views/accessibility.njk'))
  routes.get('/cookies', (_req, res) => res.render('home/views/cookies.njk'))

  routes.get('/', async (_req, res, { scope }) => {
    const [agencies, people] = await Promise.all([
      services.directory.listAgencies(scope),
      services.directory.listPeople(scope),
    ])
    const withoutApprover = agencies.filter((a) => !a.senior_approver_id)
    const inspection = await inspectionSummary(services, scope)
    const approvals = await approvalsSummary(services, scope)
    if (inspection?.practice) res.locals.practice = true
    res.render('home/views/home.njk', { agencies, people, withoutApprover, inspection, approvals })
  })
}
