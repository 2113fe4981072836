import type { Request, Response } from 'express'
import { londonNow } from '../../../domain/calendar'
import type { Services } from '../../../services'
import { ValidationError } from '../../../shared/errors'
import type { Scope } from '../../../shared/scope'
import { dateInputValues } from '../../../web/dateInput'
import { bodyOf, errorList, renderWithErrors, type FieldErrors } from '../../../web/forms'
import { csrfValid } from '../../../web/multipartCsrf'
import type { RouteOptions, Routes } from '../../../web/routes'
import { formatFileSize, parseUpload, UploadError } from '../../../web/uploads'
import { presentChildren, rangeWarning } from './presenters'
import {
  ADD_CHILD_FIELDS,
  addChildSchema,
  auditChoiceSchema,
  readDeadline,
  RELEASE_ANCHORS,
  RELEASE_FIELDS,
  releaseSchema,
  SETTINGS_FIELDS,
  settingsSchema,
} from './schemas'

declare module 'express-session' {
  interface SessionData {
    /** The inspectors' list being checked (an opaque id): its rows wait in the scratch space, never in the session. */
    caseListUpload: string
  }
}

const INDEX = 'caseTracking/views/selection-index.njk'
const AGENCY = 'caseTracking/views/selection-agency.njk'
const UPLOAD = 'caseTracking/views/selection-upload.njk'
const CHECK = 'caseTracking/views/selection-check.njk'
const RELEASE = 'caseTracking/views/selection-release.njk'
const AUDIT = 'caseTracking/views/selection-audit.njk'
const SETTINGS = 'caseTracking/views/selection-settings.njk'

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export function selectionRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { caseSelection } = services

  /** The selection page's context, for showing it and for showing it again with a problem. */
  async function indexContext(scope: Scope) {
    const overview = await caseSelection.overview(scope)
    if (!overview) return { overview: null }
    const { framework, children, selection } = overview
    return {
      overview,
      children: presentChildren(children),
      countWarning: rangeWarning(children.length, framework.selection.children, 'selected'),
      auditWarning: selection?.audit_chosen_at
        ? rangeWarning(overview.chosen, framework.selection.audited, 'audit')
        : null,
      isAgencyPerson: scope.agencyId !== null,
    }
  }

  routes.get('/case-tracking', async (_req, res, { scope }) => {
    if (caseSelection.managesSelection(scope)) return res.render(INDEX, await indexContext(scope))
    res.render(AGENCY, await caseSelection.forAgency(scope))
  })

  routes.form('/case-tracking/children', {
    view: INDEX,
    schema: addChildSchema,
    order: ADD_CHILD_FIELDS,
    context: (_req, { scope }) => indexContext(scope),
    async onValid(form, req, { scope }) {
      const { inRegister, count } = await caseSelection.addChild(scope, form.childRef)
      req.session.flash = inRegister
        ? `Child ${form.childRef} was added. ${plural(count, 'child is', 'children are')} selected.`
        : `Child ${form.childRef} was added, but is not in the child register: check the ID. ${plural(count, 'child is', 'children are')} selected.`
      return '/case-tracking'
    },
  })

  routes.post('/case-tracking/children/:childId/remove', async (req, res, { scope, params }) => {
    const { count } = await caseSelection.removeChild(scope, params.childId)
    req.session.flash = `The child was taken off the selection. ${plural(count, 'child is', 'children are')} selected.`
    res.redirect(303, '/case-tracking')
  })

  async function renderUpload(res: Response, scope: Scope, status = 200, errors?: FieldErrors) {
    const overview = await caseSelection.releasePreview(scope).catch(() => null)
    res.status(status).render(UPLOAD, {
      maxSize: formatFileSize(options.maxUploadBytes),
      released: overview?.selection?.released_at ?? null,
      errors,
      errorList: errors ? errorList(errors, ['file']) : undefined,
    })
  }

  routes.get('/case-tracking/upload', async (_req, res, { scope }) => {
    await caseSelection.requireAccess(scope)
    await renderUpload(res, scope)
  })

  // Multipart: the CSRF token is in the body, checked here once it is parsed.
  routes.post('/case-tracking/upload', async (req, res, { scope }) => {
    // Before reading the body, so nobody who may not see the selection gets a file stored.
    await caseSelection.requireAccess(scope)
    let upload
    try {
      upload = await parseUpload(req, { store: services.files, maxFileBytes: options.maxUploadBytes, maxFields: 5 })
    } catch (error) {
      if (!(error instanceof UploadError)) throw error
      return renderUpload(res, scope, error.status, { file: error.message })
    }
    if (!csrfValid(req, upload.fields)) {
      if (upload.file) await services.files.delete(upload.file.key)
      return res.status(403).render('errors/session-expired.njk')
    }
    const file = upload.file!
    if (file.type !== 'xlsx' && file.type !== 'csv') {
      await services.files.delete(file.key)
      return renderUpload(res, scope, 400, {
        file: 'The selected file must be an Excel workbook (.xlsx) or a CSV file',
      })
    }
    const previous = req.session.caseListUpload
    // The stored upload is deleted once read, whatever happens.
    req.session.caseListUpload = await caseSelection.checkUpload(scope, { key: file.key, filename: file.filename })
    if (previous) await caseSelection.discardUpload(scope, previous)
    res.redirect(303, '/case-tracking/upload/check')
  })

  routes.get('/case-tracking/upload/check', async (req, res, { scope }) => {
    await caseSelection.requireAccess(scope)
    if (!req.session.caseListUpload) return res.redirect(303, '/case-tracking/upload')
    let check
    try {
      check = await caseSelection.uploadCheck(scope, req.session.caseListUpload)
    } catch (error) {
      // Forgotten (after an hour, or a restart): start again.
      delete req.session.caseListUpload
      if ((error as Error).name === 'NotFoundError') {
        req.session.flash = 'The list you checked is no longer kept. Upload it again.'
        return res.redirect(303, '/case-tracking/upload')
      }
      throw error
    }
    res.render(CHECK, {
      check,
      countAfter: check.selectedBefore + check.toAdd.length,
      errorList: check.list.refusal ? [{ text: check.list.refusal, href: '#upload-again' }] : undefined,
    })
  })

  routes.post('/case-tracking/upload/confirm', async (req, res, { scope }) => {
    const { added, count } = await caseSelection.confirmUpload(scope, req.session.caseListUpload)
    delete req.session.caseListUpload
    req.session.flash = `${plural(added, 'child was', 'children were')} added from the inspectors’ list. ${plural(count, 'child is', 'children are')} selected.`
    res.redirect(303, '/case-tracking')
  })

  routes.post('/case-tracking/upload/cancel', async (req, res, { scope }) => {
    await caseSelection.discardUpload(scope, req.session.caseListUpload)
    delete req.session.caseListUpload
    req.session.flash = 'The list was not added. Nothing was saved.'
    res.redirect(303, '/case-tracking')
  })

  async function releaseContext(scope: Scope) {
    const preview = await caseSelection.releasePreview(scope)
    const due = londonNow(preview.dueAt)
    return {
      preview,
      countWarning: rangeWarning(preview.count, preview.framework.selection.children, 'selected'),
      defaults: { ...dateInputValues('dueDate', due.date), dueTime: due.time },
    }
  }

  routes.get('/case-tracking/release', async (_req, res, { scope }) => {
    const context = await releaseContext(scope)
    res.render(RELEASE, { ...context, values: context.defaults })
  })

  routes.post('/case-tracking/release', async (req, res, { scope }) => {
    const show = async (error: ValidationError) =>
      renderWithErrors(
        res,
        RELEASE,
        error,
        { ...(await releaseContext(scope)), values: bodyOf(req) },
        RELEASE_FIELDS,
        RELEASE_ANCHORS,
      )
    const { _csrf: _ignored, ...raw } = bodyOf(req)
    const parsed = releaseSchema.safeParse(raw)
    if (!parsed.success) return show(new ValidationError({ dueDate: 'Reload the page and try again' }))
    const deadline = readDeadline(raw, services.clock.now())
    if ('errors' in deadline) return show(new ValidationError(deadline.errors))
    try {
      const { agencies, told } = await caseSelection.release(scope, deadline.value)
      req.session.flash = `The list was released to ${plural(agencies, 'agency', 'agencies')}. ${plural(told, 'person was', 'people were')} told at once.`
    } catch (error) {
      if (error instanceof ValidationError) return show(error)
      throw error
    }
    res.redirect(303, '/case-tracking')
  })

  async function auditContext(scope: Scope) {
    const page = await caseSelection.auditChoice(scope)
    const chosen = page.children.filter((c) => c.chosen_for_audit).length
    return {
      page,
      children: presentChildren(page.children),
      chosen,
      auditWarning: page.selection?.audit_chosen_at
        ? rangeWarning(chosen, page.framework.selection.audited, 'audit')
        : null,
      range: page.framework.selection.audited,
    }
  }

  routes.get('/case-tracking/audit-choice', async (_req, res, { scope }) => {
    res.render(AUDIT, await auditContext(scope))
  })

  routes.form('/case-tracking/audit-choice', {
    view: AUDIT,
    schema: auditChoiceSchema,
    order: ['children'],
    context: (_req, { scope }) => auditContext(scope),
    async onValid(form, req: Request, { scope }) {
      const { chosen } = await caseSelection.chooseForAudit(scope, form.children)
      req.session.flash = `The choice of ${plural(chosen, 'child', 'children')} for multi-agency audit was recorded.`
      return '/case-tracking/audit-choice'
    },
  })

  routes.get('/case-tracking/settings', async (_req, res, { scope }) => {
    const settings = await caseSelection.settings(scope)
    res.render(SETTINGS, {
      values: { dayStarts: settings.dayStarts, dayEnds: settings.dayEnds, returnHours: String(settings.returnHours) },
    })
  })

  routes.form('/case-tracking/settings', {
    view: SETTINGS,
    schema: settingsSchema,
    order: SETTINGS_FIELDS,
    context: async (_req, { scope }) => {
      await caseSelection.requireAccess(scope)
      return {}
    },
    async onValid(form, req, { scope }) {
      await caseSelection.saveSettings(scope, form)
      req.session.flash = 'The working hours for return deadlines have been saved.'
      return '/case-tracking'
    },
  })
}
