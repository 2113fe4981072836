import { formatDate, isIsoDate } from '../../domain/calendar'
import type { Services } from '../../services'
import type { Routes } from '../../web/routes'
import { errorList, pageNumber, queryText, type FieldErrors } from '../../web/forms'
import { dateInputValues, MAX_YEAR, MIN_YEAR, readDateInput } from '../../web/dateInput'
import { actionInWords, entityInWords } from './actionWords'

const PAGE_SIZE = 50

export function auditRoutes(routes: Routes, services: Services): void {
  routes.get('/audit', async (req, res, { scope }) => {
    const q = req.query as Record<string, unknown>
    const text = (k: string) => queryText(q[k])
    // A date filter comes from its GOV.UK date input (from-day, from-month, from-year), or as
    // 'YYYY-MM-DD' from a page link. A date that is not real is said so, and not applied.
    const errors: FieldErrors = {}
    const day = (k: 'from' | 'to', label: string) => {
      const typed = readDateInput(q, k, label)
      if ('error' in typed) {
        errors[k] = typed.error
        return undefined
      }
      if (typed.value) return typed.value
      const v = text(k)
      return v && isIsoDate(v) && Number(v.slice(0, 4)) >= MIN_YEAR && Number(v.slice(0, 4)) <= MAX_YEAR ? v : undefined
    }
    const page = pageNumber(q.page)
    const from = day('from', 'The from date')
    const to = day('to', 'The to date')
    if (from && to && to < from) errors.to = 'The to date must be the same as or after the from date'
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
      rows: rows.map((r) => ({
        ...r,
        actionText: actionInWords(r.action),
        // Summaries are stored as written (the chain covers them); their ISO dates are shown as UK dates.
        summaryText: r.summary.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => (isIsoDate(iso) ? formatDate(iso) : iso)),
      })),
      total,
      errors,
      errorList: errorList(errors, ['from', 'to'], { from: 'from-day', to: 'to-day' }),
      page,
      pages,
      filter: {
        action: filter.action ?? '',
        type: filter.entityType ?? '',
        person: filter.actorId ?? '',
      },
      // What was typed, shown again; or the dates a page link carried.
      dateValues: {
        ...(from ? dateInputValues('from', from) : pick(q, 'from')),
        ...(to ? dateInputValues('to', to) : pick(q, 'to')),
      },
      actionItems: [
        { value: '', text: 'Any action' },
        ...options.actions
          .map((a) => ({ value: a, text: actionInWords(a) }))
          .sort((x, y) => x.text.localeCompare(y.text, 'en-GB')),
      ],
      typeItems: [
        { value: '', text: 'Anything' },
        ...options.entityTypes
          .map((t) => ({ value: t, text: entityInWords(t) }))
          .sort((x, y) => x.text.localeCompare(y.text, 'en-GB')),
      ],
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

/** A date input's three fields as typed, for showing the form again. */
function pick(q: Record<string, unknown>, name: string): Record<string, string> {
  return Object.fromEntries(
    ['day', 'month', 'year'].map((p) => {
      const v = q[`${name}-${p}`]
      return [`${name}-${p}`, typeof v === 'string' ? v.slice(0, 20) : '']
    }),
  )
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
