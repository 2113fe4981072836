import type { Services } from '../../services'
import type { Routes } from '../../web/routes'
import { pageNumber, queryText } from '../../web/forms'
import { MAX_YEAR, MIN_YEAR } from '../../web/dateInput'

const PAGE_SIZE = 50

export function auditRoutes(routes: Routes, services: Services): void {
  routes.get('/audit', async (req, res, { scope }) => {
    const q = req.query as Record<string, unknown>
    const text = (k: string) => queryText(q[k])
    const day = (k: string) => {
      const v = text(k)
      return v &&
        /^\d{4}-\d{2}-\d{2}$/.test(v) &&
        !Number.isNaN(Date.parse(v)) &&
        Number(v.slice(0, 4)) >= MIN_YEAR &&
        Number(v.slice(0, 4)) <= MAX_YEAR
        ? v
        : undefined
    }
    const page = pageNumber(q.page)
    const from = day('from')
    const to = day('to')
    const filter = {
      action: text('action'),
      entityType: text('type'),
      actorId: text('person'),
      from: from ? londonMidnight(from) : undefined,
      to: to ? new Date(londonMidnight(to).getTime() + 86_400_000) : undefined,
    }
    const [{ rows, total }, options, people] = await Promise.all([
      services.audit.list(scope, filter, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
      services.audit.filterOptions(scope),
      services.directory.listPeople(scope, { includeDisabled: true }),
    ])
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const params = new URLSearchParams(
      Object.entries({ action: filter.action, type: filter.entityType, person: filter.actorId, from, to }).filter(
        (e): e is [string, string] => Boolean(e[1]),
      ),
    )
    const link = (p: number) => `/audit?${new URLSearchParams([...params, ['page', String(p)]]).toString()}`
    res.render('audit/views/index.njk', {
      rows,
      total,
      page,
      pages,
      filter: {
        action: filter.action ?? '',
        type: filter.entityType ?? '',
        person: filter.actorId ?? '',
        from: from ?? '',
        to: to ?? '',
      },
      actionItems: [{ value: '', text: 'Any action' }, ...options.actions.map((a) => ({ value: a, text: a }))],
      typeItems: [{ value: '', text: 'Anything' }, ...options.entityTypes.map((t) => ({ value: t, text: t }))],
      personItems: [{ value: '', text: 'Anyone' }, ...people.map((p) => ({ value: p.id, text: p.name }))],
      pagination:
        pages > 1
          ? {
              previous: page > 1 ? { href: link(page - 1) } : undefined,
              next: page < pages ? { href: link(page + 1) } : undefined,
              items: pageItems(page, pages, link),
            }
          : undefined,
    })
  })
}

function pageItems(page: number, pages: number, link: (p: number) => string) {
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  for (let p = 1; p <= pages; p++) {
    if (p === 1 || p === pages || Math.abs(p - page) <= 1) items.push({ number: p, href: link(p), current: p === page })
    else if (!('ellipsis' in (items[items.length - 1] ?? {}))) items.push({ ellipsis: true })
  }
  return items
}

/** Midnight at the start of a calendar day in UK time. */
function londonMidnight(iso: string): Date {
  const noonUtc = new Date(`${iso}T12:00:00Z`)
  const londonHour = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(noonUtc),
  )
  return new Date(noonUtc.getTime() - londonHour * 3_600_000)
}
