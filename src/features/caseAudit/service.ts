import type { Kysely } from 'kysely'
import { z } from 'zod'
import * as repo from './repository'
import * as returns from '../caseTracking/returns/repository'
import type { AuditGrading, AuditToolStatus, Database } from '../../db/schema'
import { londonDateOf } from '../../domain/calendar'
import type { Clock } from '../../domain/clock'
import { AGENCY_TYPES } from '../../domain/directory'
import { isTotpCode } from '../../web/forms'
import { DEFAULT_AUDIT_TOOL, frameworkSchema } from '../../domain/frameworks'
import { requireChildDataAccess } from '../annexA/access'
import { findAgency } from '../directory/repository'
import { change } from '../../shared/change'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors'
import { actorOf, hasRole, type Scope } from '../../shared/scope'

/** The milestone an agency's audit tools are due on (day 6 of the usual timeline). */
const DUE_MILESTONE = 'audit-returns-due'

export interface AuditSection {
  id: string
  title: string
  hint?: string
}

const snapshotSchema = z.object({
  auditTool: frameworkSchema.shape.auditTool.catch(undefined),
})

/** The audit tool's sections for the inspection's framework as it was when the inspection started. */
function sectionsOf(framework: Record<string, unknown>): AuditSection[] {
  const parsed = snapshotSchema.safeParse(framework)
  return (parsed.success ? parsed.data.auditTool : undefined)?.sections ?? DEFAULT_AUDIT_TOOL.sections
}

export interface ToolSummary {
  id: string
  childId: string
  position: number
  agencyId: string
  agencyName: string
  status: AuditToolStatus
  late: boolean
  updatedAt: Date
}

export interface ToolPage {
  tool: ToolSummary & {
    version: number
    overallGrading: AuditGrading | null
    contribution: string | null
    submittedByName: string | null
    submittedAt: Date | null
    signedOffByName: string | null
    signedOffAt: Date | null
    updatedByName: string | null
  }
  child: { position: number; name: string | null; childRef: string; dateOfBirth: string | null }
  sections: (AuditSection & repo.SectionFields)[]
  dueOn: string | null
  maySubmit: boolean
  maySignOff: { allowed: true } | { allowed: false; reason: string }
}

export type ToolFields = repo.ToolFields

export interface CaseAuditServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** When the inspection's milestone falls (YYYY-MM-DD), or null: the inspections service's timeline. */
  milestoneDate: (scope: Scope, inspectionId: string, milestoneId: string) => Promise<string | null>
  /** Checks a second-factor code once (throttled, no replays): authService.checkCode. */
  checkCode: (personId: string, code: string, ip: string) => Promise<'ok' | 'invalid' | 'throttled'>
}

/**
 * The multi-agency case audit's audit tools: one per child chosen for audit and agency that knows
 * the child, opened from the inspectors' audit choice. An agency sees only its own tools; the
 * coordinator (child-data access) sees every tool's status. Every page that shows a child writes a
 * read event.
 */
