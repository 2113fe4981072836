import type { Response } from 'express'
import type { Services } from '../../services'
import type { Scope } from '../../shared/scope'
import { ValidationError } from '../../shared/errors'
import { bodyOf, errorList, parseForm, renderWithErrors } from '../../web/forms'
import type { Routes } from '../../web/routes'
import { gradingItems, GRADING_LABELS, statusTag } from './presenters'
import {
  addAgencySchema,
  removeToolSchema,
  sectionField,
  signOffSchema,
  submitSchema,
  toolFields,
  toolSchema,
} from './schemas'
import type { AuditSection, ToolFields, ToolPage } from './service'

const OVERVIEW = 'caseAudit/views/overview.njk'
const AGENCY = 'caseAudit/views/agency.njk'
const TOOL = 'caseAudit/views/tool.njk'

const toolPath = (id: string) => `/case-audit/tools/${id}`

/** The tool form's values from what is saved. */
function savedValues(page: ToolPage): Record<string, string> {
  const values: Record<string, string> = {
    version: String(page.tool.version),
    overallGrading: page.tool.overallGrading ?? '',
    contribution: page.tool.contribution ?? '',
  }
  for (const s of page.sections) {
    values[sectionField(s.id, 'workedWell')] = s.workedWell ?? ''
    values[sectionField(s.id, 'development')] = s.development ?? ''
    values[sectionField(s.id, 'recommendations')] = s.recommendations ?? ''
    values[sectionField(s.id, 'grading')] = s.grading ?? ''
  }
  return values
}

/** The tool's page model: the sections with their field names. */
function toolContext(page: ToolPage) {
  return {
    ...page,
    tag: statusTag(page.tool.status, page.tool.late),
    overallText: page.tool.overallGrading ? GRADING_LABELS[page.tool.overallGrading] : null,
    sections: page.sections.map((s) => ({
      ...s,
      fields: {
        workedWell: sectionField(s.id, 'workedWell'),
        development: sectionField(s.id, 'development'),
        recommendations: sectionField(s.id, 'recommendations'),
        grading: sectionField(s.id, 'grading'),
      },
    })),
    gradingItems,
  }
}

/** Reads the tool's form against the inspection's sections: every field optional in a draft. */
function readTool(body: unknown, sections: readonly AuditSection[]): { version: number; fields: ToolFields } {
  const form: Record<string, unknown> = parseForm(toolSchema(sections), body)
  const text = (k: string) => {
    const v = form[k]
    return typeof v === 'string' && v ? v : null
  }
  const grading = (k: string) => (text(k) as ToolFields['overallGrading']) ?? null
  return {
    version: form.version as number,
    fields: {
      overallGrading: grading('overallGrading'),
      contribution: text('contribution'),
      sections: Object.fromEntries(
        sections.map((s) => [
          s.id,
          {
            workedWell: text(sectionField(s.id, 'workedWell')),
            development: text(sectionField(s.id, 'development')),
            recommendations: text(sectionField(s.id, 'recommendations')),
            grading: grading(sectionField(s.id, 'grading')),
          },
        ]),
      ),
    },
  }
}

