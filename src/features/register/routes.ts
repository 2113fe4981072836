import type { Request } from 'express'
import { AGE_BANDS, type AgeBand, type RegisterFilter } from '../annexA/repository'
import type { Services } from '../../services'
import type { Routes } from '../../web/routes'
import { codeLabel, presentChild } from './presenters'
import { pageNumber, queryText } from '../../web/forms'

export const AGE_BAND_LABELS: Record<AgeBand, string> = {
  'under-5': 'Under 5',
  '5-9': '5 to 9',
  '10-15': '10 to 15',
  '16-17': '16 to 17',
  '18-plus': '18 and over',
  unknown: 'Date of birth not given',
}

function readFilter(req: Request): RegisterFilter & { page: number } {
  const q = req.query as Record<string, unknown>
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

/** Named registerRoutes in its own module; index.ts imports it as childRegisterRoutes. */
export function registerRoutes(routes: Routes, services: Services): void {
  const { register } = services

  routes.get('/register', async (req, res, { scope }) => {
    const filter = readFilter(req)
    const { rows, total, facets, library } = await register.list(scope, filter, filter.page)
    const pages = Math.max(1, Math.ceil(total / register.pageSize))
    const params = new URLSearchParams(
      Object.entries({
        list: filter.list,
        legalStatus: filter.legalStatus,
        ethnicity: filter.ethnicity,
        disability: filter.disability,
        age: filter.ageBand,
        theme: filter.theme ? 'yes' : undefined,
      }).filter((e): e is [string, string] => Boolean(e[1])),
    )
    const link = (p: number) => `/register?${new URLSearchParams([...params, ['page', String(p)]]).toString()}`
    const label = (column: string, code: string | null) => codeLabel(library, column, code)
    const any = (text: string) => [{ value: '', text }]
    res.render('register/views/index.njk', {
      rows: rows.map((r) => ({
        ...r,
        sexLabel: label('gender', r.sex),
        ethnicityLabel: label('ethnicity', r.ethnicity),
        disabilityLabel: label('does_the_child_have_a_disability', r.disability),
        legalStatusLabel: label('child_s_legal_status', r.legal_status),
      })),
      total,
      filtered: params.size > 0,
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
    })
  })

  routes.get('/register/children/:rowId', async (_req, res, { scope, params }) => {
    const child = await register.view(scope, params.rowId)
    res.setHeader('Cache-Control', 'no-store')
    res.render('register/views/child.njk', { child: presentChild(child) })
  })
}
