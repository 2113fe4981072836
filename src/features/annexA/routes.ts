import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Request, Response } from 'express'
import type { Services } from '../../services'
import { ConflictError, NotFoundError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { dateInputValues } from '../../web/dateInput'
import { sendDownload, XLSX_MIME } from '../../web/exports'
import { errorList, pageNumber, queryText } from '../../web/forms'
import { parseUpload, UploadError, formatFileSize } from '../../web/uploads'
import { csrfValid } from '../../web/multipartCsrf'
import type { RouteOptions, Routes } from '../../web/routes'
import { SAMPLE_NOTIFIED, SAMPLE_WORKBOOK, CLEAN_SAMPLE_WORKBOOK } from './files/samples'
import { queryReasonField } from './service'
import {
  acceptedSentence,
  annexAUploadMessage,
  displayValue,
  presentResult,
  presentUnmapped,
  problemsFor,
  progressSentence,
  resultRows,
  STATUS_LABELS,
} from './presenters'
import {
  ACCEPT_ANCHORS,
  ACCEPT_FIELDS,
  acceptSchema,
  MAP_ANCHORS,
  mapSchema,
  readNotified,
  UPLOAD_FIELDS,
} from './schemas'

/** Annex A workbooks are large; this matches the app's default upload limit. */
const ACCEPTED = ['xlsx', 'csv']

const text = (req: Request, key: string): string | undefined => queryText((req.query as Record<string, unknown>)[key])

const SAMPLES = [
  { path: '/annex-a/sample.xlsx', file: SAMPLE_WORKBOOK, fileName: 'Annex A sample.xlsx' },
  { path: '/annex-a/sample-cleaned.xlsx', file: CLEAN_SAMPLE_WORKBOOK, fileName: 'Annex A sample (cleaned).xlsx' },
] as const

const MAP = 'annexA/views/map.njk'
const ACCEPT = 'annexA/views/accept.njk'

export function annexARoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { annexA } = services

  async function defaultInspection(scope: Scope) {
    const open = (await services.inspections.list(scope)).filter((i) => i.status === 'open')
    return open.find((i) => !i.practice) ?? open[0] ?? null
  }

  async function renderUpload(
    res: Response,
    scope: Scope,
    status = 200,
    errors?: Record<string, string>,
    values?: Record<string, string>,
  ) {
    const inspection = await defaultInspection(scope)
    res.status(status).render('annexA/views/upload.njk', {
      values: values ?? dateInputValues('notified', inspection?.notified_on ?? null),
      inspection,
      asked: await annexA.listsAskedFor(scope, inspection),
      sampleNotified: SAMPLE_NOTIFIED,
      maxSize: formatFileSize(options.maxUploadBytes),
      errors,
      errorList: errors ? errorList(errors, UPLOAD_FIELDS) : undefined,
    })
  }

  /** Sends the person to the findings, or to the progress page while they are being worked out again. */
  /**
   * The findings, when they are in memory. Otherwise (after a restart, or when newer imports pushed
   * them out) a page never starts the work itself, since a link from anywhere could trigger a GET:
   * it goes to the check already under way, or offers a button that starts one (a POST).
   */
  async function findingsOrCheck(res: Response, scope: Scope, importId: string) {
    const found = await annexA.result(scope, importId)
    if (found.result) return found
    const underWay = await annexA.checkUnderWay(scope, found.import.id)
    if (underWay) {
      res.redirect(303, `/annex-a/checks/${underWay.id}`)
      return undefined
    }
    res.setHeader('Cache-Control', 'no-store')
    res.render('annexA/views/check-needed.njk', { imp: found.import })
    return undefined
  }

  /** The findings, for showing a form again; they were there a moment ago, when the service used them. */
  async function findings(scope: Scope, importId: string) {
    const found = await annexA.result(scope, importId)
    if (!found.result)
      throw new ConflictError(
        'The findings for this file need working out again. Go back to the file and check it again.',
      )
    return { import: found.import, result: found.result }
  }

  routes.get('/annex-a', async (_req, res, { scope }) => {
    const { imports, lists } = await annexA.history(scope)
    const current = lists.filter((l) => l.current)
    res.render('annexA/views/index.njk', {
      imports: imports.map((i) => ({
        ...i,
        statusLabel: STATUS_LABELS[i.status],
        lists: lists.filter((l) => l.import_id === i.id).map((l) => l.list),
      })),
      current: current.map((l) => ({ ...l, fileName: imports.find((i) => i.id === l.import_id)?.file_name ?? '' })),
    })
  })

  routes.get('/annex-a/upload', async (_req, res, { scope }) => {
    await annexA.checkAccess(scope)
    await renderUpload(res, scope)
  })

  // Multipart: the CSRF token is in the body, checked here once it is parsed.
  routes.post('/annex-a/upload', async (req, res, { scope }) => {
    // Before reading the body, so nobody outside the LA's children's services gets a file stored.
    await annexA.checkAccess(scope)
    let upload
    try {
      upload = await parseUpload(req, { store: services.files, maxFileBytes: options.maxUploadBytes, maxFields: 10 })
    } catch (error) {
      if (!(error instanceof UploadError)) throw error
      // A form that never reached us as multipart still had its CSRF token checked by the app.
      return renderUpload(res, scope, error.status, { file: annexAUploadMessage(error) }, {})
    }
    if (!csrfValid(req, upload.fields)) {
      if (upload.file) await services.files.delete(upload.file.key)
      return res.status(403).render('errors/session-expired.njk')
    }
    const file = upload.file!
    const notified = readNotified(upload.fields)
    const errors: Record<string, string> = {}
    if (!ACCEPTED.includes(file.type)) errors.file = 'The selected file must be an Excel workbook (.xlsx) or a CSV file'
    if ('error' in notified) errors.notified = notified.error
    if (Object.keys(errors).length || 'error' in notified) {
      await services.files.delete(file.key)
      const { _csrf: _ignored, ...values } = upload.fields
      return renderUpload(res, scope, 400, errors, values)
    }
    const inspection = await defaultInspection(scope)
    try {
      const job = await annexA.startUpload(scope, {
        file,
        notifiedOn: notified.value,
        inspectionId: inspection?.id ?? null,
      })
      res.redirect(303, `/annex-a/checks/${job.id}`)
    } catch (error) {
      await services.files.delete(file.key)
      throw error
    }
  })

  routes.get('/annex-a/checks/:jobId', async (req, res, { scope, params }) => {
    const job = await annexA.job(scope, params.jobId)
    const done = job.state === 'done'
    const checkUrl = `/annex-a/checks/${job.id}`
    // A refused file has no import to go to: this page then says why.
    const refused = done && !job.importId && job.refusal ? job.refusal : null
    const next = done ? (job.importId ? `/annex-a/imports/${job.importId}` : refused ? checkUrl : '/annex-a') : null
    if (text(req, 'format') === 'json') {
      res.setHeader('Cache-Control', 'no-store')
      return res.json({
        done,
        rowsRead: job.rowsRead,
        list: job.list,
        percent: job.percent,
        status: progressSentence(job),
        next,
      })
    }
    if (refused) {
      res.setHeader('Cache-Control', 'no-store')
      return res.status(422).render('annexA/views/refused.njk', {
        job,
        message: refused,
        errorList: [{ text: refused, href: '#upload-again' }],
      })
    }
    if (next) return res.redirect(303, next)
    res.setHeader('Cache-Control', 'no-store')
    res.render('annexA/views/progress.njk', { job, checkUrl, status: progressSentence(job) })
  })

  routes.get('/annex-a/imports/:importId', async (_req, res, { scope, params }) => {
    const found = await findingsOrCheck(res, scope, params.importId)
    if (!found?.result) return
    const r = presentResult(found.import, found.result)
    res.render('annexA/views/result.njk', { r, summaryRows: resultRows(r), imp: found.import })
  })

  routes.get('/annex-a/imports/:importId/problems', async (req, res, { scope, params }) => {
    const found = await findingsOrCheck(res, scope, params.importId)
    if (!found?.result) return
    const rule = text(req, 'rule') ?? ''
    const list = text(req, 'list')
    const page = pageNumber(text(req, 'page'))
    const summary = found.result.problemsByRule.find((r) => r.rule === rule)
    if (!summary) throw new NotFoundError('Rule')
    const { problems, total, pages } = problemsFor(found.result, rule, list, page)
    await annexA.problemsViewed(scope, found.import.id, { rule, list, page, problems: problems.length, total })
    const base = `/annex-a/imports/${found.import.id}/problems?${new URLSearchParams({ rule, ...(list ? { list } : {}) }).toString()}`
    res.render('annexA/views/problems.njk', {
      imp: found.import,
      summary,
      list,
      problems,
      total,
      pagination:
        pages > 1
          ? {
              previous: page > 1 ? { href: `${base}&page=${page - 1}` } : undefined,
              next: page < pages ? { href: `${base}&page=${page + 1}` } : undefined,
              items: Array.from({ length: pages }, (_, i) => ({
                number: i + 1,
                href: `${base}&page=${i + 1}`,
                current: i + 1 === page,
              })),
            }
          : undefined,
    })
  })

  routes.get('/annex-a/imports/:importId/row', async (req, res, { scope, params }) => {
    const found = await findingsOrCheck(res, scope, params.importId)
    if (!found?.result) return
    const list = text(req, 'list')
    const rowNumber = Number(text(req, 'row'))
    const shown = await annexA.row(scope, found.import.id, list, rowNumber)
    if (!shown) throw new NotFoundError('Row')
    const { spec, row, problems } = shown
    const cells = spec.columns.map((c) => {
      const cellProblems = problems.filter((p) => p.column === c.label)
      const value = row?.values[c.id]
      // A cell with a problem shows the value as written in the file; otherwise the value as read, in plain words.
      return {
        label: c.label,
        value: cellProblems.find((p) => p.value !== null)?.value ?? displayValue(value, c.type),
        problems: cellProblems,
      }
    })
    res.setHeader('Cache-Control', 'no-store')
    res.render('annexA/views/row.njk', {
      imp: found.import,
      list,
      title: spec.title,
      rowNumber,
      cells,
      rowProblems: problems.filter((p) => !spec.columns.some((c) => c.label === p.column)),
    })
  })

  routes.get('/annex-a/imports/:importId/problems.xlsx', async (_req, res, { scope, params }) => {
    const report = await annexA.problemReport(scope, params.importId)
    if (!report) {
      const job = await annexA.revalidate(scope, params.importId)
      return res.redirect(303, `/annex-a/checks/${job.id}`)
    }
    try {
      const { size } = await stat(report.path)
      await sendDownload(res, {
        filename: report.fileName,
        mime: XLSX_MIME,
        size,
        stream: createReadStream(report.path),
      })
    } finally {
      await report.cleanup()
    }
  })

  // A button, not a form to fill in.
  routes.post('/annex-a/imports/:importId/check-again', async (_req, res, { scope, params }) => {
    const job = await annexA.revalidate(scope, params.importId)
    res.redirect(303, `/annex-a/checks/${job.id}`)
  })

  routes.get('/annex-a/imports/:importId/map', async (_req, res, { scope, params }) => {
    const found = await findingsOrCheck(res, scope, params.importId)
    if (!found?.result) return
    const groups = presentUnmapped(found.result)
    await annexA.mappingViewed(scope, found.import.id, {
      columns: groups.length,
      values: groups.reduce((n, g) => n + g.values.length, 0),
    })
    res.setHeader('Cache-Control', 'no-store')
    res.render(MAP, { imp: found.import, groups })
  })

  routes.form('/annex-a/imports/:importId/map', {
    view: MAP,
    schema: mapSchema,
    anchors: MAP_ANCHORS,
    async context(_req, { scope, params }) {
      const found = await findings(scope, params.importId)
      return { imp: found.import, groups: presentUnmapped(found.result) }
    },
    async onValid(choices, req, { scope, params }) {
      const found = await annexA.result(scope, params.importId)
      const job = await annexA.mapValues(scope, found.import.id, choices)
      req.session.flash = `${choices.length === 1 ? 'The value has' : 'The values have'} been remembered for this and every later file.`
      return `/annex-a/checks/${job.id}`
    },
  })

  routes.get('/annex-a/imports/:importId/accept', async (_req, res, { scope, params }) => {
    const found = await findingsOrCheck(res, scope, params.importId)
    if (!found?.result) return
    res.render(ACCEPT, { r: presentResult(found.import, found.result), values: {} })
  })

  routes.form('/annex-a/imports/:importId/accept', {
    view: ACCEPT,
    schema: acceptSchema,
    order: ACCEPT_FIELDS,
    anchors: ACCEPT_ANCHORS,
    async context(_req, { scope, params }) {
      const found = await findings(scope, params.importId)
      return { r: presentResult(found.import, found.result) }
    },
    async onValid(fields, req, { scope, params }) {
      const found = await findings(scope, params.importId)
      const reasons = Object.fromEntries(
        found.result.problemsByRule.map((r) => [r.rule, fields[queryReasonField(r.rule)] ?? '']),
      )
      const accepted = await annexA.accept(scope, found.import.id, reasons)
      req.session.flash = acceptedSentence(found.import.file_name, accepted)
      return '/annex-a'
    },
  })

  // The sample workbook (every ILACS list, with the mistakes real exports have) and its cleaned companion
  // (the same children, nothing to correct), so a newcomer can try the checks and reach an accepted file.
  for (const sample of SAMPLES) {
    routes.get(sample.path, async (_req, res, { scope }) => {
      // Offered to the people who may upload, like the upload page.
      await annexA.checkAccess(scope)
      await sendDownload(res, {
        filename: sample.fileName,
        mime: XLSX_MIME,
        size: (await stat(sample.file)).size,
        stream: createReadStream(sample.file),
      })
    })
  }

  routes.get('/annex-a/export.xlsx', async (_req, res, { scope }) => {
    const workbook = await annexA.ofstedWorkbook(scope)
    try {
      const { size } = await stat(workbook.path)
      await sendDownload(res, {
        filename: workbook.fileName,
        mime: XLSX_MIME,
        size,
        stream: createReadStream(workbook.path),
      })
    } finally {
      await workbook.cleanup()
    }
  })
}
