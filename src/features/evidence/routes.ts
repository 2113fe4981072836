import type { Request, Response } from 'express'
import { ACCEPTED_EXTENSIONS, ACCEPTED_TYPES_SENTENCE } from '../../domain/fileTypes'
import {
  APPROVAL_STEP_UP_MINUTES,
  EVIDENCE_STATUS_LABELS,
  EVIDENCE_STATUSES,
  NEEDS_DOING_LABELS,
  needsDoing,
  stepUpCovers,
  stepUpEnds,
  type EvidenceStatus,
  type NeedsDoing,
  type ReadinessFigures,
} from '../../domain/evidenceStatus'
import type { Services } from '../../services'
import { ConflictError, ForbiddenError, statusOf, ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { bodyOf, errorList, parseForm } from '../../web/forms'
import { sendDownload } from '../../web/exports'
import { formatFileSize, parseUpload, UploadError } from '../../web/uploads'
import type { RouteOptions, Routes } from '../../web/routes'
import { sendChecklist, sendEvidencePack } from './exports'
import { coverageText, inboxItem, requirementRows, requirementSummary, timeOf, versionApproval } from './presenters'
import { formatDate, formatDateTime } from '../../domain/calendar'
import { csrfValid } from '../../web/multipartCsrf'
import {
  approveSelectedSchema,
  APPROVE_SELECTED_FIELDS,
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
const INBOX = 'evidence/views/approvals.njk'

declare module 'express-session' {
  interface SessionData {
    /** When this person last gave an authenticator code to approve documents (it covers a few minutes). */
    approvalStepUp: { personId: string; at: number }
  }
}

/** The step-up this session holds for the person, if any (whether it still covers now is the service's rule). */
function stepUpOf(req: Request, scope: Scope): Date | null {
  const held = req.session.approvalStepUp
  return held && held.personId === scope.personId ? new Date(held.at) : null
}

/** Keeps a step-up in the session, for the approvals of the next few minutes. */
function keepStepUp(req: Request, scope: Scope): (at: Date) => void {
  return (at) => {
    req.session.approvalStepUp = { personId: scope.personId, at: at.getTime() }
  }
}

/** Agency people work on their own agency: with no agency chosen (not even "All agencies"), theirs is. */
function chosenAgency(
  requested: string | undefined,
  scope: Scope,
  agencies: readonly { id: string }[],
): string | undefined {
  const agencyPerson = scope.roles.some((r) => r === 'agency-lead' || r === 'senior-approver' || r === 'contributor')
  const wanted = requested ?? (agencyPerson ? (scope.agencyId ?? undefined) : undefined)
  return agencies.some((a) => a.id === wanted) ? wanted : undefined
}

export function evidenceRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { evidence } = services

  /** What the approve forms say about the step-up: until when no new code is needed, if one covers now. */
  function stepUpNote(req: Request, scope: Scope): { until: string } | null {
    const at = stepUpOf(req, scope)
    return at && stepUpCovers(at, services.clock.now()) ? { until: timeOf(stepUpEnds(at)) } : null
  }

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
      // The rules' answer for this requirement; `can(routeKey)` stays the route table's, for the layout.
      may: Object.fromEntries([...can].map((a) => [a, true])),
      stepUp: stepUpNote(res.req, scope),
      stepUpMinutes: APPROVAL_STEP_UP_MINUTES,
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
    const agencyId = chosenAgency(filter.agency, scope, agencies)
    const status = filter.status
    const [readiness, coverage] = await Promise.all([
      evidence.readiness(scope, { agencyId, status }),
      evidence.coverage(scope),
    ])
    // Every figure links to exactly the list it counts: the same agency and status filters. For
    // someone who lands on their own agency, "all agencies" has to be said (agency=) to stay all.
    const ownAgency = chosenAgency(undefined, scope, agencies)
    const query = (q: Record<string, string | undefined>) =>
      new URLSearchParams(
        Object.entries({ ...q, agency: q.agency ?? (ownAgency ? '' : undefined) }).filter(
          (e): e is [string, string] => e[1] !== undefined && (e[1] !== '' || e[0] === 'agency'),
        ),
      ).toString()
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
    // What needs doing first, per agency, most urgent first; an agency with nothing to do is left out.
    const NEEDS_DOING_QUERY: Record<NeedsDoing, Record<string, string>> = {
      'past-review': { stale: 'yes' },
      'waiting-approval': { waiting: 'yes' },
      'waiting-sign-off': { status: 'approved' },
      'not-started': { status: 'not-started' },
    }
    const todo = (agency: string | undefined, f: ReadinessFigures) =>
      needsDoing(f).map((n) => ({
        label: NEEDS_DOING_LABELS[n.what],
        count: n.count,
        href: link({ agency, ...NEEDS_DOING_QUERY[n.what] }),
      }))
    const statusLabel = status ? EVIDENCE_STATUS_LABELS[status] : undefined
    res.render('evidence/views/dashboard.njk', {
      coverage: coverageText(coverage),
      overall: figureRows(agencyId, readiness.overall),
      // With a status chosen the list would only repeat it: "what needs doing" is for the unfiltered page.
      needsDoing: status
        ? []
        : readiness.agencies
            .map((a) => ({ id: a.id, name: a.name, items: todo(a.id, a.figures) }))
            .filter((a) => a.items.length),
      agencies: readiness.agencies.map((a) => ({
        id: a.id,
        name: a.name,
        href: `/evidence?${query({ agency: a.id, status })}`,
        ...figureRows(a.id, a.figures),
      })),
      agencyOptions: [
        { value: '', text: 'All agencies', selected: !agencyId },
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
      requirementsHref: link({ agency: agencyId }),
      allAgenciesHref: agencyId
        ? `/evidence?${new URLSearchParams({ agency: '', ...(status ? { status } : {}) }).toString()}`
        : undefined,
      statusLabel,
      // "requirements" or "uploaded requirements", for screen-reader link text.
      noun: statusLabel ? `${statusLabel.toLowerCase()} requirements` : 'requirements',
    })
  })

  routes.get('/evidence/requirements', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    const agencies = await services.directory.listAgencies(scope)
    const agencyId = chosenAgency(filter.agency, scope, agencies)
    const coverage = await evidence.coverage(scope)
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
      coverage: coverageText(coverage),
      rows: rows.map(requirementSummary),
      described: described.join(' · '),
      agencyOptions: [
        { value: '', text: 'All agencies', selected: !agencyId },
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
      checklistHref: `/evidence/checklist.xlsx${agencyId ? `?agency=${agencyId}` : ''}`,
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

  routes.get('/evidence/checklist.xlsx', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    await sendChecklist(res, await evidence.list(scope, { agencyId: filter.agency || undefined }))
  })

  routes.get('/evidence/pack.zip', async (req, res, { scope }) => {
    const filter = listFilterSchema.parse(req.query)
    await sendEvidencePack(res, evidence, await evidence.packContents(scope, { agencyId: filter.agency || undefined }))
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

  // Within a few minutes of a code given to approve (here or in the approvals list), no new code is asked for.
  routes.post('/evidence/requirements/:requirementId/approve', (req, res, { scope, params }) =>
    act(req, res, scope, params.requirementId, 'code', async () => {
      const stepUpAt = stepUpOf(req, scope)
      const code = stepUpCovers(stepUpAt, services.clock.now()) ? undefined : parseForm(codeSchema, req.body).code
      await evidence.approveMany(scope, [params.requirementId], {
        code,
        stepUpAt,
        ip: req.ip ?? 'unknown',
        onStepUp: keepStepUp(req, scope),
      })
      return 'The document has been approved'
    }),
  )

  /** The approvals list; after a batch that did not go through, with its status, the problems and what was selected. */
  async function renderInbox(
    req: Request,
    res: Response,
    scope: Scope,
    extra: { status?: number; errors?: Record<string, string>; selected?: string[] } = {},
  ) {
    const inbox = await evidence.inbox(scope)
    const selected = new Set(extra.selected ?? [])
    const errors = extra.errors ?? {}
    res.status(extra.status ?? 200).render(INBOX, {
      toApprove: inbox.toApprove.map((r) => ({ ...inboxItem(r), checked: selected.has(r.id) })),
      toConfirm: inbox.toConfirm.map(inboxItem),
      toSignOff: inbox.toSignOff.map(inboxItem),
      stepUp: stepUpNote(req, scope),
      stepUpMinutes: APPROVAL_STEP_UP_MINUTES,
      errors,
      errorList: errorList(errors, APPROVE_SELECTED_FIELDS),
    })
  }

  routes.get('/evidence/approvals', async (req, res, { scope }) => {
    await renderInbox(req, res, scope)
  })

  // Approves every selected document after one code (or none, within a few minutes of the last), all or nothing.
  routes.post('/evidence/approvals', async (req, res, { scope }) => {
    const body = bodyOf(req)
    const selected = ([] as string[]).concat(body.requirements ?? []).filter((s) => typeof s === 'string')
    try {
      const form = parseForm(approveSelectedSchema, body)
      const approved = await evidence.approveMany(scope, form.requirements, {
        code: form.code,
        stepUpAt: stepUpOf(req, scope),
        ip: req.ip ?? 'unknown',
        onStepUp: keepStepUp(req, scope),
      })
      req.session.flash =
        approved.length === 1
          ? `${approved[0]!.title} (${approved[0]!.agencyName}) has been approved`
          : `${approved.length} documents have been approved`
      res.redirect(303, '/evidence/approvals')
    } catch (error) {
      if (error instanceof ValidationError)
        return renderInbox(req, res, scope, { status: statusOf(error), errors: error.errors, selected })
      if (error instanceof ForbiddenError || error instanceof ConflictError)
        return renderInbox(req, res, scope, {
          status: statusOf(error),
          errors: { requirements: error.message },
          selected,
        })
      throw error
    }
  })

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