export function createCaseAuditService({ db, clock, milestoneDate, checkCode }: CaseAuditServiceDeps) {
  /** The open inspection once the audit choice is recorded, else null. */
  async function auditInspection(scope: Scope, trx: Kysely<Database> = db) {
    const inspection = await returns.openInspection(trx, scope.partnershipId)
    if (!inspection) return null
    if (!(await repo.auditChosenAt(trx, scope.partnershipId, inspection.id))) return null
    return inspection
  }

  /**
   * Opens the tools the audit choice calls for that do not exist yet (idempotent): each chosen
   * child × each agency that answered Yes. One audit event when any is opened.
   */
  async function openMissing(scope: Scope, inspectionId: string, actionBy: string | null): Promise<number> {
    const pairs = await repo.knownPairs(db, scope.partnershipId, inspectionId)
    const existing = await db
      .selectFrom('audit_tools')
      .select(['selected_child_id', 'agency_id'])
      .where('partnership_id', '=', scope.partnershipId)
      .where('inspection_id', '=', inspectionId)
      .execute()
    const have = new Set(existing.map((e) => `${e.selected_child_id} ${e.agency_id}`))
    const missing = pairs.filter((p) => !have.has(`${p.selected_child_id} ${p.agency_id}`))
    if (!missing.length) return 0
    return change(db, clock, actorOf(scope), async (trx, now) => {
      const opened = await repo.openTools(
        trx,
        scope.partnershipId,
        inspectionId,
        missing,
        { by: null, reason: null },
        now,
      )
      return {
        result: opened.length,
        audit: opened.length
          ? {
              action: 'case-audit.tools-opened',
              entityType: 'inspection',
              entityId: inspectionId,
              summary: `Opened ${opened.length} audit ${opened.length === 1 ? 'tool' : 'tools'} for the children chosen for audit`,
              details: {
                tools: opened.map((o) => o.id),
                by: actionBy ?? 'automatically, when the audit pages were read',
              },
            }
          : [],
      }
    })
  }

  async function dueOn(scope: Scope, inspectionId: string): Promise<string | null> {
    return milestoneDate(scope, inspectionId, DUE_MILESTONE)
  }

  /** Late: not signed off and the due day has passed, or submitted after it (London dates). */
  function lateOf(row: repo.ToolRow, due: string | null, today: string): boolean {
    if (!due) return false
    if (row.status === 'signed-off') return row.signed_off_at !== null && londonDateOf(row.signed_off_at) > due
    return today > due
  }

  function summary(row: repo.ToolRow, due: string | null, today: string): ToolSummary {
    return {
      id: row.id,
      childId: row.selected_child_id,
      position: row.position,
      agencyId: row.agency_id,
      agencyName: row.agency_name,
      status: row.status,
      late: lateOf(row, due, today),
      updatedAt: row.updated_at,
    }
  }

  /** The agency's lead, or the named deputy of one of its leads while that lead is unavailable. */
  async function maySubmit(scope: Scope, agencyId: string): Promise<boolean> {
    if (hasRole(scope, 'agency-lead') && scope.agencyId === agencyId) return true
    const leads = await returns.leadsOf(db, scope.partnershipId, [agencyId])
    return leads.some((l) => l.unavailable && l.deputy_id === scope.personId)
  }

  /** Why this person may not sign the tool off, or null: a senior approver of its agency who neither wrote nor submitted it. */
  function signOffRefusal(scope: Scope, row: repo.ToolRow): string | null {
    if (!hasRole(scope, 'senior-approver') || scope.agencyId !== row.agency_id)
      return `Only a senior approver of ${row.agency_name} can sign off its audit tool`
    if (row.status !== 'submitted')
      return row.status === 'signed-off'
        ? 'This audit tool has already been signed off'
        : 'This audit tool has not been submitted yet: the agency lead submits it before it is signed off'
    if (row.authors.includes(scope.personId) || row.submitted_by === scope.personId)
      return 'You wrote or submitted this audit tool, so someone else must sign it off'
    return null
  }

  /** The agency person's own tool of the open inspection, else not found (another agency's included). */
  async function requireOwnTool(scope: Scope, toolId: string, trx: Kysely<Database> = db): Promise<repo.ToolRow> {
    const inspection = await auditInspection(scope, trx)
    const row = await repo.findTool(trx, scope.partnershipId, toolId)
    if (
      !inspection ||
      !row ||
      row.inspection_id !== inspection.id ||
      row.removed_at ||
      row.agency_id !== scope.agencyId
    )
      throw new NotFoundError('Audit tool')
    return row
  }

  return {
    /**
     * The coordinator's view: every tool by child and agency with its status and late flag. Opens
     * any tools the audit choice calls for first. Records the read. Null before the audit choice.
     */
    async overview(scope: Scope) {
      await requireChildDataAccess(db, scope)
      const inspection = await auditInspection(scope)
      if (!inspection) return null
      await openMissing(scope, inspection.id, null)
      const [tools, children, due] = await Promise.all([
        repo.toolsOf(db, scope.partnershipId, inspection.id),
        returns.selectedChildren(db, scope.partnershipId, inspection.id),
        dueOn(scope, inspection.id),
      ])
      const today = londonDateOf(clock.now())
      const chosen = children.filter((c) => c.chosen_for_audit)
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-audit.viewed',
          entityType: 'inspection',
          entityId: inspection.id,
          summary: `Viewed the audit tools of the children chosen for audit (${chosen.length} ${chosen.length === 1 ? 'child' : 'children'})`,
          details: { children: chosen.map((c) => c.id) },
        },
      }))
      const agencies = await returns.agenciesOfTypes(db, scope.partnershipId, AGENCY_TYPES)
      return {
        dueOn: due,
        agencies,
        children: chosen.map((c) => ({
          id: c.id,
          position: c.position,
          childRef: c.child_ref,
          name: c.name,
          tools: tools.filter((t) => t.selected_child_id === c.id).map((t) => summary(t, due, today)),
        })),
      }
    },

    /** The coordinator's "Open the audit tools" action: opens the missing ones (none is not a problem). */
    async openTools(scope: Scope): Promise<number> {
      await requireChildDataAccess(db, scope)
      const inspection = await auditInspection(scope)
      if (!inspection) throw new ConflictError('The inspectors’ choice of children for audit has not been recorded yet')
      return openMissing(scope, inspection.id, scope.personId)
    },

    /** Refuses anyone without child-data access, and a child not chosen for audit (another partnership's too) is not found. */
    async requireChosenChild(scope: Scope, childId: string): Promise<void> {
      await requireChildDataAccess(db, scope)
      const inspection = await auditInspection(scope)
      const child = inspection
        ? await returns.findSelectedChild(db, scope.partnershipId, inspection.id, childId)
        : undefined
      if (!child?.chosen_for_audit) throw new NotFoundError('Child')
    },

    /** The coordinator adds an agency's audit tool for a chosen child, with a reason (a removed one comes back). */
    async addAgency(scope: Scope, childId: string, agencyId: string, reason: string): Promise<string> {
      await requireChildDataAccess(db, scope)
      const inspection = await auditInspection(scope)
      const child = inspection
        ? await returns.findSelectedChild(db, scope.partnershipId, inspection.id, childId)
        : undefined
      if (!inspection || !child?.chosen_for_audit) throw new NotFoundError('Child')
      const agency = await findAgency(db, scope.partnershipId, agencyId)
      if (!agency) throw new ValidationError({ agencyId: 'Select the agency to add' })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const existing = await trx
          .selectFrom('audit_tools')
          .select(['id', 'removed_at'])
          .where('partnership_id', '=', scope.partnershipId)
          .where('inspection_id', '=', inspection.id)
          .where('selected_child_id', '=', child.id)
          .where('agency_id', '=', agency.id)
          .forUpdate()
          .executeTakeFirst()
        if (existing && !existing.removed_at)
          throw new ValidationError({ agencyId: `${agency.name} already has an audit tool for this child` })
        let toolId = existing?.id
        if (toolId) await repo.restoreTool(trx, scope.partnershipId, toolId, { by: scope.personId, reason }, now)
        else
          toolId = (
            await repo.openTools(
              trx,
              scope.partnershipId,
              inspection.id,
              [{ selected_child_id: child.id, agency_id: agency.id }],
              { by: scope.personId, reason },
              now,
            )
          )[0]!.id
        return {
          result: agency.name,
          audit: {
            action: 'case-audit.agency-added',
            entityType: 'audit-tool',
            entityId: toolId,
            summary: `Added ${agency.name}’s audit tool for a child chosen for audit`,
            details: { agencyId: agency.id, childId: child.id, reason, restored: Boolean(existing) },
          },
        }
      })
    },

    /** The coordinator removes an agency's audit tool, with a reason (kept for the record, no longer asked for). */
    async removeTool(scope: Scope, childId: string, toolId: string, reason: string): Promise<string> {
      await requireChildDataAccess(db, scope)
      const inspection = await auditInspection(scope)
      const child = inspection
        ? await returns.findSelectedChild(db, scope.partnershipId, inspection.id, childId)
        : undefined
      if (!inspection || !child?.chosen_for_audit) throw new NotFoundError('Child')
      const row = await repo.findTool(db, scope.partnershipId, toolId)
      if (!row || row.selected_child_id !== child.id || row.removed_at)
        throw new ValidationError({ toolId: 'Select the agency whose audit tool to remove' })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        if (!(await repo.removeTool(trx, scope.partnershipId, row.id, { by: scope.personId, reason }, now)))
          throw new ConflictError(`${row.agency_name}’s audit tool has already been removed`)
        return {
          result: row.agency_name,
          audit: {
            action: 'case-audit.tool-removed',
            entityType: 'audit-tool',
            entityId: row.id,
            summary: `Removed ${row.agency_name}’s audit tool for a child chosen for audit`,
            details: { agencyId: row.agency_id, childId: row.selected_child_id, reason, status: row.status },
          },
        }
      })
    },

    /** The agency's own tools (never another agency's). Records the read. Null before the audit choice. */
    async agencyTools(scope: Scope) {
      const inspection = await auditInspection(scope)
      const agency = scope.agencyId ? await findAgency(db, scope.partnershipId, scope.agencyId) : undefined
      if (!inspection || !agency) return null
      await openMissing(scope, inspection.id, null)
      const [tools, due] = await Promise.all([
        repo.toolsOf(db, scope.partnershipId, inspection.id, agency.id),
        dueOn(scope, inspection.id),
      ])
      const today = londonDateOf(clock.now())
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-audit.agency-viewed',
          entityType: 'inspection',
          entityId: inspection.id,
          summary: `Viewed ${agency.name}’s audit tools (${tools.length})`,
          details: { agencyId: agency.id, tools: tools.map((t) => t.id) },
        },
      }))
      return { agencyName: agency.name, dueOn: due, tools: tools.map((t) => summary(t, due, today)) }
    },

    /** One of the agency's own tools with the child's identifiers and its sections. Records the read. */
    async toolPage(scope: Scope, toolId: string): Promise<ToolPage> {
      const row = await requireOwnTool(scope, toolId)
      const inspection = (await returns.openInspection(db, scope.partnershipId))!
      const [child, saved, due, submitter] = await Promise.all([
        returns.findSelectedChild(db, scope.partnershipId, row.inspection_id, row.selected_child_id),
        repo.sectionsOf(db, scope.partnershipId, row.id),
        dueOn(scope, row.inspection_id),
        maySubmit(scope, row.agency_id),
      ])
      if (!child) throw new NotFoundError('Audit tool')
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-audit.tool-viewed',
          entityType: 'audit-tool',
          entityId: row.id,
          summary: `Viewed ${row.agency_name}’s audit tool for a child chosen for audit`,
          details: { agencyId: row.agency_id, childId: row.selected_child_id },
        },
      }))
      const refusal = signOffRefusal(scope, row)
      const empty: repo.SectionFields = { workedWell: null, development: null, recommendations: null, grading: null }
      return {
        tool: {
          ...summary(row, due, londonDateOf(clock.now())),
          version: row.version,
          overallGrading: row.overall_grading,
          contribution: row.contribution,
          submittedByName: row.submitted_by_name,
          submittedAt: row.submitted_at,
          signedOffByName: row.signed_off_by_name,
          signedOffAt: row.signed_off_at,
          updatedByName: row.updated_by_name,
        },
        child: {
          position: child.position,
          name: child.name,
          childRef: child.child_ref,
          dateOfBirth: child.date_of_birth,
        },
        sections: sectionsOf(inspection.framework).map((s) => ({ ...s, ...(saved.get(s.id) ?? empty) })),
        dueOn: due,
        maySubmit: submitter && row.status === 'draft',
        maySignOff: refusal ? { allowed: false, reason: refusal } : { allowed: true },
      }
    },

    /** The sections the tool's form asks about. */
    async sectionsFor(scope: Scope, toolId: string): Promise<AuditSection[]> {
      const row = await requireOwnTool(scope, toolId)
      const inspection = await returns.openInspection(db, scope.partnershipId)
      if (!inspection || inspection.id !== row.inspection_id) throw new NotFoundError('Audit tool')
      return sectionsOf(inspection.framework)
    },

    /**
     * Saves the tool as a draft at the version it was opened at (someone else's save in between is
     * a conflict: nothing is overwritten). A submitted or signed-off tool goes back to draft: the
     * submission and any sign-off are void, and the audit event says so.
     */
    async save(
      scope: Scope,
      toolId: string,
      version: number,
      fields: ToolFields,
    ): Promise<{ voided: AuditToolStatus | null }> {
      return change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.lockTool(trx, scope.partnershipId, toolId)
        const row = await requireOwnTool(scope, toolId, trx)
        const saved = await repo.saveTool(trx, scope.partnershipId, row.id, version, fields, scope.personId, now)
        if (saved === null)
          throw new ConflictError(
            'Someone else saved this audit tool since you opened it. Your changes have not been saved: open it again to see theirs',
          )
        const voided = row.status === 'draft' ? null : row.status
        return {
          result: { voided },
          audit: {
            action: voided === 'signed-off' ? 'case-audit.sign-off-voided' : 'case-audit.tool-saved',
            entityType: 'audit-tool',
            entityId: row.id,
            summary:
              voided === 'signed-off'
                ? `Changed ${row.agency_name}’s signed-off audit tool: the sign-off is void and it is a draft again`
                : voided === 'submitted'
                  ? `Changed ${row.agency_name}’s submitted audit tool: it is a draft again`
                  : `Saved ${row.agency_name}’s audit tool as a draft`,
            details: {
              agencyId: row.agency_id,
              version: saved,
              ...(voided
                ? { previousStatus: voided, signedOffBy: row.signed_off_by, submittedBy: row.submitted_by }
                : {}),
            },
          },
        }
      })
    },

    /** Submits the tool: the agency lead, or their deputy while they are unavailable; every grading and the contribution given. */
    async submit(scope: Scope, toolId: string): Promise<void> {
      const row = await requireOwnTool(scope, toolId)
      if (!(await maySubmit(scope, row.agency_id)))
        throw new ForbiddenError(
          'Only your agency’s lead, or their deputy while they are unavailable, can submit the audit tool',
        )
      if (row.status !== 'draft') throw new ConflictError('This audit tool has already been submitted')
      const inspection = (await returns.openInspection(db, scope.partnershipId))!
      const saved = await repo.sectionsOf(db, scope.partnershipId, row.id)
      const missing = sectionsOf(inspection.framework).filter((s) => !saved.get(s.id)?.grading)
      const errors: Record<string, string> = {}
      if (missing.length)
        errors.sections = `Grade every section before you submit: ${missing.map((s) => s.title).join('; ')} ${missing.length === 1 ? 'has' : 'have'} no grading`
      if (!row.overall_grading) errors.overallGrading = 'Give the overall grading before you submit'
      if (!row.contribution)
        errors.contribution = 'Describe your agency’s contribution to the child’s outcomes before you submit'
      if (Object.keys(errors).length) throw new ValidationError(errors)
      await change(db, clock, actorOf(scope), async (trx, now) => {
        const moved = await repo.moveTool(trx, scope.partnershipId, row.id, 'draft', {
          status: 'submitted',
          submitted_by: scope.personId,
          submitted_at: now,
        })
        if (!moved) throw new ConflictError('This audit tool has already been submitted')
        return {
          result: undefined,
          audit: {
            action: 'case-audit.tool-submitted',
            entityType: 'audit-tool',
            entityId: row.id,
            summary: `Submitted ${row.agency_name}’s audit tool for a child chosen for audit`,
            details: { agencyId: row.agency_id, version: row.version },
          },
        }
      })
    },

    /**
     * Signs the submitted tool off: a senior approver of its agency who neither wrote nor submitted
     * it, after their authenticator code (checked after every other rule, so a refusal costs no code).
     */
    async signOff(scope: Scope, toolId: string, code: string, ip: string, version: number): Promise<void> {
      const row = await requireOwnTool(scope, toolId)
      const refusal = signOffRefusal(scope, row)
      // A tool not (or no longer) waiting for sign-off is a conflict; anyone else's refusal is forbidden.
      const mayEver = hasRole(scope, 'senior-approver') && scope.agencyId === row.agency_id
      if (refusal)
        throw mayEver && row.status !== 'submitted' ? new ConflictError(refusal) : new ForbiddenError(refusal)
      if (row.version !== version)
        throw new ConflictError(
          'This audit tool has changed since you opened it: open it again and read it before you sign it off',
        )
      const trimmed = code.replace(/\s+/g, '')
      if (!trimmed) throw new ValidationError({ code: 'Enter the 6-digit code from your authenticator app' })
      if (!isTotpCode(trimmed)) throw new ValidationError({ code: 'The code must be 6 digits' })
      const outcome = await checkCode(scope.personId, trimmed, ip)
      if (outcome === 'throttled')
        throw new ValidationError({ code: 'Too many wrong codes. Wait 15 minutes, then try again' })
      if (outcome !== 'ok')
        throw new ValidationError({
          code: 'The code is not right or has been used. Enter the code your authenticator app shows now',
        })
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.lockTool(trx, scope.partnershipId, row.id)
        const locked = await requireOwnTool(scope, row.id, trx)
        if (locked.version !== version)
          throw new ConflictError(
            'This audit tool has changed since you opened it: open it again and read it before you sign it off',
          )
        const again = signOffRefusal(scope, locked)
        if (again) throw new ConflictError(again)
        await repo.moveTool(trx, scope.partnershipId, row.id, 'submitted', {
          status: 'signed-off',
          signed_off_by: scope.personId,
          signed_off_at: now,
          signed_off_step_up_at: now,
        })
        return {
          result: undefined,
          audit: {
            action: 'case-audit.tool-signed-off',
            entityType: 'audit-tool',
            entityId: row.id,
            summary: `Signed off ${row.agency_name}’s audit tool for a child chosen for audit`,
            details: { agencyId: row.agency_id, version, stepUpAt: now.toISOString() },
          },
        }
      })
    },
  }
}
