import type { Request, Response } from 'express'
import { ACCEPTED_EXTENSIONS, ACCEPTED_TYPES_SENTENCE } from '../../domain/fileTypes'
import { EVIDENCE_STATUS_LABELS, EVIDENCE_STATUSES, type EvidenceStatus } from '../../domain/evidenceStatus'
import type { Services } from '../../services'
import { ConflictError, ForbiddenError, statusOf, ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { bodyOf, errorList, parseForm } from '../../web/forms'
import { sendDownload } from '../../web/exports'
import { formatFileSize, parseUpload, UploadError } from '../../web/uploads'
import type { RouteOptions, Routes } from '../../web/routes'
import { sendChecklist, sendEvidencePack } from './exports'
import { requirementRows, requirementSummary, versionApproval } from './presenters'
import { formatDate, formatDateTime } from '../../domain/calendar'
import { csrfValid } from '../../web/multipartCsrf'
import {
  codeSchema,
  commentSchema,
  listFilterSchema,
  LOCAL_REQUIREMENT_FIELDS,
  localRequirementSchema,
  providedSchema,
  rationaleSchema,
  readProvidedOn,
} from './schemas'

const DETAIL = 'evidence/views/requirement.njk'
const REQUIREMENT_FORM = 'evidence/views/requirement-form.njk'

export function evidenceRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { evidence } = services

  /** The requirement page; after an action that did not go through, with its status, the problems and the values sent. */
  async function renderDetail(
    res: Response,
    scope: Scope,
    id: string,
    extra: { status?: number; errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) {
    const { requirement: r, versions, comments, facts, can } = await evidence.get(scope, id)
    // Versions come newest first: the first approved one is what the evidence pack carries.
    const latestApproved = versions.find((v) => v.approved_at !== null)
    const errors = extra.errors ?? {}
    res.status(extra.status ?? 200).render(DETAIL, {
      r,
      summary: requirementSummary(r),
      summaryRows: requirementRows(r, facts),
      versions: versions.map((v) => ({
        ...v,
        sizeText: formatFileSize(v.size),
        at: formatDateTime(v.uploaded_at),
        current: v.id === r.current_version_id,
        approval: versionApproval(v),
        inPack: v.id === latestApproved?.id,
      })),
      comments: comments.map((c) => ({
        ...c,
        at: formatDateTime(c.created_at),
        resolvedAt: formatDateTime(c.resolved_at),
      })),
      can: Object.fromEntries([...can].map((a) => [a, true])),
      accept: ACCEPTED_EXTENSIONS,
      acceptedTypes: ACCEPTED_TYPES_SENTENCE,
      maxSize: formatFileSize(options.maxUploadBytes),
      values: extra.values ?? {},
      errors,
      errorList: errorList(errors),
    })
  }

  /**
   * Runs one action on the requirement page, then sends the person back to it with a banner. Not
   * routes.form: besides form problems (400, with the values sent), a refusal shows the page again
   * with its own status (ForbiddenError 403, ConflictError 409) and the reason against `field`.
   */
  async function act(
    req: Request,
    res: Response,
    scope: Scope,
    id: string,
    field: string,
    work: () => Promise<string>,
  ) {
    try {
      req.session.flash = await work()
      res.redirect(303, `/evidence/requirements/${id}`)
    } catch (error) {
      if (error instanceof ValidationError)
        return renderDetail(res, scope, id, { status: statusOf(error), errors: error.errors, values: bodyOf(req) })
      if (error instanceof ForbiddenError || error instanceof ConflictError) {
        return renderDetail(res, scope, id, { status: statusOf(error), errors: { [field]: error.message } })
      }
      throw error
    }
  }

  routes.get('/evidence', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    const agencies = await services.directory.listAgencies(scope)
    const agencyId = agencies.some((a) => a.id === filter.agency) ? filter.agency : undefined
    const status = filter.status
    const readiness = await evidence.readiness(scope, { agencyId, status })
    // Every figure links to exactly the list it counts: the same agency and status filters.
    const query = (q: Record<string, string | undefined>) =>
      new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString()
    const link = (q: Record<string, string | undefined>) =>
      query(q) ? `/evidence/requirements?${query(q)}` : '/evidence/requirements'
    // With a status chosen, only that status's row is shown: the others are zero by definition.
    const shownStatuses = status ? [status] : EVIDENCE_STATUSES
    const figureRows = (agency: string | undefined, f: typeof readiness.overall) => ({
      total: { count: f.total, percent: f.total ? 100 : 0, href: link({ agency, status }) },
      statuses: shownStatuses.map((s) => ({
        status: s,
        label: EVIDENCE_STATUS_LABELS[s],
        ...f.byStatus[s],
        href: link({ agency, status: s }),
      })),
      stale: { count: f.stale, href: link({ agency, status, stale: 'yes' }) },
      waiting: { count: f.waiting, href: link({ agency, status, waiting: 'yes' }) },
      ready: { ...f.ready, href: link({ agency, status, ready: 'yes' }) },
    })
    const statusLabel = status ? EVIDENCE_STATUS_LABELS[status] : undefined
    res.render('evidence/views/dashboard.njk', {
      overall: figureRows(agencyId, readiness.overall),
      agencies: readiness.agencies.map((a) => ({
        id: a.id,
        name: a.name,
        href: `/evidence?${query({ agency: a.id, status })}`,
        ...figureRows(a.id, a.figures),
      })),
      agencyOptions: [
        { value: '', text: 'All agencies' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === agencyId })),
      ],
      statusOptions: [
        { value: '', text: 'Any status' },
        ...EVIDENCE_STATUSES.map((s: EvidenceStatus) => ({
          value: s,
          text: EVIDENCE_STATUS_LABELS[s],
          selected: s === status,
        })),
      ],
      agencyName: agencies.find((a) => a.id === agencyId)?.name,
      agencyId,
      statusLabel,
      // "requirements" or "uploaded requirements", for screen-reader link text.
      noun: statusLabel ? `${statusLabel.toLowerCase()} requirements` : 'requirements',
    })
  })

  routes.get('/evidence/requirements', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    const agencies = await services.directory.listAgencies(scope)
    const agencyId = agencies.some((a) => a.id === filter.agency) ? filter.agency : undefined
    const rows = await evidence.list(scope, {
      agencyId,
      status: filter.status,
      stale: filter.stale === 'yes',
      waiting: filter.waiting === 'yes',
      ready: filter.ready === 'yes',
    })
    const described = [
      agencyId ? agencies.find((a) => a.id === agencyId)?.name : 'All agencies',
      filter.status ? EVIDENCE_STATUS_LABELS[filter.status] : undefined,
      filter.stale ? 'Past their review date' : undefined,
      filter.waiting ? 'Waiting for approval' : undefined,
      filter.ready ? 'Ready for notification' : undefined,
    ].filter(Boolean)
    res.render('evidence/views/list.njk', {
      rows: rows.map(requirementSummary),
      described: described.join(' · '),
      agencyOptions: [
        { value: '', text: 'All agencies' },
        ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === agencyId })),
      ],
      statusOptions: [
        { value: '', text: 'Any status' },
        ...EVIDENCE_STATUSES.map((s: EvidenceStatus) => ({
          value: s,
          text: EVIDENCE_STATUS_LABELS[s],
          selected: s === filter.status,
        })),
      ],
      stale: filter.stale === 'yes',
      waiting: filter.waiting === 'yes',
      ready: filter.ready === 'yes',
      checklistHref: '/evidence/checklist.xlsx',
    })
  })

  async function agencyChoices(scope: Scope, selected?: string) {
    const manager = scope.roles.includes('administrator') || scope.roles.includes('inspection-coordinator')
    const agencies = (await services.directory.listAgencies(scope)).filter((a) => manager || a.id === scope.agencyId)
    return [
      { value: '', text: 'Select an agency' },
      ...agencies.map((a) => ({
        value: a.id,
        text: a.name,
        selected: a.id === (selected ?? (agencies.length === 1 ? a.id : undefined)),
      })),
    ]
  }

  routes.get('/evidence/requirements/new', async (_req, res, { scope }) => {
    res.render(REQUIREMENT_FORM, { agencies: await agencyChoices(scope), values: { reviewIntervalMonths: '12' } })
  })

  routes.form('/evidence/requirements/new', {
    view: REQUIREMENT_FORM,
    schema: localRequirementSchema,
    order: LOCAL_REQUIREMENT_FIELDS,
    context: async (req, { scope }) => ({ agencies: await agencyChoices(scope, String(bodyOf(req).agencyId ?? '')) }),
    async onValid(form, req, { scope }) {
      const id = await evidence.addLocalRequirement(scope, form)
      req.session.flash = `${form.title} has been added`
      return `/evidence/requirements/${id}`
    },
  })

  routes.get('/evidence/checklist.xlsx', async (_req, res, { scope }) => {
    await sendChecklist(res, await evidence.list(scope))
  })

  routes.get('/evidence/pack.zip', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    await sendEvidencePack(res, evidence, await evidence.packContents(scope, { agencyId: filter.agency }))
  })

  routes.get('/evidence/requirements/:requirementId', async (_req, res, { scope, params }) => {
    await renderDetail(res, scope, params.requirementId)
  })

  // Multipart: the CSRF token is in the body, checked here once it is parsed.
  routes.post('/evidence/requirements/:requirementId/upload', async (req, res, { scope, params }) => {
    const id = params.requirementId
    // Who may upload is checked before a byte is stored.
    try {
      await evidence.assertCanUpload(scope, id)
    } catch (error) {
      if (error instanceof ForbiddenError)
        return renderDetail(res, scope, id, { status: statusOf(error), errors: { file: error.message } })
      throw error
    }
    let upload
    try {
      upload = await parseUpload(req, {
        store: services.files,
        maxFileBytes: options.maxUploadBytes,
        maxFields: 5,
        fieldSizeLimit: 1024,
        strictFilenames: true,
      })
    } catch (error) {
      if (error instanceof UploadError)
        return renderDetail(res, scope, id, { status: error.status, errors: { file: error.message } })
      throw error
    }
    const file = upload.file!
    if (!csrfValid(req, upload.fields)) {
      await services.files.delete(file.key)
      return res.status(403).render('errors/session-expired.njk')
    }
    await act(req, res, scope, id, 'file', async () => {
      const { version } = await evidence.addVersion(scope, id, file)
      return `Version ${version} (${file.filename}) has been uploaded. It needs approval again.`
    })
  })

  routes.get(
    '/evidence/requirements/:requirementId/versions/:versionId/download',
    async (_req, res, { scope, params }) => {
      const { version, stream } = await evidence.openVersion(scope, params.requirementId, params.versionId)
      await sendDownload(res, { filename: version.filename, mime: version.mime, size: version.size, stream })
    },
  )

  routes.post('/evidence/requirements/:requirementId/approve', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'code', async () => {
      const { code } = parseForm(codeSchema, req.body)
      await evidence.approve(scope, params.requirementId, code, req.ip ?? 'unknown')
      return 'The document has been approved'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/sign-off', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'sign-off', async () => {
      await evidence.signOff(scope, params.requirementId)
      return 'The document has been signed off'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/not-available', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'rationale', async () => {
      const { rationale } = parseForm(rationaleSchema, req.body)
      await evidence.markNotAvailable(scope, params.requirementId, rationale)
      return 'The reason has been recorded. The senior approver needs to confirm it.'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/confirm-not-available', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'code', async () => {
      const { code } = parseForm(codeSchema, req.body)
      await evidence.confirmNotAvailable(scope, params.requirementId, code, req.ip ?? 'unknown')
      return 'You have confirmed the document is not available'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/provided', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'providedOn', async () => {
      const date = readProvidedOn(parseForm(providedSchema, req.body))
      if ('error' in date) throw new ValidationError({ providedOn: date.error })
      await evidence.recordProvided(scope, params.requirementId, date.value)
      return `Recorded as provided to inspectors on ${formatDate(date.value)}`
    }),
  )

  routes.post('/evidence/requirements/:requirementId/comments', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'body', async () => {
      const { body } = parseForm(commentSchema, req.body)
      await evidence.addComment(scope, params.requirementId, body)
      return 'Your comment has been added'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/comments/:commentId/resolve', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'comments', async () => {
      await evidence.resolveComment(scope, params.requirementId, params.commentId)
      return 'The comment has been resolved'
    }),
  )
}
