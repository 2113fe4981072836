import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express } from 'express'
import nunjucks from 'nunjucks'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const govukDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')

const LONDON = 'Europe/London'
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric' })
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', hour12: true })

/** "4 March 2026" from a Date or a 'YYYY-MM-DD' calendar date. */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return ''
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T12:00:00Z`) : value
  return dateFormat.format(date)
}

/** "4 March 2026, 9:30am" in UK time. */
export function formatDateTime(value: Date | string | null | undefined): string {
  if (!value) return ''
  return dateTimeFormat.format(new Date(value)).replace(' at ', ', ').replace(/\s?(am|pm)$/i, (m) => m.trim().toLowerCase())
}

export function setUpNunjucks(app: Express): nunjucks.Environment {
  const env = nunjucks.configure([join(here, 'views'), join(here, '..', 'features'), govukDist], {
    autoescape: true,
    express: app,
    noCache: process.env.NODE_ENV === 'development',
  })
  app.set('view engine', 'njk')
  env.addFilter('date', formatDate)
  env.addFilter('dateTime', formatDateTime)
  env.addGlobal('serviceName', 'JTAI Ready')
  return env
}
