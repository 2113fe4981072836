import type { Request, Response } from 'express'
import { ACCEPTED_EXTENSIONS, ACCEPTED_TYPES_SENTENCE } from '../../domain/fileTypes'
import { currentApprover, EVIDENCE_STATUS_LABELS, EVIDENCE_STATUSES, type EvidenceStatus, type RequirementFacts } from '../../domain/evidenceStatus'
import type { Services } from '../../services'
import { ConflictError, ForbiddenError, statusOf, ValidationError } from '../../shared/errors'
import type { VersionRow } from './service'
import { readDateInput } from '../../web/dateInput'
import { bodyOf, errorList, parseForm } from '../../web/forms'
import { sendDownload } from '../../web/exports'
import { formatFileSize, parseUpload, UploadError } from '../../web/uploads'
import type { RouteOptions, Routes } from '../../web/routes'
import { sendChecklist, sendEvidencePack } from './exports'
import { describeSize, formatDateTime, formatIso, requirementSummary, statusTag } from './presenters'
import { csrfValid } from '../../web/multipartCsrf'
import { codeSchema, commentSchema, listFilterSchema, localRequirementSchema, providedSchema, rationaleSchema } from './schemas'

const DETAIL = 'evidence/views/requirement.njk'

/** Who approves what is waiting: the senior approver, or their deputy and why the deputy acts. */
function approverName(facts: RequirementFacts): string | null {
  if (!facts.approver) return null
  const who = currentApprover(facts)
  if (!who) return `${facts.approver.name} (unavailable, and no deputy named)`
  if (who.because === 'unavailable') return `${who.name} (deputising for ${facts.approver.name}, who is unavailable)`
  if (who.because === 'own-work') {
    return `${who.name} (deputising for ${facts.approver.name}, who ${facts.status === 'not-available' ? 'gave the reason' : 'uploaded this version'})`
  }
  return facts.approver.name
}

/** A version's approval and sign-off, for the version history. */
function versionApproval(v: VersionRow): string {
  if (!v.approved_at) return 'Not approved'
  const approved = `Approved by ${v.approved_by_name ?? 'unknown'} on ${formatDateTime(v.approved_at)}`
  return v.signed_off_at ? `${approved}. Signed off by ${v.signed_off_by_name ?? 'unknown'} on ${formatDateTime(v.signed_off_at)}` : approved
}

