import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Request, Response } from 'express'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import { dateInputValues, readDateInput } from '../../web/dateInput'
import { sendDownload, XLSX_MIME } from '../../web/exports'
import { errorList } from '../../web/forms'
import { parseUpload, UploadError, formatFileSize } from '../../web/uploads'
import { csrfValid } from '../../web/multipartCsrf'
import type { RouteOptions, Routes } from '../../web/routes'
import { annexAUploadMessage, presentResult, presentUnmapped, problemsFor, progressSentence, STATUS_LABELS } from './presenters'

/** Annex A workbooks are large; this matches the app's default upload limit. */
const ACCEPTED = ['xlsx', 'csv']

const text = (req: Request, key: string): string | undefined => {
  const v = (req.query as Record<string, unknown>)[key]
  return typeof v === 'string' && v ? v : undefined
}

export function annexARoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { annexA } = services

  async function defaultInspection(req: Request) {
    const open = (await services.inspections.list(req.scope!)).filter((i) => i.status === 'open')
    return open.find((i) => !i.practice) ?? open[0] ?? null
  }

  async function renderUpload(req: Request, res: Response, status = 200, errors?: Record<string, string>, values?: Record<string, string>) {
    const inspection = await defaultInspection(req)
    res.status(status).render('annexA/views/upload.njk', {
      values: values ?? dateInputValues('notified', inspection?.notified_on ?? null),
      inspection,
      maxSize: formatFileSize(options.maxUploadBytes),
      errors,
      errorList: errors ? errorList(errors, ['file', 'notified']) : undefined,
    })
  }

  /** Sends the person to the findings, or to the progress page while they are being worked out again. */
  async function findingsOrCheck(req: Request, res: Response) {
    const importId = String(req.params.importId)
    const found = await annexA.result(req.scope!, importId)
    if (found.result) return found
    const job = await annexA.revalidate(req.scope!, found.import.id)
    res.redirect(303, `/annex-a/checks/${job.id}`)
    return undefined
  }

  routes.get('/annex-a', async (req, res) => {
    const { imports, lists } = await annexA.history(req.scope!)
    const current = lists.filter((l) => l.current)
    res.render('annexA/views/index.njk', {
      imports: imports.map((i) => ({ ...i, statusLabel: STATUS_LABELS[i.status], lists: lists.filter((l) => l.import_id === i.id).map((l) => l.list) })),
      current: current.map((l) => ({ ...l, fileName: imports.find((i) => i.id === l.import_id)?.file_name ?? '' })),
    })
  })

  routes.get('/annex-a/upload', async (req, res) => {
    await annexA.checkAccess(req.scope!)
    await renderUpload(req, res)
  })

  routes.post('/annex-a/upload', async (req, res) => {
    // Before reading the body, so nobody outside the LA's children's services gets a file stored.
    await annexA.checkAccess(req.scope!)
    let upload
    try {
      upload = await parseUpload(req, { store: services.files, maxFileBytes: options.maxUploadBytes, maxFields: 10 })
    } catch (error) {
      if (!(error instanceof UploadError)) throw error
      // A form that never reached us as multipart still had its CSRF token checked by the app.
      return renderUpload(req, res, error.status, { file: annexAUploadMessage(error) }, {})
    }
    if (!csrfValid(req, upload.fields)) {
      if (upload.file) await services.files.delete(upload.file.key)
      return res.status(403).render('errors/session-expired.njk')
    }
    const file = upload.file!
    const notified = readDateInput(upload.fields, 'notified', 'The date Ofsted notified the partnership')
    const errors: Record<string, string> = {}
    if (!ACCEPTED.includes(file.type)) errors.file = 'The selected file must be an Excel workbook (.xlsx) or a CSV file'
    if ('error' in notified) errors.notified = notified.error
    else if (!notified.value) errors.notified = 'Enter the date Ofsted notified the partnership'
    if (Object.keys(errors).length || 'error' in notified || !notified.value) {
      await services.files.delete(file.key)
      const { _csrf: _ignored, ...values } = upload.fields
      return renderUpload(req, res, 400, errors, values)
    }
    const inspection = await defaultInspection(req)
    try {
      const job = await annexA.startUpload(req.scope!, { file, notifiedOn: notified.value, inspectionId: inspection?.id ?? null })
      res.redirect(303, `/annex-a/checks/${job.id}`)
    } catch (error) {
      await services.files.delete(file.key)
      throw error
    }
  })

  routes.get('/annex-a/checks/:jobId', async (req, res) => {
    const job = await annexA.job(req.scope!, String(req.params.jobId))
    const done = job.state === 'done'
    const checkUrl = `/annex-a/checks/${job.id}`
    // A refused file has no import to go to: this page then says why.
    const refused = done && !job.importId && job.refusal ? job.refusal : null
    const next = done ? (job.importId ? `/annex-a/imports/${job.importId}` : refused ? checkUrl : '/annex-a') : null
    if (text(req, 'format') === 'json') {
      res.setHeader('Cache-Control', 'no-store')
      return res.json({ done, rowsRead: job.rowsRead, list: job.list, percent: job.percent, status: progressSentence(job), next })
    }
    if (refused) {
      res.setHeader('Cache-Control', 'no-store')
      return res.status(422).render('annexA/views/refused.njk', { job, message: refused, errorList: [{ text: refused, href: '#upload-again' }] })
    }
    if (next) return res.redirect(303, next)
    res.setHeader('Cache-Control', 'no-store')
    res.render('annexA/views/progress.njk', { job, checkUrl, status: progressSentence(job) })
  })

  routes.get('/annex-a/imports/:importId', async (req, res) => {
    const found = await findingsOrCheck(req, res)
    if (!found?.result) return
    res.render('annexA/views/result.njk', { r: presentResult(found.import, found.result), imp: found.import })
  })

  routes.get('/annex-a/imports/:importId/problems', async (req, res) => {
    const found = await findingsOrCheck(req, res)
    if (!found?.result) return
    const rule = text(req, 'rule') ?? ''
    const list = text(req, 'list')
    const page = Math.max(1, Number.parseInt(text(req, 'page') ?? '1', 10) || 1)
    const summary = found.result.problemsByRule.find((r) => r.rule === rule)
    if (!summary) return res.status(404).render('errors/not-found.njk')
    const { problems, total, pages } = problemsFor(found.result, rule, list, page)
    await annexA.problemsViewed(req.scope!, found.import.id, { rule, list, page, problems: problems.length, total })
    const base = `/annex-a/imports/${found.import.id}/problems?${new URLSearchParams({ rule, ...(list ? { list } : {}) }).toString()}`
    res.render('annexA/views/problems.njk', {
      imp: found.import,
      summary,
      list,
      problems,
      total,
      pagination: pages > 1 ? { previous: page > 1 ? { href: `${base}&page=${page - 1}` } : undefined, next: page < pages ? { href: `${base}&page=${page + 1}` } : undefined, items: Array.from({ length: pages }, (_, i) => ({ number: i + 1, href: `${base}&page=${i + 1}`, current: i + 1 === page })) } : undefined,
    })
  })

  routes.get('/annex-a/imports/:importId/row', async (req, res) => {
    const found = await findingsOrCheck(req, res)
    if (!found?.result) return
    const list = text(req, 'list')
    const rowNumber = Number(text(req, 'row'))
    const shown = await annexA.row(req.scope!, found.import.id, list, rowNumber)
    if (!shown) return res.status(404).render('errors/not-found.njk')
    const { spec, row, problems } = shown
    const cells = spec.columns.map((c) => {
      const cellProblems = problems.filter((p) => p.column === c.label)
      const value = row?.values[c.id]
      return { label: c.label, value: cellProblems.find((p) => p.value !== null)?.value ?? (value === null || value === undefined ? '' : String(value)), problems: cellProblems }
    })
    res.setHeader('Cache-Control', 'no-store')
    res.render('annexA/views/row.njk', { imp: found.import, list, title: spec.title, rowNumber, cells, rowProblems: problems.filter((p) => !spec.columns.some((c) => c.label === p.column)) })
  })

  routes.get('/annex-a/imports/:importId/problems.xlsx', async (req, res) => {
    const report = await annexA.problemReport(req.scope!, String(req.params.importId))
    if (!report) {
      const job = await annexA.revalidate(req.scope!, String(req.params.importId))
      return res.redirect(303, `/annex-a/checks/${job.id}`)
    }
    try {
      const { size } = await stat(report.path)
      await sendDownload(res, { filename: report.fileName, mime: XLSX_MIME, size, stream: createReadStream(report.path) })
    } finally {
      await report.cleanup()
    }
  })

  routes.post('/annex-a/imports/:importId/check-again', async (req, res) => {
    const job = await annexA.revalidate(req.scope!, String(req.params.importId))
    res.redirect(303, `/annex-a/checks/${job.id}`)
  })

  routes.get('/annex-a/imports/:importId/map', async (req, res) => {
    const found = await findingsOrCheck(req, res)
    if (!found?.result) return
    res.render('annexA/views/map.njk', { imp: found.import, groups: presentUnmapped(found.result) })
  })

  routes.post('/annex-a/imports/:importId/map', async (req, res) => {
    const found = await annexA.result(req.scope!, String(req.params.importId))
    const body = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>
    const choices = []
    for (const [name, value] of Object.entries(body)) {
      const m = /^code-(\d{1,5})$/.exec(name)
      const key = body[`key-${m?.[1]}`]
      if (!m || typeof value !== 'string' || !value || typeof key !== 'string') continue
      const bar = key.indexOf('|')
      if (bar < 1) continue
      choices.push({ columnId: key.slice(0, bar), spelling: key.slice(bar + 1), code: value })
    }
    try {
      const job = await annexA.mapValues(req.scope!, found.import.id, choices)
      req.session.flash = `${choices.length === 1 ? 'The value has' : 'The values have'} been remembered for this and every later file.`
      res.redirect(303, `/annex-a/checks/${job.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError) || !found.result) throw e
      res.status(400).render('annexA/views/map.njk', { imp: found.import, groups: presentUnmapped(found.result), errors: e.errors, errorList: [{ text: e.errors.form, href: '#code-0' }] })
    }
  })

  routes.get('/annex-a/imports/:importId/accept', async (req, res) => {
    const found = await findingsOrCheck(req, res)
    if (!found?.result) return
    res.render('annexA/views/accept.njk', { r: presentResult(found.import, found.result), values: {} })
  })

  routes.post('/annex-a/imports/:importId/accept', async (req, res) => {
    const found = await annexA.result(req.scope!, String(req.params.importId))
    const body = (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, unknown>
    const reason = typeof body.reason === 'string' ? body.reason.slice(0, 2000) : ''
    try {
      const accepted = await annexA.accept(req.scope!, found.import.id, reason)
      req.session.flash = `${found.import.file_name} has been accepted: ${accepted.rows} ${accepted.rows === 1 ? 'row' : 'rows'} from ${accepted.lists.join(', ')} are now in the child register.`
      res.redirect(303, '/annex-a')
    } catch (e) {
      if (!(e instanceof ValidationError) || !found.result) throw e
      const errors = e.errors
      res.status(400).render('annexA/views/accept.njk', {
        r: presentResult(found.import, found.result),
        values: { reason },
        errors,
        errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: k === 'reason' ? '#reason' : '#accept' })),
      })
    }
  })

  routes.get('/annex-a/export.xlsx', async (req, res) => {
    const workbook = await annexA.ofstedWorkbook(req.scope!)
    try {
      const { size } = await stat(workbook.path)
      await sendDownload(res, { filename: workbook.fileName, mime: XLSX_MIME, size, stream: createReadStream(workbook.path) })
    } finally {
      await workbook.cleanup()
    }
  })
}
