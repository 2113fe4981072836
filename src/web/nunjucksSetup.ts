import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express } from 'express'
import nunjucks from 'nunjucks'
import { formatDate, formatDateTime } from '../domain/calendar'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const govukDist = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist')

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