export function evidenceRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { evidence } = services

  async function renderDetail(req: Request, res: Response, id: string, extra: { status?: number; errors?: Record<string, string>; values?: Record<string, unknown> } = {}) {
    const { requirement: r, versions, comments, facts, can } = await evidence.get(req.scope!, id)
    // Versions come newest first: the first approved one is what the evidence pack carries.
    const latestApproved = versions.find((v) => v.approved_at !== null)
    const errors = extra.errors ?? {}
    res.status(extra.status ?? 200).render(DETAIL, {
      r,
      summary: requirementSummary(r),
      status: statusTag(r.status, r.not_available_confirmed_at !== null),
      uploadedAt: formatDateTime(r.uploaded_at),
      approvedAt: formatDateTime(r.approved_at),
      signedOffAt: formatDateTime(r.signed_off_at),
      notAvailableAt: formatDateTime(r.not_available_at),
      confirmedAt: formatDateTime(r.not_available_confirmed_at),
      providedOn: formatIso(r.providedOn),
      reviewBy: formatIso(r.reviewBy),
      approverName: approverName(facts),
      versions: versions.map((v) => ({
        ...v,
        sizeText: describeSize(v.size),
        at: formatDateTime(v.uploaded_at),
        current: v.id === r.current_version_id,
        approval: versionApproval(v),
        inPack: v.id === latestApproved?.id,
      })),
      comments: comments.map((c) => ({ ...c, at: formatDateTime(c.created_at), resolvedAt: formatDateTime(c.resolved_at) })),
      can: Object.fromEntries([...can].map((a) => [a, true])),
      accept: ACCEPTED_EXTENSIONS,
      acceptedTypes: ACCEPTED_TYPES_SENTENCE,
      maxSize: formatFileSize(options.maxUploadBytes),
      values: extra.values ?? {},
      errors,
      errorList: errorList(errors),
    })
  }

  /** Runs one action; on a refusal shows the requirement again with the reason, else PRG with a banner. */
  async function act(req: Request, res: Response, field: string, work: (id: string) => Promise<string>) {
    const id = String(req.params.requirementId)
    try {
      const message = await work(id)
      req.session.flash = message
      res.redirect(303, `/evidence/requirements/${id}`)
    } catch (error) {
      if (error instanceof ValidationError) return renderDetail(req, res, id, { status: 400, errors: error.errors, values: bodyOf(req) })
      if (error instanceof ForbiddenError || error instanceof ConflictError) {
        return renderDetail(req, res, id, { status: statusOf(error), errors: { [field]: error.message } })
      }
      throw error
    }
  }

  routes.get('/evidence', async (req, res) => {
    const filter = listFilterSchema.parse(req.query)
    const agencies = await services.directory.listAgencies(req.scope!)
    const agencyId = agencies.some((a) => a.id === filter.agency) ? filter.agency : undefined
    const status = filter.status
    const readiness = await evidence.readiness(req.scope!, { agencyId, status })
    // Every figure links to exactly the list it counts: the same agency and status filters.
    const query = (q: Record<string, string | undefined>) => new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => Boolean(e[1]))).toString()
    const link = (q: Record<string, string | undefined>) => (query(q) ? `/evidence/requirements?${query(q)}` : '/evidence/requirements')
    // With a status chosen, only that status's row is shown: the others are zero by definition.
    const shownStatuses = status ? [status] : EVIDENCE_STATUSES
    const figureRows = (agency: string | undefined, f: typeof readiness.overall) => ({
      total: { count: f.total, percent: f.total ? 100 : 0, href: link({ agency, status }) },
      statuses: shownStatuses.map((s) => ({ status: s, label: EVIDENCE_STATUS_LABELS[s], ...f.byStatus[s], href: link({ agency, status: s }) })),
      stale: { count: f.stale, href: link({ agency, status, stale: 'yes' }) },
      waiting: { count: f.waiting, href: link({ agency, status, waiting: 'yes' }) },
      ready: { ...f.ready, href: link({ agency, status, ready: 'yes' }) },
    })
    const statusLabel = status ? EVIDENCE_STATUS_LABELS[status] : undefined
    res.render('evidence/views/dashboard.njk', {
      overall: figureRows(agencyId, readiness.overall),
      agencies: readiness.agencies.map((a) => ({ id: a.id, name: a.name, href: `/evidence?${query({ agency: a.id, status })}`, ...figureRows(a.id, a.figures) })),
      agencyOptions: [{ value: '', text: 'All agencies' }, ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === agencyId }))],
      statusOptions: [{ value: '', text: 'Any status' }, ...EVIDENCE_STATUSES.map((s: EvidenceStatus) => ({ value: s, text: EVIDENCE_STATUS_LABELS[s], selected: s === status }))],
      agencyName: agencies.find((a) => a.id === agencyId)?.name,
      agencyId,
      statusLabel,
      // "requirements" or "uploaded requirements", for screen-reader link text.
      noun: statusLabel ? `${statusLabel.toLowerCase()} requirements` : 'requirements',
    })
  })

  routes.get('/evidence/requirements', async (req, res) => {
    const filter = listFilterSchema.parse(req.query)
    const agencies = await services.directory.listAgencies(req.scope!)
    const agencyId = agencies.some((a) => a.id === filter.agency) ? filter.agency : undefined
    const rows = await evidence.list(req.scope!, { agencyId, status: filter.status, stale: filter.stale === 'yes', waiting: filter.waiting === 'yes', ready: filter.ready === 'yes' })
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
      agencyOptions: [{ value: '', text: 'All agencies' }, ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === agencyId }))],
      statusOptions: [{ value: '', text: 'Any status' }, ...EVIDENCE_STATUSES.map((s: EvidenceStatus) => ({ value: s, text: EVIDENCE_STATUS_LABELS[s], selected: s === filter.status }))],
      stale: filter.stale === 'yes',
      waiting: filter.waiting === 'yes',
      ready: filter.ready === 'yes',
      checklistHref: '/evidence/checklist.xlsx',
    })
  })

  async function agencyChoices(req: Request, selected?: string) {
    const scope = req.scope!
    const manager = scope.roles.includes('administrator') || scope.roles.includes('inspection-coordinator')
    const agencies = (await services.directory.listAgencies(scope)).filter((a) => manager || a.id === scope.agencyId)
    return [{ value: '', text: 'Select an agency' }, ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === (selected ?? (agencies.length === 1 ? a.id : undefined)) }))]
  }

  routes.get('/evidence/requirements/new', async (req, res) => {
    res.render('evidence/views/requirement-form.njk', { agencies: await agencyChoices(req), values: { reviewIntervalMonths: '12' } })
  })

  routes.post('/evidence/requirements/new', async (req, res) => {
    try {
      const form = parseForm(localRequirementSchema, req.body)
      const id = await evidence.addLocalRequirement(req.scope!, form)
      req.session.flash = `${form.title} has been added`
      res.redirect(303, `/evidence/requirements/${id}`)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const values = bodyOf(req)
      res.status(400).render('evidence/views/requirement-form.njk', {
        agencies: await agencyChoices(req, String(values.agencyId ?? '')),
        values,
        errors: error.errors,
        errorList: errorList(error.errors, ['agencyId', 'title', 'description', 'reviewIntervalMonths']),
      })
    }
  })

  routes.get('/evidence/checklist.xlsx', async (req, res) => {
    await sendChecklist(res, await evidence.list(req.scope!))
  })

  routes.get('/evidence/pack.zip', async (req, res) => {
    const filter = listFilterSchema.parse(req.query)
    await sendEvidencePack(res, evidence, await evidence.packContents(req.scope!, { agencyId: filter.agency }))
  })

  routes.get('/evidence/requirements/:requirementId', async (req, res) => {
    await renderDetail(req, res, String(req.params.requirementId))
  })

  routes.post('/evidence/requirements/:requirementId/upload', async (req, res) => {
    const id = String(req.params.requirementId)
    // Who may upload is checked before a byte is stored.
    try {
      await evidence.assertCanUpload(req.scope!, id)
    } catch (error) {
      if (error instanceof ForbiddenError) return renderDetail(req, res, id, { status: statusOf(error), errors: { file: error.message } })
      throw error
    }
    let upload
    try {
      upload = await parseUpload(req, { store: services.files, maxFileBytes: options.maxUploadBytes, maxFields: 5, fieldSizeLimit: 1024, strictFilenames: true })
    } catch (error) {
      if (error instanceof UploadError) return renderDetail(req, res, id, { status: error.status, errors: { file: error.message } })
      throw error
    }
    const file = upload.file!
    if (!csrfValid(req, upload.fields)) {
      await services.files.delete(file.key)
      return res.status(403).render('errors/session-expired.njk')
    }
    await act(req, res, 'file', async () => {
      const { version } = await evidence.addVersion(req.scope!, id, file)
      return `Version ${version} (${file.filename}) has been uploaded. It needs approval again.`
    })
  })

  routes.get('/evidence/requirements/:requirementId/versions/:versionId/download', async (req, res) => {
    const { version, stream } = await evidence.openVersion(req.scope!, String(req.params.requirementId), String(req.params.versionId))
    await sendDownload(res, { filename: version.filename, mime: version.mime, size: version.size, stream })
  })

  routes.post('/evidence/requirements/:requirementId/approve', (req, res) =>
    act(req, res, 'code', async (id) => {
      const { code } = parseForm(codeSchema, req.body)
      await evidence.approve(req.scope!, id, code, req.ip ?? 'unknown')
      return 'The document has been approved'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/sign-off', (req, res) =>
    act(req, res, 'sign-off', async (id) => {
      await evidence.signOff(req.scope!, id)
      return 'The document has been signed off'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/not-available', (req, res) =>
    act(req, res, 'rationale', async (id) => {
      const { rationale } = parseForm(rationaleSchema, req.body)
      await evidence.markNotAvailable(req.scope!, id, rationale)
      return 'The reason has been recorded. The senior approver needs to confirm it.'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/confirm-not-available', (req, res) =>
    act(req, res, 'code', async (id) => {
      const { code } = parseForm(codeSchema, req.body)
      await evidence.confirmNotAvailable(req.scope!, id, code, req.ip ?? 'unknown')
      return 'You have confirmed the document is not available'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/provided', (req, res) =>
    act(req, res, 'providedOn', async (id) => {
      const form = parseForm(providedSchema, req.body)
      const date = readDateInput(form, 'providedOn', 'The date provided')
      if ('error' in date) throw new ValidationError({ providedOn: date.error })
      if (!date.value) throw new ValidationError({ providedOn: 'Enter the date you provided the document to inspectors' })
      await evidence.recordProvided(req.scope!, id, date.value)
      return `Recorded as provided to inspectors on ${formatIso(date.value)}`
    }),
  )

  routes.post('/evidence/requirements/:requirementId/comments', (req, res) =>
    act(req, res, 'body', async (id) => {
      const { body } = parseForm(commentSchema, req.body)
      await evidence.addComment(req.scope!, id, body)
      return 'Your comment has been added'
    }),
  )

  routes.post('/evidence/requirements/:requirementId/comments/:commentId/resolve', (req, res) =>
    act(req, res, 'comments', async (id) => {
      await evidence.resolveComment(req.scope!, id, String(req.params.commentId))
      return 'The comment has been resolved'
    }),
  )
}
