import type { Services } from '../../../services'
import type { Routes } from '..'

export function pageRoutes(routes: Routes, services: Services): void {
  routes.get('/health', async (_req, res) => {
    try {
      await services.health()
      res.set('Cache-Control', 'no-store').json({ status: 'ok', database: 'ok' })
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable', database: 'unreachable' })
    }
  })
  routes.get('/accessibility', (_req, res) => res.render('pages/static/accessibility.njk'))
  routes.get('/cookies', (_req, res) => res.render('pages/static/cookies.njk'))

  routes.get('/', async (req, res) => {
    const scope = req.scope!
    const [agencies, people] = await Promise.all([services.directory.listAgencies(scope), services.directory.listPeople(scope)])
    const withoutApprover = agencies.filter((a) => !a.senior_approver_id)
    res.render('pages/home.njk', { agencies, people, withoutApprover })
  })
}
