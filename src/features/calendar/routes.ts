import { formatDate, formatIsoDate, londonDateOf, londonNow } from '../../domain/calendar'
import type { Services } from '../../services'
import { movedMilestonesWarning, type CalendarChangeEffect } from '../inspections/service'
import { NotFoundError, ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import type { Routes } from '../../web/routes'
import { csrfValid } from '../../web/multipartCsrf'
import { readSmallUpload, SmallUploadError } from '../frameworks/readUpload'
import { CLOSURE_FIELDS, closureDateProblem, closureSchema, readClosureDate } from './schemas'

const MAX_HOLIDAYS_BYTES = 256 * 1024

const INDEX = 'calendar/views/index.njk'

/** The warnings, each after a space, to follow the flash message's first sentence. */
function movedWarnings(effects: CalendarChangeEffect[]): string {
  return effects.map((e) => ` ${movedMilestonesWarning(e)}`).join('')
}

export function holidayRoutes(routes: Routes, services: Services): void {
  const { calendar } = services

  async function pageModel(scope: Scope) {
    const cal = await calendar.calendarFor(scope.partnershipId)
    const year = Number(londonNow(services.clock.now()).date.slice(0, 4))
    const importedYears = new Set(cal.importedYears())
    const years = [year, year + 1].map((y) => ({
      year: y,
      source: importedYears.has(y) ? 'Loaded from gov.uk' : 'Bundled with JTAI Ready',
      holidays: cal.bankHolidays(y).map((h) => ({ date: formatIsoDate(h.date), title: h.title })),
    }))
    const imported = await calendar.importedHolidays(scope)
    const closures = (await calendar.closureDays(scope)).map((c) => ({
      iso: c.date,
      date: formatIsoDate(c.date),
      title: c.title,
      by: c.created_by_name,
    }))
    const lastImport = imported.reduce<Date | null>(
      (latest, h) => (!latest || h.imported_at > latest ? h.imported_at : latest),
      null,
    )
    return {
      years,
      closures,
      importedCount: imported.length,
      importedRange: imported.length
        ? `${imported[0]!.date.slice(0, 4)} to ${imported.at(-1)!.date.slice(0, 4)}`
        : null,
      lastImport: lastImport ? formatDate(londonDateOf(lastImport)) : undefined,
    }
  }

  routes.get('/holidays', async (_req, res, { scope }) => {
    res.render(INDEX, { ...(await pageModel(scope)), values: {} })
  })

  routes.form('/holidays/closures', {
    view: INDEX,
    schema: closureSchema,
    order: CLOSURE_FIELDS,
    check: closureDateProblem,
    context: (_req, { scope }) => pageModel(scope),
    async onValid(form, req, { scope }) {
      const date = readClosureDate(form)
      if ('error' in date) throw new ValidationError({ date: date.error })
      // Warn (the closure is still added) when it moves an open inspection's deadlines.
      const effects = await services.inspections.closureDayEffects(scope, date.value, form.title)
      await calendar.addClosureDay(scope, date.value, form.title)
      req.session.flash = `${formatIsoDate(date.value)} is now a closure day. Deadlines counted in working days skip it.${movedWarnings(effects)}`
      return '/holidays'
    },
  })

  // A button, not a form to fill in.
  routes.post('/holidays/closures/:closureDate/remove', async (req, res, { scope, params }) => {
    if (!(await calendar.removeClosureDay(scope, params.closureDate))) throw new NotFoundError('Closure day')
    req.session.flash = `${formatIsoDate(params.closureDate)} is no longer a closure day.`
    res.redirect(303, '/holidays')
  })

  routes.get('/holidays/import', (_req, res) => {
    res.render('calendar/views/import.njk', {})
  })

  // Not routes.form: the file comes as multipart/form-data, and a file too large is refused with status 413.
  routes.post('/holidays/import', async (req, res, { scope }) => {
    const fail = (messages: string[], status = 400) =>
      res.status(status).render('calendar/views/import.njk', {
        errors: { file: messages[0] },
        errorList: messages.map((text) => ({ text, href: '#file' })),
      })
    let upload
    try {
      upload = await readSmallUpload(req, MAX_HOLIDAYS_BYTES)
    } catch (e) {
      if (e instanceof SmallUploadError) return fail([e.message], 413)
      throw e
    }
    if (!csrfValid(req, upload.fields)) return res.status(403).render('errors/session-expired.njk')
    if (!upload.file) return fail(['Select the bank-holidays.json file you downloaded from gov.uk'])
    // New or moved bank holidays can move an open inspection's deadlines: say which, as for closure days.
    const before = await services.inspections.openTimelines(scope)
    const result = await calendar.importHolidays(scope, upload.file.text, upload.file.filename)
    if (!result.ok) return fail(result.problems.slice(0, 20))
    const moved = movedWarnings(await services.inspections.movedSince(scope, before))
    req.session.flash = `${result.count} bank holidays loaded for ${String(result.years[0])} to ${String(result.years.at(-1))}. They replace the bundled dates for those years.${moved}`
    res.redirect(303, '/holidays')
  })
}
