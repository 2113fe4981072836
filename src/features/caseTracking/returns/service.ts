import type { Kysely } from 'kysely'
import { z } from 'zod'
import * as repo from './repository'
import type { Database } from '../../../db/schema'
import { formatDateTime } from '../../../domain/calendar'
import {
  agencyProgress,
  countdown,
  isLate,
  knownCounts,
  type AgencyProgress,
  type KnownCounts,
} from '../../../domain/caseTracking/matrix'
import type { Clock } from '../../../domain/clock'
import { AGENCY_TYPES } from '../../../domain/directory'
import { frameworkSchema } from '../../../domain/frameworks'
import { requireChildDataAccess } from '../../annexA/access'
import { findAgency } from '../../directory/repository'
import { queueNotifications, type NotificationInput } from '../../notifications/queue'
import { change } from '../../../shared/change'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors'
import { actorOf, hasRole, type Scope } from '../../../shared/scope'

/** A framework's own question about each selected child (answered Yes, No or Not known). */
export interface CaseQuestion {
  id: string
  text: string
  hint?: string
}

/** What the case-tracking pages need from the framework the inspection started with. */
const snapshotSchema = z.object({
  title: z.string().optional(),
  agenciesInScope: z.array(z.enum(AGENCY_TYPES)).catch([]),
  caseQuestions: frameworkSchema.shape.caseQuestions.catch(undefined),
})

/**
 * Where an agency person's return stands. The window: an agency's people see the inspectors'
 * children, and answer, from the release until the inspection is closed (the return, then the
 * audit and fieldwork that follow it); before the release and after the inspection closes they see
 * nothing. Only agencies whose type the inspection's framework has in scope are asked.
 */
export type ReturnWindow =
  | { state: 'no-inspection' }
  | { state: 'no-agency' }
  | { state: 'not-in-scope'; agencyName: string }
  | { state: 'not-released'; agencyName: string }
  | {
      state: 'open'
      inspectionId: string
      practice: boolean
      agency: { id: string; name: string }
      releasedAt: Date
      dueAt: Date | null
      questions: CaseQuestion[]
    }

type OpenWindow = Extract<ReturnWindow, { state: 'open' }>

export type AnswerFields = repo.AnswerFields

/** An answer as the pages show it. */
export interface AnswerView extends AnswerFields {
  version: number
  late: boolean
  updatedByName: string | null
  updatedAt: Date
}

function answerView(row: repo.AnswerRow): AnswerView {
  return {
    known: row.known,
    involvement: row.involvement,
    leadPractitioner: row.lead_practitioner,
    team: row.team,
    lastContactOn: row.last_contact_on,
    note: row.note,
    frameworkAnswers: row.framework_answers,
    version: row.version,
    late: row.late,
    updatedByName: row.updated_by_name,
    updatedAt: row.updated_at,
  }
}

/** An answer's fields as stored in a correction's before and after. */
function fieldsOf(a: AnswerFields | undefined): Record<string, unknown> {
  if (!a) return {}
  return {
    known: a.known,
    involvement: a.involvement,
    leadPractitioner: a.leadPractitioner,
    team: a.team,
    lastContactOn: a.lastContactOn,
    note: a.note,
    frameworkAnswers: a.frameworkAnswers,
  }
}

/** A child's identifiers, for agencies to look the child up. */
export interface ChildIdentifiers {
  id: string
  position: number
  childRef: string
  name: string | null
  dateOfBirth: string | null
  nhsNumber: string | null
  address: string | null
}

function identifiers(c: repo.SelectedChild): ChildIdentifiers {
  return {
    id: c.id,
    position: c.position,
    childRef: c.child_ref,
    name: c.name,
    dateOfBirth: c.date_of_birth,
    nhsNumber: c.nhs_number,
    address: c.address,
  }
}

export interface CorrectionView {
  childId: string
  agencyId: string
  reason: string
  byName: string | null
  at: Date
  before: Record<string, unknown>
  after: Record<string, unknown>
}

