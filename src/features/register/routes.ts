import type { Request } from 'express'
import { AGE_BANDS, type AgeBand, type RegisterFilter } from '../annexA/repository'
import type { Services } from '../../services'
import type { Scope } from '../../shared/scope'
import type { Routes } from '../../web/routes'
import { codeLabel, presentChild } from './presenters'
import { bodyOf, pageNumber, queryText } from '../../web/forms'
import { REGISTER_SEARCH_FIELDS, registerSearchSchema } from './schemas'

declare module 'express-session' {
  interface SessionData {
    /**
     * The Child Unique ID (or its start) the register is searched by. Kept in the session, not the
     * address, so a child's ID never reaches a URL, the browser's history or a server log.
     */
    registerSearch: string
  }
}

const INDEX = 'register/views/index.njk'

export const AGE_BAND_LABELS: Record<AgeBand, string> = {
  'under-5': 'Under 5',
  '5-9': '5 to 9',
  '10-15': '10 to 15',
  '16-17': '16 to 17',
  '18-plus': '18 and over',
  unknown: 'Date of birth not given',
}

/** The filters (and page) from the query string, or from the search form's hidden fields. */
function readFilter(q: Record<string, unknown>): RegisterFilter & { page: number } {
  const text = (k: string) => queryText(q[k])
  const band = text('age')
  return {
    list: text('list'),
    legalStatus: text('legalStatus'),
    ethnicity: text('ethnicity'),
    disability: text('disability'),
    ageBand: band && (Object.hasOwn(AGE_BANDS, band) || band === 'unknown') ? (band as AgeBand) : undefined,
    theme: text('theme') === 'yes' ? true : undefined,
    page: pageNumber(q.page),
  }
}

/** The filters as a query string (never the ID searched for, which stays in the session). */
function filterParams(filter: RegisterFilter): URLSearchParams {
  return new URLSearchParams(
    Object.entries({
      list: filter.list,
      legalStatus: filter.legalStatus,
      ethnicity: filter.ethnicity,
      disability: filter.disability,
      age: filter.ageBand,
      theme: filter.theme ? 'yes' : undefined,
    }).filter((e): e is [string, string] => Boolean(e[1])),
  )
}

/** Named registerRoutes in its own module; index.ts imports it as childRegisterRoutes. */
export function registerRoutes(routes: Routes, services: Services): void {
  const { register } = services

  /** Everything the register page shows, for the filters in the address and the search in the session. */
  async function registerPage(req: Request, scope: Scope, source: Record<string, unknown>) {
    const filter = readFilter(source)
    const childId = req.session.registerSearch
    const { rows, total, facets, library } = await register.list(scope, { ...filter, childId }, filter.page)
    const pages = Math.max(1, Math.ceil(total / register.pageSize))
    const params = filterParams(filter)
    const link = (p: number) => `/register?${new URLSearchParams([...params, ['page', String(p)]]).toString()}`
    const label = (column: string, code: string | null) => codeLabel(library, column, code)
    const any = (text: string) => [{ value: '', text }]
    return {
      rows: rows.map((r) => ({
        ...r,
        sexLabel: label('gender', r.sex),
        ethnicityLabel: label('ethnicity', r.ethnicity),
        disabilityLabel: label('does_the_child_have_a_disability', r.disability),
        legalStatusLabel: label('child_s_legal_status', r.legal_status),
      })),
      total,
      filtered: params.size > 0,
      search: childId ?? '',
      filter: {
        list: filter.list ?? '',
        legalStatus: filter.legalStatus ?? '',
        ethnicity: filter.ethnicity ?? '',
        disability: filter.disability ?? '',
        age: filter.ageBand ?? '',
        theme: filter.theme ? 'yes' : '',
      },
      listItems: [
        ...any('Any list'),
        ...facets.lists.map((l) => ({
          value: l,
          text: `${l}: ${library.lists.find((s) => s.key === l)?.title ?? ''}`,
        })),
      ],
      legalStatusItems: [
        ...any('Any legal status'),
        ...facets.legalStatuses.map((c) => ({ value: c, text: label('child_s_legal_status', c) })),
      ],
      ethnicityItems: [
        ...any('Any ethnicity'),
        ...facets.ethnicities.map((c) => ({ value: c, text: label('ethnicity', c) })),
      ],
      disabilityItems: [
        ...any('Any'),
        ...facets.disabilities.map((c) => ({ value: c, text: label('does_the_child_have_a_disability', c) })),
      ],
      ageItems: [...any('Any age'), ...Object.entries(AGE_BAND_LABELS).map(([value, text]) => ({ value, text }))],
      hasTheme: facets.hasTheme,
      pagination:
        pages > 1
          ? {
              previous: filter.page > 1 ? { href: link(filter.page - 1) } : undefined,
              next: filter.page < pages ? { href: link(filter.page + 1) } : undefined,
              items: Array.from({ length: pages }, (_, i) => ({
                number: i + 1,
                href: link(i + 1),
                current: i + 1 === filter.page,
              })),
            }
          : undefined,
    }
  }

  routes.get('/register', async (req, res, { scope }) => {
    res.render(INDEX, {
      ...(await registerPage(req, scope, req.query)),
      values: { childId: req.session.registerSearch ?? '' },
    })
  })

  // Searching by Child Unique ID: the ID is kept in the session and the register shown again with the
  // same filters, so it never appears in an address.
  routes.form('/register/search', {
    view: INDEX,
    schema: registerSearchSchema,
    order: REGISTER_SEARCH_FIELDS,
    context: (req, { scope }) => registerPage(req, scope, bodyOf(req)),
    async onValid(form, req, { scope }) {
      await register.requireAccess(scope)
      if (form.action === 'clear' || !form.childId) delete req.session.registerSearch
      else req.session.registerSearch = form.childId
      const params = filterParams(readFilter(form))
      return params.size ? `/register?${params.toString()}` : '/register'
    },
  })

  routes.get('/register/children/:rowId', async (_req, res, { scope, params }) => {
    const child = await register.view(scope, params.rowId)
    res.setHeader('Cache-Control', 'no-store')
    res.render('register/views/child.njk', { child: presentChild(child) })
  })
}
