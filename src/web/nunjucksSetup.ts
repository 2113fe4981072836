import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express } from 'express'
import nunjucks from 'nunjucks'
import { formatDate, formatDateTime, isIsoDate } from '../domain/calendar'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const govukDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')

/** An instant from a Date or a timestamp's text; undefined for nothing or for text that is not one. */
function instantOf(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? undefined : at
}

/**
 * The `date` filter: "2 December 2026". A calendar date ('YYYY-MM-DD') is shown as it is; an
 * instant (a Date, or a timestamp's text) as its date on UK clocks, so 23:30 UTC on 1 June is
 * 2 June. Nothing shows nothing; anything else is shown as it came.
 */
export function dateFilter(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string' && isIsoDate(value)) return formatDate(value)
  const at = instantOf(value)
  return at ? formatDate(at) : shownAsItCame(value)
}

/** Something that is not a date, shown as it came (text and numbers), or nothing. */
function shownAsItCame(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
}

/** The `dateTime` filter: an instant on UK clocks (British Summer Time included), "2 December 2026 at 9:05am". */
export function dateTimeFilter(value: unknown): string {
  if (value === null || value === undefined || value === '') return ''
  const at = instantOf(value)
  if (!at) return shownAsItCame(value)
  return formatDateTime(at)
}

export function setUpNunjucks(app: Express): nunjucks.Environment {
  const env = nunjucks.configure([join(here, 'views'), join(here, '..', 'features'), govukDist], {
    autoescape: true,
    express: app,
    noCache: process.env.NODE_ENV === 'development',
  })
  app.set('view engine', 'njk')
  env.addFilter('date', dateFilter)
  env.addFilter('dateTime', dateTimeFilter)
  env.addGlobal('serviceName', 'JTAI Ready')
  return env
}