const correctionView = (c: repo.CorrectionRow): CorrectionView => ({
  childId: c.selected_child_id,
  agencyId: c.agency_id,
  reason: c.reason,
  byName: c.corrected_by_name,
  at: c.corrected_at,
  before: c.before,
  after: c.after,
})

/** An open return as its agency sees it. */
export interface OpenReturn {
  children: (ChildIdentifiers & { answer: AnswerView | null })[]
  submitted: { at: Date; byName: string | null; late: boolean } | null
  maySubmit: boolean
  corrections: CorrectionView[]
}

/** The outcome of saving an answer: saved, or someone else saved first (nothing overwritten). */
export type SaveOutcome = { saved: true; corrected: boolean; late: boolean } | { saved: false; theirs: AnswerView }

export interface MatrixCell {
  known: repo.AnswerRow['known'] | null
  late: boolean
}

export interface MatrixView {
  inspectionId: string
  practice: boolean
  releasedAt: Date
  dueAt: Date | null
  countdown: { passed: boolean; text: string } | null
  agencies: (repo.AgencyRow &
    AgencyProgress & { submittedAt: Date | null; submittedByName: string | null; chasedAt: Date | null })[]
  children: (ChildIdentifiers & { cells: MatrixCell[] })[]
  counts: KnownCounts
  questions: CaseQuestion[]
  /** Answers changed after their agency submitted, newest first. */
  corrections: (CorrectionView & { agencyName: string; position: number | null })[]
}

export interface CaseReturnsServiceDeps {
  db: Kysely<Database>
  clock: Clock
}

/**
 * The agencies' "known to us" returns about the inspectors' selected children, and the
 * coordinator's live matrix of them. Children's identifiers are special-category data: every page
 * that shows them writes a read event (which children by their opaque id, never the identifiers).
 */