export function caseAuditRoutes(routes: Routes, services: Services): void {
  const { caseAudit } = services

  async function renderTool(
    res: Response,
    scope: Scope,
    toolId: string,
    extra: { error?: ValidationError; values?: Record<string, unknown>; anchors?: Record<string, string> } = {},
  ) {
    const page = await caseAudit.toolPage(scope, toolId)
    const context = { ...toolContext(page), values: extra.values ?? savedValues(page) }
    if (!extra.error) return res.render(TOOL, context)
    renderWithErrors(res, TOOL, extra.error, context, toolFields(page.sections), extra.anchors)
  }

  async function renderOverview(res: Response, scope: Scope, extra: Record<string, unknown> = {}, status = 200) {
    const overview = await caseAudit.overview(scope)
    res.status(status).render(OVERVIEW, {
      ...extra,
      overview: overview && {
        ...overview,
        children: overview.children.map((c) => ({
          ...c,
          tools: c.tools.map((t) => ({ ...t, tag: statusTag(t.status, t.late) })),
          addable: overview.agencies.filter((a) => !c.tools.some((t) => t.agencyId === a.id)),
        })),
      },
    })
  }

  routes.get('/case-audit', async (_req, res, { scope }) => renderOverview(res, scope))

  /** A coordinator's add or remove that did not go through: the overview again, the problems by the child's fields. */
  async function refused(res: Response, scope: Scope, error: ValidationError, prefix: string, childId: string) {
    const errors = Object.fromEntries(Object.entries(error.errors).map(([k, v]) => [`${prefix}${k}-${childId}`, v]))
    await renderOverview(res, scope, { errors, errorList: errorList(errors), values: bodyOf(res.req) }, 400)
  }

  routes.post('/case-audit/children/:childId/agencies', async (req, res, { scope, params }) => {
    await caseAudit.requireChosenChild(scope, params.childId)
    try {
      const form = parseForm(addAgencySchema, req.body)
      const name = await caseAudit.addAgency(scope, params.childId, form.agencyId, form.reason)
      req.session.flash = `${name}’s audit tool has been added.`
      res.redirect(303, '/case-audit')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await refused(res, scope, error, 'add-', params.childId)
    }
  })

  routes.post('/case-audit/children/:childId/remove', async (req, res, { scope, params }) => {
    await caseAudit.requireChosenChild(scope, params.childId)
    try {
      const form = parseForm(removeToolSchema, req.body)
      const name = await caseAudit.removeTool(scope, params.childId, form.toolId, form.reason)
      req.session.flash = `${name}’s audit tool has been removed.`
      res.redirect(303, '/case-audit')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await refused(res, scope, error, 'remove-', params.childId)
    }
  })

  routes.post('/case-audit/open', async (req, res, { scope }) => {
    const opened = await caseAudit.openTools(scope)
    req.session.flash = opened
      ? `${opened} audit ${opened === 1 ? 'tool has' : 'tools have'} been opened.`
      : 'Every audit tool the audit choice calls for is already open.'
    res.redirect(303, '/case-audit')
  })

  routes.get('/case-audit/tools', async (_req, res, { scope }) => {
    const list = await caseAudit.agencyTools(scope)
    res.render(AGENCY, {
      list: list && { ...list, tools: list.tools.map((t) => ({ ...t, tag: statusTag(t.status, t.late) })) },
    })
  })

  routes.get('/case-audit/tools/:toolId', async (_req, res, { scope, params }) => {
    await renderTool(res, scope, params.toolId)
  })

  routes.post('/case-audit/tools/:toolId', async (req, res, { scope, params }) => {
    const sections = await caseAudit.sectionsFor(scope, params.toolId)
    try {
      const { version, fields } = readTool(req.body, sections)
      const { voided } = await caseAudit.save(scope, params.toolId, version, fields)
      req.session.flash =
        voided === 'signed-off'
          ? 'Your changes have been saved. The sign-off is void: the audit tool is a draft again, to be submitted and signed off again.'
          : voided === 'submitted'
            ? 'Your changes have been saved. The audit tool is a draft again, to be submitted again.'
            : 'The audit tool has been saved as a draft.'
      res.redirect(303, toolPath(params.toolId))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderTool(res, scope, params.toolId, {
        error,
        values: bodyOf(req),
        anchors: Object.fromEntries(
          sections.map((s) => [sectionField(s.id, 'grading'), sectionField(s.id, 'grading')]),
        ),
      })
    }
  })

  routes.post('/case-audit/tools/:toolId/submit', async (req, res, { scope, params }) => {
    try {
      parseForm(submitSchema, req.body)
      await caseAudit.submit(scope, params.toolId)
      req.session.flash = 'The audit tool has been submitted. A senior approver of your agency can now sign it off.'
      res.redirect(303, toolPath(params.toolId))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderTool(res, scope, params.toolId, { error, anchors: { sections: 'sections' } })
    }
  })

  routes.post('/case-audit/tools/:toolId/sign-off', async (req, res, { scope, params }) => {
    try {
      const form = parseForm(signOffSchema, req.body)
      await caseAudit.signOff(scope, params.toolId, form.code ?? '', req.ip ?? 'unknown', form.version)
      req.session.flash = 'The audit tool has been signed off.'
      res.redirect(303, toolPath(params.toolId))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await renderTool(res, scope, params.toolId, { error })
    }
  })
}
