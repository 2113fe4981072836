import type { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import * as dir from '../directory/repository'
import * as repo from './repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import {
  allowedActions,
  currentApprover,
  decide,
  isAwaitingApproval,
  isReady,
  isStale,
  readinessFigures,
  reviewByDate,
  stepUpCovers,
  type EvidenceAction,
  type EvidenceStatus,
  type ReadinessFigures,
  type RequirementFacts,
} from '../../domain/evidenceStatus'
import type { Framework } from '../../domain/frameworks'
import type { FileStore, StoredFile } from '../../storage'
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors'
import { actorOf, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'
import { queueNotifications } from '../notifications/queue'
import { approvalRecipients } from '../notifications/reminders/recipients'
import type { AuditInput } from '../../db/auditLog'
import { formatDate, londonDateOf } from '../../domain/calendar'
import { isTotpCode } from '../../web/forms'

/** The file as parseUpload hands it over: already in the store, type checked, name sanitised. */
export interface UploadedEvidence extends StoredFile {
  filename: string
  mime: string
}

export interface LocalRequirementInput {
  agencyId: string
  title: string
  description: string
  reviewIntervalMonths: number
}

export interface EvidenceServiceDeps {
  db: Kysely<Database>
  clock: Clock
  files: FileStore
  /** The partnership's frameworks (bundled or uploaded); the requirements come from their required documents. */
  frameworks: (scope: Scope) => Promise<Framework[]>
  /** Checks a second-factor code once (throttled, no replays): authService.checkCode. */
  checkCode: (personId: string, code: string, ip: string) => Promise<'ok' | 'invalid' | 'throttled'>
}

export type Requirement = repo.RequirementRow & {
  reviewBy: string | null
  stale: boolean
  waiting: boolean
  ready: boolean
  /** Titles of the frameworks that ask for this document; empty for a local requirement. */
  themes: string[]
  /**
   * "Provided to inspectors" for the inspection under way now: the date and who recorded it, or
   * null when it has not been provided for this inspection (an earlier inspection's record stays
   * in provided_on but no longer counts).
   */
  providedOn: string | null
  providedByName: string | null
}

/**
 * Which requirements the library, readiness, checklist and pack show: while an inspection is open,
 * its framework's documents plus the partnership's local ones; with none open, every framework's.
 */
export interface EvidenceCoverage {
  inspection: {
    id: string
    practice: boolean
    notifiedOn: string
    frameworkId: string
    frameworkTitle: string
  } | null
  /** The document ids in scope; null when every framework's documents are. */
  documentIds: ReadonlySet<string> | null
}

/** What waits for one person: versions to approve, reasons to confirm, approved documents to sign off. */
export interface Inbox {
  toApprove: (Requirement & { deputisingFor: string | null })[]
  toConfirm: Requirement[]
  toSignOff: Requirement[]
}

/** One approval of a batch: enough to name it in the banner. */
export interface Approved {
  id: string
  title: string
  agencyName: string
  version: number
}

export interface RequirementListFilter extends repo.RequirementFilter {
  stale?: boolean
  waiting?: boolean
  ready?: boolean
}

/** Raised when the person may not take an action now (403), or not in this state (409); the message says why. */
const refused = (reason: string, conflict = false): AppError =>
  conflict ? new ConflictError(reason) : new ForbiddenError(reason)

/**
 * The documentary evidence library. Requirements come from the frameworks (one per agency of the
 * document's type) plus local ones; files are stored first and the version row committed second,
 * and a failed commit deletes the file again (the sweep removes anything a crash leaves behind).
 */
export function createEvidenceService(deps: EvidenceServiceDeps) {
  const { db, clock, files } = deps

  /**
   * Document id → the framework titles that ask for it (same id, same document across frameworks).
   * The open inspection's framework, as it was when the inspection started, counts too: its
   * documents have rows even if the partnership's frameworks have changed since.
   */
  async function themesOf(
    scope: Scope,
    inspection: repo.CurrentInspectionRow | undefined,
  ): Promise<{ docs: Map<string, Framework['requiredDocuments'][number]>; themes: Map<string, string[]> }> {
    const docs = new Map<string, Framework['requiredDocuments'][number]>()
    const themes = new Map<string, string[]>()
    for (const f of await deps.frameworks(scope)) {
      for (const d of f.requiredDocuments) {
        if (!docs.has(d.id)) docs.set(d.id, d)
        themes.set(d.id, [...(themes.get(d.id) ?? []), f.title])
      }
    }
    if (inspection) {
      const title = frameworkTitleOf(inspection)
      for (const d of requiredDocumentsOf(inspection.framework)) {
        if (!docs.has(d.id)) docs.set(d.id, d)
        if (!themes.get(d.id)?.includes(title)) themes.set(d.id, [...(themes.get(d.id) ?? []), title])
      }
    }
    return { docs, themes }
  }

  /** Which requirements are in scope now (see {@link EvidenceCoverage}). */
  function coverageOf(inspection: repo.CurrentInspectionRow | undefined): EvidenceCoverage {
    if (!inspection) return { inspection: null, documentIds: null }
    return {
      inspection: {
        id: inspection.id,
        practice: inspection.practice,
        notifiedOn: inspection.notified_on,
        frameworkId: inspection.framework_id,
        frameworkTitle: frameworkTitleOf(inspection),
      },
      documentIds: new Set(requiredDocumentsOf(inspection.framework).map((d) => d.id)),
    }
  }

  /** Brings the framework requirements up to date with the frameworks and the agencies. */
  async function sync(scope: Scope, inspection?: repo.CurrentInspectionRow): Promise<Map<string, string[]>> {
    const { docs, themes } = await themesOf(scope, inspection)
    const agencies = await dir.listAgencies(db, scope.partnershipId)
    const wanted: repo.FrameworkRequirement[] = []
    for (const agency of agencies) {
      for (const d of docs.values()) {
        if (d.agencyType === agency.type)
          wanted.push({
            agencyId: agency.id,
            documentId: d.id,
            title: d.title,
            description: d.description,
            reviewIntervalMonths: d.reviewIntervalMonths,
          })
      }
    }
    await repo.syncFrameworkRequirements(db, scope.partnershipId, wanted, clock.now())
    return themes
  }

  function present(
    row: repo.RequirementRow,
    themes: Map<string, string[]>,
    today: string,
    currentInspectionId: string | null,
  ): Requirement {
    const providedNow =
      row.provided_on !== null && currentInspectionId !== null && row.provided_inspection_id === currentInspectionId
    const uploadedOn = row.uploaded_at ? londonDateOf(row.uploaded_at) : null
    const reviewBy = uploadedOn ? reviewByDate(uploadedOn, row.review_interval_months) : null
    const confirmed = row.not_available_confirmed_at !== null
    return {
      ...row,
      reviewBy,
      stale: isStale(reviewBy, today),
      waiting: isAwaitingApproval(row.status, confirmed),
      ready: isReady(row.status, confirmed),
      themes: row.document_id ? (themes.get(row.document_id) ?? []) : [],
      providedOn: providedNow ? row.provided_on : null,
      providedByName: providedNow ? row.provided_by_name : null,
    }
  }

  async function currentInspectionId(scope: Scope): Promise<string | null> {
    return (await repo.currentInspection(db, scope.partnershipId))?.id ?? null
  }

  /**
   * The requirements in scope (see {@link EvidenceCoverage}) that match the filter: while an
   * inspection is open, its framework's documents and the local ones.
   */
  async function list(scope: Scope, filter: RequirementListFilter = {}): Promise<Requirement[]> {
    const inspection = await repo.currentInspection(db, scope.partnershipId)
    const themes = await sync(scope, inspection)
    const { documentIds } = coverageOf(inspection)
    const today = londonDateOf(clock.now())
    const rows = (await repo.listRequirements(db, scope.partnershipId, filter))
      .filter((r) => !documentIds || r.document_id === null || documentIds.has(r.document_id))
      .map((r) => present(r, themes, today, inspection?.id ?? null))
    return rows.filter(
      (r) => (!filter.stale || r.stale) && (!filter.waiting || r.waiting) && (!filter.ready || r.ready),
    )
  }

  async function requireRequirement(
    scope: Scope,
    id: string,
    trx: Kysely<Database> = db,
  ): Promise<repo.RequirementRow> {
    const row = await repo.findRequirement(trx, scope.partnershipId, id)
    if (!row) throw new NotFoundError('Evidence requirement')
    return row
  }

  /** The agency's senior approver as the directory has them now, if they can approve. */
  async function approverOf(
    trx: Kysely<Database>,
    scope: Scope,
    agencyId: string,
  ): Promise<RequirementFacts['approver']> {
    const agency = await dir.findAgency(trx, scope.partnershipId, agencyId)
    const approver = agency?.senior_approver_id
      ? await dir.findPerson(trx, scope.partnershipId, agency.senior_approver_id)
      : undefined
    return approver && !approver.disabled_at
      ? {
          id: approver.id,
          name: approver.name,
          unavailable: approver.unavailable,
          deputyId: approver.deputy_id,
          deputyName: approver.deputy_name,
        }
      : null
  }

  /**
   * The facts the rules need about a requirement. `known` keeps what is the same for every
   * requirement (each agency's approver, whether an inspection is open) while one action or page
   * looks at several.
   */
  async function factsOf(
    trx: Kysely<Database>,
    scope: Scope,
    row: repo.RequirementRow,
    known: { approvers: Map<string, RequirementFacts['approver']>; inspectionOpen?: boolean } = {
      approvers: new Map(),
    },
  ): Promise<RequirementFacts> {
    if (!known.approvers.has(row.agency_id))
      known.approvers.set(row.agency_id, await approverOf(trx, scope, row.agency_id))
    known.inspectionOpen ??= await repo.hasOpenInspection(trx, scope.partnershipId)
    return {
      status: row.status,
      agencyId: row.agency_id,
      agencyName: row.agency_name,
      currentUploaderId: row.uploaded_by,
      notAvailableById: row.not_available_by,
      notAvailableConfirmed: row.not_available_confirmed_at !== null,
      approvedById: row.approved_by,
      approver: known.approvers.get(row.agency_id) ?? null,
      inspectionOpen: known.inspectionOpen,
    }
  }

  function actorFor(scope: Scope) {
    return { personId: scope.personId, roles: scope.roles, agencyId: scope.agencyId }
  }

  /** Refuses with the rule's reason unless the action is allowed on the row as it is now. */
  async function check(
    trx: Kysely<Database>,
    scope: Scope,
    row: repo.RequirementRow,
    action: EvidenceAction,
  ): Promise<void> {
    const decision = decide(action, actorFor(scope), await factsOf(trx, scope, row))
    if (!decision.allowed) throw refused(decision.reason, decision.conflict)
  }

  /**
   * Runs a status change in one transaction with the row locked: re-reads it, re-checks the rule,
   * writes the change and its audit event.
   */
  async function transition(
    scope: Scope,
    id: string,
    action: EvidenceAction,
    write: (
      trx: Kysely<Database>,
      row: repo.RequirementRow,
      now: Date,
    ) => Promise<{ summary: string; details?: Record<string, unknown> }>,
  ): Promise<void> {
    await requireRequirement(scope, id)
    await change(db, clock, actorOf(scope), async (trx, now) => {
      await repo.lockRequirement(trx, scope.partnershipId, id)
      const row = await requireRequirement(scope, id, trx)
      await check(trx, scope, row, action)
      const { summary, details } = await write(trx, row, now)
      return {
        result: undefined,
        audit: {
          action: `evidence.${action}`,
          entityType: 'evidence-requirement',
          entityId: id,
          summary,
          details: details ?? {},
        },
      }
    })
  }

  async function requireCode(scope: Scope, code: string, ip: string): Promise<void> {
    const outcome = await deps.checkCode(scope.personId, code, ip)
    if (outcome === 'throttled')
      throw new ValidationError({ code: 'Too many wrong codes. Wait 15 minutes, then try again' })
    if (outcome !== 'ok')
      throw new ValidationError({
        code: 'The code is not right or has been used. Enter the code your authenticator app shows now',
      })
  }

  /**
   * Approves the current version of each requirement in `ids`, all or none, in one transaction with
   * an audit event each. One authenticator code covers the approvals of the next few minutes
   * (APPROVAL_STEP_UP_MINUTES): `stepUpAt` is when the person last gave one, if they have; without
   * a step-up that still covers now, `code` must be right, and `onStepUp` hears when it was
   * accepted. Every approval records the step-up that covered it. Refuses everything, naming the
   * document, if the person may not approve any one of them.
   */
  async function approveMany(
    scope: Scope,
    ids: readonly string[],
    auth: { code: string | undefined; stepUpAt: Date | null; ip: string; onStepUp?: (at: Date) => void },
  ): Promise<Approved[]> {
    const unique = [...new Set(ids)]
    if (unique.length === 0) throw new ValidationError({ requirements: 'Select the documents you want to approve' })
    const known = { approvers: new Map<string, RequirementFacts['approver']>() }
    const nothing = (r: repo.RequirementRow, reason: string, conflict: boolean) =>
      refused(`Nothing was approved. ${r.title} (${r.agency_name}): ${reason}`, conflict)
    // Every document is checked before the code is used, so a refusal costs no code.
    for (const id of unique) {
      const row = await repo.findRequirement(db, scope.partnershipId, id)
      if (!row)
        throw new ValidationError({
          requirements:
            'Nothing was approved. One of the documents you selected could not be found: reload the page and try again',
        })
      const decision = decide('approve', actorFor(scope), await factsOf(db, scope, row, known))
      if (!decision.allowed) throw nothing(row, decision.reason, decision.conflict)
    }
    let stepUpAt = auth.stepUpAt
    if (!stepUpCovers(stepUpAt, clock.now())) {
      const code = (auth.code ?? '').replace(/\s+/g, '')
      if (!code) throw new ValidationError({ code: 'Enter the 6-digit code from your authenticator app' })
      if (!isTotpCode(code)) throw new ValidationError({ code: 'The code must be 6 digits' })
      await requireCode(scope, code, auth.ip)
      stepUpAt = clock.now()
      auth.onStepUp?.(stepUpAt)
    }
    const at = stepUpAt!
    return change(db, clock, actorOf(scope), async (trx, now) => {
      const approved: Approved[] = []
      const events: AuditInput[] = []
      const lockedKnown = { approvers: new Map<string, RequirementFacts['approver']>() }
      for (const id of unique) {
        await repo.lockRequirement(trx, scope.partnershipId, id)
        const row = await requireRequirement(scope, id, trx)
        const decision = decide('approve', actorFor(scope), await factsOf(trx, scope, row, lockedKnown))
        if (!decision.allowed) throw nothing(row, decision.reason, decision.conflict)
        const ok = await repo.updateRequirement(
          trx,
          scope.partnershipId,
          id,
          'uploaded',
          { status: 'approved', approved_by: scope.personId, approved_at: now },
          now,
        )
        if (!ok || !row.current_version_id) throw nothing(row, 'There is no new version waiting for approval', true)
        await repo.markVersion(trx, scope.partnershipId, row.current_version_id, {
          approved_by: scope.personId,
          approved_at: now,
          approval_step_up_at: at,
        })
        approved.push({ id, title: row.title, agencyName: row.agency_name, version: row.version_number! })
        events.push({
          action: 'evidence.approve',
          entityType: 'evidence-requirement',
          entityId: id,
          summary: `Approved version ${row.version_number!} of ${row.title} (${row.agency_name})`,
          details: {
            version: row.version_number,
            sha256: row.sha256,
            stepUpAt: at.toISOString(),
            ...(unique.length > 1 ? { approvedTogether: unique.length } : {}),
          },
        })
      }
      return { result: approved, audit: events }
    })
  }

  return {
    list,
    approveMany,

    /** Which requirements the library, readiness, checklist and pack show now, for saying so on the page. */
    async coverage(scope: Scope): Promise<EvidenceCoverage> {
      return coverageOf(await repo.currentInspection(db, scope.partnershipId))
    },

    /**
     * Figures for the requirements in scope, overall and per agency. Only agencies with something
     * in scope are listed: an agency the open inspection asks nothing of is not a row of zeros.
     */
    async readiness(
      scope: Scope,
      filter: { agencyId?: string | undefined; status?: EvidenceStatus | undefined } = {},
    ): Promise<{ overall: ReadinessFigures; agencies: { id: string; name: string; figures: ReadinessFigures }[] }> {
      // The agencies come from the full list, so a status filter does not hide an agency's other work.
      const [items, inScope] = await Promise.all([
        list(scope, filter),
        filter.status ? list(scope, { agencyId: filter.agencyId }) : undefined,
      ])
      const present = new Set((inScope ?? items).map((i) => i.agency_id))
      const agencies = (await dir.listAgencies(db, scope.partnershipId)).filter(
        (a) => (!filter.agencyId || a.id === filter.agencyId) && present.has(a.id),
      )
      return {
        overall: readinessFigures(items.map(toItem)),
        agencies: agencies.map((a) => ({
          id: a.id,
          name: a.name,
          figures: readinessFigures(items.filter((i) => i.agency_id === a.id).map(toItem)),
        })),
      }
    },

    /**
     * Everything waiting for this person, whatever the inspection: versions they may approve (as
     * the senior approver or their acting deputy, never their own uploads), reasons they may
     * confirm and, for the business unit, approved documents waiting for sign-off.
     */
    async inbox(scope: Scope): Promise<Inbox> {
      // No sync: only rows someone has worked on can wait for anyone, and those exist already (so
      // the home page, which shows the count, writes nothing). The list does not name frameworks.
      const inspection = await repo.currentInspection(db, scope.partnershipId)
      const themes = new Map<string, string[]>()
      const today = londonDateOf(clock.now())
      const rows = await repo.listRequirements(db, scope.partnershipId, {
        statuses: ['uploaded', 'approved', 'not-available'],
      })
      const known = { approvers: new Map<string, RequirementFacts['approver']>() }
      const inbox: Inbox = { toApprove: [], toConfirm: [], toSignOff: [] }
      for (const row of rows) {
        const facts = await factsOf(db, scope, row, known)
        const r = present(row, themes, today, inspection?.id ?? null)
        if (row.status === 'uploaded' && decide('approve', actorFor(scope), facts).allowed) {
          const who = currentApprover(facts)
          inbox.toApprove.push({ ...r, deputisingFor: who?.asDeputy ? facts.approver!.name : null })
        } else if (row.status === 'not-available' && decide('confirm-not-available', actorFor(scope), facts).allowed)
          inbox.toConfirm.push(r)
        else if (row.status === 'approved' && decide('sign-off', actorFor(scope), facts).allowed)
          inbox.toSignOff.push(r)
      }
      return inbox
    },

    /** One requirement with its history, comments and what the person may do now. */
    async get(scope: Scope, id: string) {
      const themes = await sync(scope)
      const row = await requireRequirement(scope, id)
      const facts = await factsOf(db, scope, row)
      const [versions, comments, inspectionId] = await Promise.all([
        repo.listVersions(db, scope.partnershipId, id),
        repo.listComments(db, scope.partnershipId, id),
        currentInspectionId(scope),
      ])
      return {
        requirement: present(row, themes, londonDateOf(clock.now()), inspectionId),
        versions,
        comments,
        facts,
        can: allowedActions(actorFor(scope), facts),
      }
    },

    /**
     * What goes in the evidence pack: every requirement (so gaps and reasons show in the index)
     * and, for each, the newest approved version, even while a newer one waits for approval.
     */
    async packContents(
      scope: Scope,
      filter: { agencyId?: string | undefined } = {},
    ): Promise<{ rows: Requirement[]; approved: Map<string, repo.VersionRow> }> {
      const rows = await list(scope, filter)
      const approved = await repo.latestApprovedVersions(
        db,
        scope.partnershipId,
        filter.agencyId ? rows.map((r) => r.id) : undefined,
      )
      return { rows, approved }
    },

    /** Refuses (404 or 403) before an upload is read, so nothing is stored for someone who may not. */
    async assertCanUpload(scope: Scope, id: string): Promise<void> {
      const row = await requireRequirement(scope, id)
      await check(db, scope, row, 'upload')
    },

    async addLocalRequirement(scope: Scope, input: LocalRequirementInput): Promise<string> {
      const agency = await dir.findAgency(db, scope.partnershipId, input.agencyId)
      if (!agency) throw new ValidationError({ agencyId: 'Select the agency that provides this document' })
      const isManager = scope.roles.includes('administrator') || scope.roles.includes('inspection-coordinator')
      if (!isManager && scope.agencyId !== agency.id)
        throw new ValidationError({ agencyId: 'You can only add requirements for your own agency' })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const id = await repo.insertLocalRequirement(trx, scope.partnershipId, input, scope.personId, now)
        return {
          result: id,
          audit: {
            action: 'evidence.requirement-added',
            entityType: 'evidence-requirement',
            entityId: id,
            summary: `Added local requirement ${input.title} for ${agency.name}`,
            details: { ...input },
          },
        }
      })
    },

    /**
     * Records a stored file as the requirement's new version and resets approval. The file is
     * already in the store; if anything here fails it is deleted before the error is rethrown.
     */
    async addVersion(scope: Scope, id: string, file: UploadedEvidence): Promise<{ version: number }> {
      try {
        let version = 0
        await transition(scope, id, 'upload', async (trx, row, now) => {
          const inserted = await repo.insertVersion(
            trx,
            scope.partnershipId,
            {
              requirementId: id,
              fileKey: file.key,
              filename: file.filename,
              mime: file.mime,
              size: file.size,
              sha256: file.sha256,
              uploadedBy: scope.personId,
            },
            now,
          )
          version = inserted.version
          await repo.updateRequirement(
            trx,
            scope.partnershipId,
            id,
            row.status,
            {
              status: 'uploaded',
              current_version_id: inserted.id,
              approved_by: null,
              approved_at: null,
              signed_off_by: null,
              signed_off_at: null,
              // "Provided to inspectors" was for the version before; this one has not been provided.
              provided_on: null,
              provided_by: null,
              provided_inspection_id: null,
              not_available_rationale: null,
              not_available_by: null,
              not_available_at: null,
              not_available_confirmed_by: null,
              not_available_confirmed_at: null,
            },
            now,
          )
          // The senior approver (and their deputy while they are unavailable) is told it waits.
          const approver = await approverOf(trx, scope, row.agency_id)
          await queueNotifications(
            trx,
            scope.partnershipId,
            now,
            approvalRecipients(approver, scope.personId).map((personId) => ({
              personId,
              kind: 'approval-requested' as const,
              title: `${row.title} (${row.agency_name}) waits for approval`,
              body: `${scope.name} uploaded version ${inserted.version} of ${row.title} for ${row.agency_name}. It waits for the senior approver.`,
              link: `/evidence/requirements/${id}`,
            })),
          )
          return {
            summary: `Uploaded version ${inserted.version} of ${row.title} (${row.agency_name})`,
            details: {
              version: inserted.version,
              filename: file.filename,
              size: file.size,
              sha256: file.sha256,
              previousStatus: row.status,
              previouslyProvidedOn: row.provided_on,
            },
          }
        })
        return { version }
      } catch (error) {
        await files.delete(file.key).catch(() => undefined)
        throw error
      }
    },

    async signOff(scope: Scope, id: string): Promise<void> {
      await transition(scope, id, 'sign-off', async (trx, row, now) => {
        const ok = await repo.updateRequirement(
          trx,
          scope.partnershipId,
          id,
          'approved',
          { status: 'signed-off', signed_off_by: scope.personId, signed_off_at: now },
          now,
        )
        if (!ok || !row.current_version_id) throw refused('Only an approved document can be signed off', true)
        await repo.markVersion(trx, scope.partnershipId, row.current_version_id, {
          signed_off_by: scope.personId,
          signed_off_at: now,
        })
        return { summary: `Signed off ${row.title} (${row.agency_name})`, details: { version: row.version_number } }
      })
    },

    async markNotAvailable(scope: Scope, id: string, rationale: string): Promise<void> {
      await transition(scope, id, 'mark-not-available', async (trx, row, now) => {
        await repo.updateRequirement(
          trx,
          scope.partnershipId,
          id,
          row.status,
          {
            status: 'not-available',
            not_available_rationale: rationale,
            not_available_by: scope.personId,
            not_available_at: now,
            not_available_confirmed_by: null,
            not_available_confirmed_at: null,
          },
          now,
        )
        return { summary: `Marked ${row.title} (${row.agency_name}) not available`, details: { rationale } }
      })
    },

    async confirmNotAvailable(scope: Scope, id: string, code: string, ip: string): Promise<void> {
      const row = await requireRequirement(scope, id)
      await check(db, scope, row, 'confirm-not-available')
      await requireCode(scope, code, ip)
      await transition(scope, id, 'confirm-not-available', async (trx, current, now) => {
        await repo.updateRequirement(
          trx,
          scope.partnershipId,
          id,
          'not-available',
          { not_available_confirmed_by: scope.personId, not_available_confirmed_at: now },
          now,
        )
        return {
          summary: `Confirmed ${current.title} (${current.agency_name}) is not available`,
          details: { rationale: current.not_available_rationale },
        }
      })
    },

    async recordProvided(scope: Scope, id: string, providedOn: string): Promise<void> {
      const today = londonDateOf(clock.now())
      if (providedOn > today)
        throw new ValidationError({
          providedOn: `The date provided must be today or in the past: ${formatDate(today)} or earlier`,
        })
      await transition(scope, id, 'record-provided', async (trx, row, now) => {
        // The rule has just checked an inspection is open; the record belongs to that inspection.
        const inspection = await repo.currentInspection(trx, scope.partnershipId)
        if (!inspection) throw refused('You can record this once an inspection has started', true)
        if (providedOn < inspection.notified_on) {
          throw new ValidationError({
            providedOn: `The date provided must be on or after ${formatDate(inspection.notified_on)}, the day this inspection was notified`,
          })
        }
        await repo.updateRequirement(
          trx,
          scope.partnershipId,
          id,
          row.status,
          { provided_on: providedOn, provided_by: scope.personId, provided_inspection_id: inspection.id },
          now,
        )
        return {
          summary: `Recorded ${row.title} (${row.agency_name}) as provided to inspectors on ${providedOn}`,
          details: { providedOn, version: row.version_number, inspectionId: inspection.id },
        }
      })
    },

    async addComment(scope: Scope, id: string, body: string): Promise<void> {
      await transition(scope, id, 'comment', async (trx, row, now) => {
        const commentId = await repo.insertComment(
          trx,
          scope.partnershipId,
          { requirementId: id, authorId: scope.personId, authorAgencyId: scope.agencyId, body },
          now,
        )
        return {
          summary: `Commented on ${row.title} (${row.agency_name})`,
          details: { commentId, version: row.version_number },
        }
      })
    },

    async resolveComment(scope: Scope, id: string, commentId: string): Promise<void> {
      const comment = await repo.findComment(db, scope.partnershipId, id, commentId)
      if (!comment) throw new NotFoundError('Comment')
      await transition(scope, id, 'resolve-comment', async (trx, row, now) => {
        if (!(await repo.resolveComment(trx, scope.partnershipId, commentId, scope.personId, now)))
          throw refused('This comment has already been resolved', true)
        return { summary: `Resolved a comment on ${row.title} (${row.agency_name})`, details: { commentId } }
      })
    },

    /** Opens one version for download; the requirement must be in the person's partnership. */
    async openVersion(
      scope: Scope,
      id: string,
      versionId: string,
    ): Promise<{ version: repo.VersionRow; stream: Readable }> {
      await requireRequirement(scope, id)
      const version = await repo.findVersion(db, scope.partnershipId, id, versionId)
      if (!version) throw new NotFoundError('Document version')
      return { version, stream: await files.open(version.file_key) }
    },

    /** Opens a stored file by key, for the evidence pack (the caller got the key from {@link list}). */
    openFile: (key: string) => files.open(key),
  }
}

/** The required documents of a framework as an inspection stored it (JSON), leaving out anything malformed. */
function requiredDocumentsOf(framework: Record<string, unknown>): Framework['requiredDocuments'] {
  const docs = framework.requiredDocuments
  if (!Array.isArray(docs)) return []
  return docs.filter(
    (d): d is Framework['requiredDocuments'][number] =>
      typeof d === 'object' &&
      d !== null &&
      typeof (d as Record<string, unknown>).id === 'string' &&
      typeof (d as Record<string, unknown>).agencyType === 'string' &&
      typeof (d as Record<string, unknown>).title === 'string' &&
      typeof (d as Record<string, unknown>).description === 'string' &&
      Number.isInteger((d as Record<string, unknown>).reviewIntervalMonths),
  )
}

function frameworkTitleOf(inspection: repo.CurrentInspectionRow): string {
  const title = inspection.framework.title
  return typeof title === 'string' && title ? title : inspection.framework_id
}

function toItem(r: Requirement) {
  return { agencyId: r.agency_id, status: r.status, stale: r.stale, waiting: r.waiting, ready: r.ready }
}

export type EvidenceService = ReturnType<typeof createEvidenceService>
export type { EvidenceStatus }
export type { VersionRow } from './repository'