export function createCaseReturnsService({ db, clock }: CaseReturnsServiceDeps) {
  async function frameworkOf(inspection: repo.OpenInspection) {
    const parsed = snapshotSchema.safeParse(inspection.framework)
    return parsed.success ? parsed.data : { title: undefined, agenciesInScope: [], caseQuestions: undefined }
  }

  /** Where the signed-in agency person's return stands (see ReturnWindow). */
  async function windowOf(scope: Scope): Promise<ReturnWindow> {
    const inspection = await repo.openInspection(db, scope.partnershipId)
    if (!inspection) return { state: 'no-inspection' }
    const agency = scope.agencyId ? await findAgency(db, scope.partnershipId, scope.agencyId) : undefined
    if (!agency) return { state: 'no-agency' }
    const framework = await frameworkOf(inspection)
    if (!framework.agenciesInScope.includes(agency.type)) return { state: 'not-in-scope', agencyName: agency.name }
    const selection = await repo.findSelection(db, scope.partnershipId, inspection.id)
    if (!selection?.released_at) return { state: 'not-released', agencyName: agency.name }
    return {
      state: 'open',
      inspectionId: inspection.id,
      practice: inspection.practice,
      agency: { id: agency.id, name: agency.name },
      releasedAt: selection.released_at,
      dueAt: selection.due_at,
      questions: framework.caseQuestions ?? [],
    }
  }

  /** The open return, or "not found" for a child page outside the window. */
  async function requireOpen(scope: Scope, what = 'Child'): Promise<OpenWindow> {
    const w = await windowOf(scope)
    if (w.state !== 'open') throw new NotFoundError(what)
    return w
  }

  async function requireChild(scope: Scope, w: OpenWindow, childId: string): Promise<repo.SelectedChild> {
    const child = await repo.findSelectedChild(db, scope.partnershipId, w.inspectionId, childId)
    if (!child) throw new NotFoundError('Child')
    return child
  }

  /** The agency's lead, or the named deputy of one of its leads while that lead is unavailable. */
  async function maySubmit(scope: Scope, agencyId: string): Promise<boolean> {
    if (hasRole(scope, 'agency-lead') && scope.agencyId === agencyId) return true
    const leads = await repo.leadsOf(db, scope.partnershipId, [agencyId])
    return leads.some((l) => l.unavailable && l.deputy_id === scope.personId)
  }

  /** The released selection for the matrix, or null before release; refuses anyone without child-data access. */
  async function matrixSource(scope: Scope) {
    await requireChildDataAccess(db, scope)
    const inspection = await repo.openInspection(db, scope.partnershipId)
    if (!inspection) return 'no-inspection' as const
    const selection = await repo.findSelection(db, scope.partnershipId, inspection.id)
    if (!selection?.released_at) return 'not-released' as const
    const framework = await frameworkOf(inspection)
    const [agencies, children, answers, returns, corrections] = await Promise.all([
      repo.agenciesOfTypes(db, scope.partnershipId, framework.agenciesInScope),
      repo.selectedChildren(db, scope.partnershipId, inspection.id),
      repo.answersOf(db, scope.partnershipId, inspection.id),
      repo.returnsOf(db, scope.partnershipId, inspection.id),
      repo.correctionsOf(db, scope.partnershipId, inspection.id),
    ])
    return {
      inspection,
      selection,
      releasedAt: selection.released_at,
      framework,
      agencies,
      children,
      answers,
      returns,
      corrections,
    }
  }

  function buildMatrix(source: Exclude<Awaited<ReturnType<typeof matrixSource>>, string>, now: Date): MatrixView {
    const { inspection, selection, agencies, children, answers, returns, framework, corrections } = source
    const childIds = children.map((c) => c.id)
    const agencyIds = agencies.map((a) => a.id)
    const inScope = new Set(agencyIds)
    const relevant = answers.filter((a) => inScope.has(a.agency_id))
    const matrixAnswers = relevant.map((a) => ({
      childId: a.selected_child_id,
      agencyId: a.agency_id,
      known: a.known,
      late: a.late,
    }))
    const progress = agencyProgress(
      agencyIds,
      childIds,
      matrixAnswers,
      returns.map((r) => ({ agencyId: r.agency_id, submittedAt: r.submitted_at, late: r.late })),
    )
    const byCell = new Map(relevant.map((a) => [`${a.selected_child_id} ${a.agency_id}`, a]))
    return {
      inspectionId: inspection.id,
      practice: inspection.practice,
      releasedAt: source.releasedAt,
      dueAt: selection.due_at,
      countdown: selection.due_at ? countdown(now, selection.due_at) : null,
      agencies: agencies.map((a, i) => {
        const r = returns.find((x) => x.agency_id === a.id)
        return {
          ...a,
          ...progress[i]!,
          submittedAt: r?.submitted_at ?? null,
          submittedByName: r?.submitted_by_name ?? null,
          chasedAt: r?.chased_at ?? null,
        }
      }),
      children: children.map((c) => ({
        ...identifiers(c),
        cells: agencies.map((a) => {
          const answer = byCell.get(`${c.id} ${a.id}`)
          return { known: answer?.known ?? null, late: answer?.late ?? false }
        }),
      })),
      counts: knownCounts(childIds, matrixAnswers),
      questions: framework.caseQuestions ?? [],
      corrections: corrections.map((c) => ({
        ...correctionView(c),
        agencyName: agencies.find((a) => a.id === c.agency_id)?.name ?? 'An agency no longer in scope',
        position: children.find((x) => x.id === c.selected_child_id)?.position ?? null,
      })),
    }
  }

  return {
    windowOf,

    /**
     * The agency's return: the released children with their identifiers and the agency's own
     * answers (never another agency's), its submission and corrections. Records the read.
     */
    async returnPage(
      scope: Scope,
    ): Promise<{ window: Exclude<ReturnWindow, OpenWindow>; open: null } | { window: OpenWindow; open: OpenReturn }> {
      const w = await windowOf(scope)
      if (w.state !== 'open') return { window: w, open: null }
      const [children, answers, returns, corrections, mayThisPersonSubmit] = await Promise.all([
        repo.selectedChildren(db, scope.partnershipId, w.inspectionId),
        repo.answersOf(db, scope.partnershipId, w.inspectionId, w.agency.id),
        repo.returnsOf(db, scope.partnershipId, w.inspectionId),
        repo.correctionsOf(db, scope.partnershipId, w.inspectionId, { agencyId: w.agency.id }),
        maySubmit(scope, w.agency.id),
      ])
      const ret = returns.find((r) => r.agency_id === w.agency.id)
      const byChild = new Map(answers.map((a) => [a.selected_child_id, answerView(a)]))
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-return.viewed',
          entityType: 'case-return',
          entityId: w.inspectionId,
          summary: `Viewed the inspectors’ selected children for ${w.agency.name}’s return (${children.length} ${children.length === 1 ? 'child' : 'children'})`,
          details: { agencyId: w.agency.id, children: children.map((c) => c.id) },
        },
      }))
      return {
        window: w,
        open: {
          children: children.map((c) => ({ ...identifiers(c), answer: byChild.get(c.id) ?? null })),
          submitted: ret?.submitted_at ? { at: ret.submitted_at, byName: ret.submitted_by_name, late: ret.late } : null,
          maySubmit: mayThisPersonSubmit,
          corrections: corrections.map(correctionView),
        },
      }
    },

    /** One child's identifiers and the agency's answer about them. Records the read. */
    async childPage(scope: Scope, childId: string) {
      const w = await requireOpen(scope)
      const child = await requireChild(scope, w, childId)
      const [answer, returns, corrections] = await Promise.all([
        repo.findAnswer(db, scope.partnershipId, child.id, w.agency.id),
        repo.returnsOf(db, scope.partnershipId, w.inspectionId),
        repo.correctionsOf(db, scope.partnershipId, w.inspectionId, { agencyId: w.agency.id, childId: child.id }),
      ])
      const ret = returns.find((r) => r.agency_id === w.agency.id)
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-return.child-viewed',
          entityType: 'selected-child',
          entityId: child.id,
          summary: `Viewed a selected child’s details for ${w.agency.name}’s return`,
          details: { agencyId: w.agency.id },
        },
      }))
      return {
        window: w,
        child: identifiers(child),
        answer: answer ? answerView(answer) : null,
        submitted: Boolean(ret?.submitted_at),
        corrections: corrections.map(correctionView),
      }
    },

    /**
     * Saves the agency's answer about a child if nobody has saved since `version` (the version the
     * form was opened at; 0 for none). After the deadline it is saved and marked late; after the
     * return was submitted it needs a reason and is recorded as a correction.
     */
    async saveAnswer(
      scope: Scope,
      childId: string,
      fields: AnswerFields,
      version: number,
      reason: string | null,
    ): Promise<SaveOutcome> {
      const w = await requireOpen(scope)
      const child = await requireChild(scope, w, childId)
      return change<SaveOutcome>(db, clock, actorOf(scope), async (trx, now) => {
        // Holds the return's row while saving, so a submission cannot slip in between: an answer
        // saved after the return was submitted is always a correction, with its reason.
        const submitted = await repo.lockReturn(trx, scope.partnershipId, w.inspectionId, w.agency.id)
        if (submitted && !reason)
          throw new ValidationError({ reason: 'Enter why you are changing this answer after the return was submitted' })
        const before = await repo.findAnswer(trx, scope.partnershipId, child.id, w.agency.id)
        const late = isLate(now, w.dueAt)
        const saved = await repo.saveAnswer(
          trx,
          scope.partnershipId,
          { inspectionId: w.inspectionId, childId: child.id, agencyId: w.agency.id },
          fields,
          version,
          { personId: scope.personId, late },
          now,
        )
        if (saved === null) {
          // Read again: the answer that won may have been saved after `before` was read.
          const theirs = await repo.findAnswer(trx, scope.partnershipId, child.id, w.agency.id)
          if (!theirs) throw new ConflictError('The answer could not be saved. Open the child again and try again')
          return { result: { saved: false, theirs: answerView(theirs) }, audit: [] }
        }
        if (submitted)
          await repo.insertCorrection(
            trx,
            scope.partnershipId,
            {
              inspectionId: w.inspectionId,
              childId: child.id,
              agencyId: w.agency.id,
              reason: reason!,
              before: fieldsOf(before ? answerView(before) : undefined),
              after: fieldsOf(fields),
              by: scope.personId,
            },
            now,
          )
        return {
          result: { saved: true, corrected: submitted, late },
          audit: {
            action: submitted ? 'case-return.corrected' : 'case-return.answered',
            entityType: 'selected-child',
            entityId: child.id,
            summary: submitted
              ? `Changed ${w.agency.name}’s submitted answer about a selected child`
              : `Answered whether ${w.agency.name} knows a selected child${late ? ' (late)' : ''}`,
            details: {
              agencyId: w.agency.id,
              known: fields.known,
              version: saved,
              late,
              ...(submitted ? { reason } : {}),
            },
          },
        }
      })
    },

    /**
     * Submits the agency's return: its lead, or their deputy while they are unavailable. Every
     * child needs an answer; children still being checked need the submitter's confirmation.
     */
    async submit(scope: Scope, confirmChecking: boolean): Promise<{ late: boolean }> {
      const w = await windowOf(scope)
      if (w.state !== 'open')
        throw new ConflictError(
          'There is no return to submit: the inspectors’ children have not been released to your agency',
        )
      if (!(await maySubmit(scope, w.agency.id)))
        throw new ForbiddenError(
          'Only your agency’s lead, or their deputy while they are unavailable, can submit the return',
        )
      const [children, answers] = await Promise.all([
        repo.selectedChildren(db, scope.partnershipId, w.inspectionId),
        repo.answersOf(db, scope.partnershipId, w.inspectionId, w.agency.id),
      ])
      const answered = new Map(answers.map((a) => [a.selected_child_id, a.known]))
      const unanswered = children.filter((c) => !answered.has(c.id)).length
      const checking = children.filter((c) => answered.get(c.id) === 'checking').length
      const errors: Record<string, string> = {}
      if (unanswered)
        errors.children = `${unanswered} ${unanswered === 1 ? 'child has' : 'children have'} no answer yet: answer every child (Still checking is an answer) before you submit`
      else if (checking && !confirmChecking)
        errors.confirmChecking = `Confirm that you want to submit while ${checking} ${checking === 1 ? 'child is' : 'children are'} still being checked`
      if (Object.keys(errors).length) throw new ValidationError(errors)
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const late = isLate(now, w.dueAt)
        if (
          !(await repo.submitReturn(
            trx,
            scope.partnershipId,
            w.inspectionId,
            w.agency.id,
            { personId: scope.personId, late },
            now,
          ))
        )
          throw new ConflictError(`${w.agency.name}’s return has already been submitted`)
        return {
          result: { late },
          audit: {
            action: 'case-return.submitted',
            entityType: 'case-return',
            entityId: w.inspectionId,
            summary: `Submitted ${w.agency.name}’s return${late ? ' (late)' : ''}`,
            details: { agencyId: w.agency.id, late, children: children.length, stillChecking: checking },
          },
        }
      })
    },

    /**
     * The coordinator's matrix with the children's identifiers, or why there is none (no open
     * inspection, or its children not released yet). Records the read.
     */
    async matrix(scope: Scope): Promise<MatrixView | 'no-inspection' | 'not-released'> {
      const source = await matrixSource(scope)
      if (typeof source === 'string') return source
      const view = buildMatrix(source, clock.now())
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-matrix.viewed',
          entityType: 'case-return',
          entityId: view.inspectionId,
          summary: `Viewed the agencies’ returns for the selected children (${view.children.length} ${view.children.length === 1 ? 'child' : 'children'})`,
          details: { children: view.children.map((c) => c.id) },
        },
      }))
      return view
    },

    /**
     * The matrix's answers, counts and countdown for the page's live update: no child identifiers
     * (cells are keyed by the opaque selected-child id the page already has), so it is not a read of
     * them and is not logged each time it is polled.
     */
    async live(scope: Scope) {
      const source = await matrixSource(scope)
      if (typeof source === 'string') return null
      const view = buildMatrix(source, clock.now())
      return {
        countdown: view.countdown,
        counts: view.counts,
        agencies: view.agencies.map((a) => ({ id: a.id, status: a.status, answered: a.answered, known: a.known })),
        cells: Object.fromEntries(view.children.map((c) => [c.id, c.cells])),
      }
    },

    /** Everything the export needs, with each agency's full answers. Records the download. */
    async exportData(scope: Scope) {
      const source = await matrixSource(scope)
      if (typeof source === 'string') throw new NotFoundError('Return')
      const view = buildMatrix(source, clock.now())
      const answers = new Map(source.answers.map((a) => [`${a.selected_child_id} ${a.agency_id}`, answerView(a)]))
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'case-matrix.exported',
          entityType: 'case-return',
          entityId: view.inspectionId,
          summary: `Downloaded the agencies’ returns for the selected children (${view.children.length} ${view.children.length === 1 ? 'child' : 'children'})`,
          details: { children: view.children.map((c) => c.id) },
        },
      }))
      return { view, answerOf: (childId: string, agencyId: string) => answers.get(`${childId} ${agencyId}`) ?? null }
    },

    /**
     * Chases every agency in scope that has not submitted: its leads and their deputies are told
     * again (a critical notification, emailed at once) and the chase time is recorded.
     */
    async chase(scope: Scope): Promise<{ agencies: number; people: number; unreachable: string[] }> {
      const source = await matrixSource(scope)
      if (typeof source === 'string')
        throw new ConflictError('There is nothing to chase: the inspectors’ children have not been released')
      const submitted = new Set(source.returns.filter((r) => r.submitted_at).map((r) => r.agency_id))
      const targets = source.agencies.filter((a) => !submitted.has(a.id))
      if (!targets.length) throw new ConflictError('Every agency has submitted its return: there is nobody to chase')
      const leads = await repo.leadsOf(
        db,
        scope.partnershipId,
        targets.map((a) => a.id),
      )
      const dueAt = source.selection.due_at
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const inputs: NotificationInput[] = []
        const agencyOf = new Map<string, string>()
        const tell = (personId: string | null, agencyName: string) => {
          if (!personId || agencyOf.has(personId)) return
          agencyOf.set(personId, agencyName)
          inputs.push({
            personId,
            kind: 'return-requested',
            title: `${agencyName}’s return about the inspectors’ children is still needed`,
            body: dueAt
              ? `The inspection coordinator has chased your agency’s return: say which of the inspectors’ selected children your agency knows. It ${isLate(now, dueAt) ? 'was' : 'is'} due by ${formatDateTime(dueAt)}.`
              : 'The inspection coordinator has chased your agency’s return: say which of the inspectors’ selected children your agency knows.',
            link: '/case-tracking/return',
            dedupeKey: `return-chase:${source.inspection.id}:${now.toISOString()}`,
          })
        }
        for (const agency of targets)
          for (const lead of leads.filter((l) => l.agency_id === agency.id)) {
            tell(lead.id, agency.name)
            tell(lead.deputy_id, agency.name)
          }
        const queued = await queueNotifications(trx, scope.partnershipId, now, inputs)
        // Agencies nobody could be told at: no agency lead, or none (nor a deputy) still active.
        const reached = new Set(queued.map((q) => agencyOf.get(q.personId)))
        const unreachable = targets.filter((a) => !reached.has(a.name)).map((a) => a.name)
        await repo.markChased(
          trx,
          scope.partnershipId,
          source.inspection.id,
          targets.map((a) => a.id),
          now,
        )
        return {
          result: { agencies: targets.length, people: queued.length, unreachable },
          audit: {
            action: 'case-return.chased',
            entityType: 'case-return',
            entityId: source.inspection.id,
            summary: `Chased ${targets.length} ${targets.length === 1 ? 'agency' : 'agencies'} for their returns`,
            details: { agencies: targets.map((a) => a.id), notified: queued.length, unreachable: unreachable.length },
          },
        }
      })
    },
  }
}

export type CaseReturnsService = ReturnType<typeof createCaseReturnsService>
