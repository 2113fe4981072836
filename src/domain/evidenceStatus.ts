import type { Role } from './directory'

/**
 * The rules of the documentary evidence library, as pure functions: who may do what to a
 * requirement, and when. The service gathers the facts, asks here, and writes the change.
 *
 *   not started ──upload──▶ uploaded ──approve──▶ approved ──sign off──▶ signed off
 *        │                     ▲                                            │
 *        │                     └──────────── new version (resets) ◀─────────┘
 *        └──mark not available──▶ not available (confirmed by the senior approver)
 */

export const EVIDENCE_STATUSES = ['not-started', 'uploaded', 'approved', 'signed-off', 'not-available'] as const
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number]

export const EVIDENCE_STATUS_LABELS: Record<EvidenceStatus, string> = {
  'not-started': 'Not started',
  uploaded: 'Uploaded',
  approved: 'Approved',
  'signed-off': 'Signed off',
  'not-available': 'Not available',
}

export type EvidenceAction =
  | 'upload'
  | 'approve'
  | 'sign-off'
  | 'mark-not-available'
  | 'confirm-not-available'
  | 'record-provided'
  | 'comment'
  | 'resolve-comment'

export interface EvidenceActor {
  personId: string
  roles: readonly Role[]
  agencyId: string | null
}

/** The owning agency's senior approver, as the directory has them today. */
export interface ApproverFacts {
  id: string
  name: string
  unavailable: boolean
  deputyId: string | null
  deputyName: string | null
}

export interface RequirementFacts {
  status: EvidenceStatus
  agencyId: string
  agencyName: string
  /** Who uploaded the current version; null when there is none. */
  currentUploaderId: string | null
  /** Who recorded "not available"; null unless status is not-available. */
  notAvailableById: string | null
  notAvailableConfirmed: boolean
  approvedById: string | null
  approver: ApproverFacts | null
  /** Whether the partnership has an inspection under way (for "provided to inspectors"). */
  inspectionOpen: boolean
}

/**
 * `conflict` marks a refusal because of where the requirement is (nothing waiting, already done,
 * no inspection yet) rather than who is asking: the web layer answers 409 rather than 403.
 */
export type Decision = { allowed: true } | { allowed: false; reason: string; conflict: boolean }

const ALLOW: Decision = { allowed: true }
const deny = (reason: string): Decision => ({ allowed: false, reason, conflict: false })
const conflict = (reason: string): Decision => ({ allowed: false, reason, conflict: true })

const AGENCY_ROLES: readonly Role[] = ['agency-lead', 'senior-approver', 'contributor']
const BUSINESS_UNIT: readonly Role[] = ['administrator', 'inspection-coordinator']

const has = (actor: EvidenceActor, roles: readonly Role[]): boolean => actor.roles.some((r) => roles.includes(r))

/** Someone who works for the agency that owns the requirement. */
export function isMemberOf(actor: EvidenceActor, agencyId: string): boolean {
  return actor.agencyId === agencyId && has(actor, AGENCY_ROLES)
}

/**
 * Who approves for the agency right now: the senior approver, or, while they are marked
 * unavailable, the deputy they named. Null when nobody can.
 */
export function effectiveApprover(
  approver: ApproverFacts | null,
): { id: string; name: string; asDeputy: boolean } | null {
  if (!approver) return null
  if (!approver.unavailable) return { id: approver.id, name: approver.name, asDeputy: false }
  if (approver.deputyId) return { id: approver.deputyId, name: approver.deputyName ?? 'their deputy', asDeputy: true }
  return null
}

/** Why the deputy acts instead of the senior approver. */
export type DeputyReason = 'unavailable' | 'own-work'

/**
 * Who may approve (or confirm) this piece of work: the senior approver, or their named deputy
 * while the approver is unavailable or when the work is the approver's own (they uploaded the
 * version, or gave the reason it is not available). Null when nobody can.
 */
export function approverFor(
  approver: ApproverFacts | null,
  ownWorkBy: string | null,
): { id: string; name: string; asDeputy: boolean; because: DeputyReason | null } | null {
  if (!approver) return null
  const because: DeputyReason | null = approver.unavailable
    ? 'unavailable'
    : ownWorkBy !== null && ownWorkBy === approver.id
      ? 'own-work'
      : null
  if (!because) return { id: approver.id, name: approver.name, asDeputy: false, because: null }
  if (approver.deputyId)
    return { id: approver.deputyId, name: approver.deputyName ?? 'their deputy', asDeputy: true, because }
  return null
}

/** The person whose own work is waiting: the uploader of a version, or whoever said "not available". */
export function ownWorkOf(facts: RequirementFacts): string | null {
  if (facts.status === 'not-available') return facts.notAvailableById
  if (facts.status === 'uploaded') return facts.currentUploaderId
  return null
}

/** Who approves what is waiting now (for showing on the page). */
export function currentApprover(facts: RequirementFacts) {
  return approverFor(facts.approver, ownWorkOf(facts))
}

interface ApproverCheck {
  /** Who did the work being approved: the uploader, or whoever gave the reason. */
  ownWorkBy: string | null
  /** The refusal for that person: "You uploaded this version, so someone else must approve it". */
  ownWork: string
  /** How to describe the approver's part: "uploaded this version". */
  did: string
  /** "approve it", "confirm it". */
  verb: string
}

function approverCheck(actor: EvidenceActor, facts: RequirementFacts, c: ApproverCheck): Decision {
  const a = facts.approver
  if (!a)
    return conflict(
      `${facts.agencyName} has no senior approver. An administrator must choose one on the agency’s page first`,
    )
  if (
    c.ownWorkBy !== null &&
    c.ownWorkBy === actor.personId &&
    (actor.personId === a.id || actor.personId === a.deputyId)
  ) {
    if (actor.personId === a.id && !a.unavailable) {
      return deny(
        a.deputyId
          ? `${c.ownWork}. Your deputy, ${a.deputyName ?? 'whom you named'}, can ${c.verb}`
          : `${c.ownWork}. An administrator must name a deputy for you, who can then ${c.verb}`,
      )
    }
    return deny(c.ownWork)
  }
  const who = approverFor(a, c.ownWorkBy)
  if (!who) {
    return conflict(
      a.unavailable
        ? `${a.name} is unavailable and has no deputy. An administrator must name a deputy first`
        : `${a.name} ${c.did}, so their deputy must ${c.verb}, but they have no deputy. An administrator must name a deputy for ${a.name} first`,
    )
  }
  if (who.id !== actor.personId) {
    if (who.because === 'unavailable')
      return deny(`Only ${who.name}, deputising for ${a.name} while they are unavailable, can do this`)
    if (who.because === 'own-work')
      return deny(`Only ${who.name}, deputising for ${a.name} (who ${c.did}), can do this`)
    return deny(
      `Only ${a.name}, the senior approver for ${facts.agencyName}, can do this (or their deputy while they are unavailable)`,
    )
  }
  return ALLOW
}

/** Whether `actor` may take `action` on a requirement described by `facts`, and if not, why. */
export function decide(action: EvidenceAction, actor: EvidenceActor, facts: RequirementFacts): Decision {
  if (actor.roles.includes('inspector')) return deny('Inspectors cannot change the evidence library')
  const member = isMemberOf(actor, facts.agencyId)
  switch (action) {
    case 'upload':
      if (!member && !actor.roles.includes('administrator'))
        return deny(`Only people from ${facts.agencyName} can upload its documents`)
      return ALLOW

    case 'approve': {
      if (facts.status !== 'uploaded') return conflict('There is no new version waiting for approval')
      const check = approverCheck(actor, facts, {
        ownWorkBy: facts.currentUploaderId,
        ownWork: 'You uploaded this version, so someone else must approve it',
        did: 'uploaded this version',
        verb: 'approve it',
      })
      if (!check.allowed) return check
      // Never the uploader, whoever they are.
      if (facts.currentUploaderId === actor.personId)
        return deny('You uploaded this version, so someone else must approve it')
      return ALLOW
    }

    case 'sign-off':
      if (facts.status !== 'approved') return conflict('Only an approved document can be signed off')
      if (!has(actor, BUSINESS_UNIT))
        return deny('Only an administrator or inspection coordinator can sign documents off')
      if (facts.approvedById === actor.personId)
        return deny('You approved this document, so someone else must sign it off')
      return ALLOW

    case 'mark-not-available':
      if (facts.status !== 'not-started' && facts.status !== 'not-available') {
        return conflict('A document has been uploaded for this requirement, so it cannot be marked not available')
      }
      if (!member && !actor.roles.includes('administrator'))
        return deny(`Only people from ${facts.agencyName} can say why its document is not available`)
      return ALLOW

    case 'confirm-not-available': {
      if (facts.status !== 'not-available') return conflict('This requirement is not marked as not available')
      if (facts.notAvailableConfirmed) return conflict('The reason has already been confirmed')
      const check = approverCheck(actor, facts, {
        ownWorkBy: facts.notAvailableById,
        ownWork: 'You gave the reason, so someone else must confirm it',
        did: 'gave the reason',
        verb: 'confirm it',
      })
      if (!check.allowed) return check
      if (facts.notAvailableById === actor.personId) return deny('You gave the reason, so someone else must confirm it')
      return ALLOW
    }

    case 'record-provided':
      if (!facts.inspectionOpen) return conflict('You can record this once an inspection has started')
      if (facts.status !== 'approved' && facts.status !== 'signed-off')
        return conflict('Only an approved or signed-off document can be provided to inspectors')
      if (!member && !has(actor, BUSINESS_UNIT))
        return deny(`Only people from ${facts.agencyName} can record that they provided its documents`)
      return ALLOW

    case 'comment':
      if (!facts.currentUploaderId) return conflict('There is no document to comment on yet')
      if (!actor.roles.includes('agency-lead') || !actor.agencyId)
        return deny('Only agency leads can quality-assure documents')
      if (actor.agencyId === facts.agencyId)
        return deny('Agency leads quality-assure other agencies’ documents, not their own')
      return ALLOW

    case 'resolve-comment':
      if (!member) return deny(`Only people from ${facts.agencyName} can resolve comments on its documents`)
      return ALLOW
  }
}

/** Every action `actor` may take now, for showing only the buttons that will work. */
export function allowedActions(actor: EvidenceActor, facts: RequirementFacts): Set<EvidenceAction> {
  const all: EvidenceAction[] = [
    'upload',
    'approve',
    'sign-off',
    'mark-not-available',
    'confirm-not-available',
    'record-provided',
    'comment',
    'resolve-comment',
  ]
  return new Set(all.filter((a) => decide(a, actor, facts).allowed))
}

/** The status after `action`. A new version always goes back to "uploaded": approval is for one version. */
export function statusAfter(
  action: 'upload' | 'approve' | 'sign-off' | 'mark-not-available',
  status: EvidenceStatus,
): EvidenceStatus {
  switch (action) {
    case 'upload':
      return 'uploaded'
    case 'approve':
      return 'approved'
    case 'sign-off':
      return 'signed-off'
    case 'mark-not-available':
      return status === 'not-started' || status === 'not-available' ? 'not-available' : status
  }
}

/**
 * The date a document should be reviewed by: `months` after the day its current version was
 * uploaded (a 31st becomes the last day of a shorter month). ISO dates in, ISO date out.
 */
export function reviewByDate(uploadedOn: string, months: number): string {
  const [y, m, d] = uploadedOn.split('-').map(Number) as [number, number, number]
  const total = y * 12 + (m - 1) + months
  const year = Math.floor(total / 12)
  const month = total % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`
}

/** A document is stale once its review-by date has passed. */
export function isStale(reviewBy: string | null, today: string): boolean {
  return reviewBy !== null && today > reviewBy
}

/** "Approvals waiting": a version to approve, or a reason for "not available" to confirm. */
export function isAwaitingApproval(status: EvidenceStatus, notAvailableConfirmed: boolean): boolean {
  return status === 'uploaded' || (status === 'not-available' && !notAvailableConfirmed)
}

export interface ReadinessItem {
  agencyId: string
  status: EvidenceStatus
  stale: boolean
  waiting: boolean
  /** Signed off, or not available with a confirmed reason: nothing more to do before notification. */
  ready: boolean
}

/** Whether a requirement needs nothing more before notification. */
export function isReady(status: EvidenceStatus, notAvailableConfirmed: boolean): boolean {
  return status === 'signed-off' || (status === 'not-available' && notAvailableConfirmed)
}

export interface ReadinessFigures {
  total: number
  byStatus: Record<EvidenceStatus, { count: number; percent: number }>
  stale: number
  waiting: number
  /** Signed off, or not available with a confirmed reason: nothing more to do before notification. */
  ready: { count: number; percent: number }
}

/** Counts and whole-number percentages by status, for one agency or all. */
export function readinessFigures(items: readonly ReadinessItem[]): ReadinessFigures {
  const total = items.length
  const pct = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 100))
  const byStatus = Object.fromEntries(
    EVIDENCE_STATUSES.map((s) => [s, { count: 0, percent: 0 }]),
  ) as ReadinessFigures['byStatus']
  let ready = 0
  for (const item of items) {
    byStatus[item.status].count++
    if (item.ready) ready++
  }
  for (const s of EVIDENCE_STATUSES) byStatus[s].percent = pct(byStatus[s].count)
  return {
    total,
    byStatus,
    stale: items.filter((i) => i.stale).length,
    waiting: items.filter((i) => i.waiting).length,
    ready: { count: ready, percent: pct(ready) },
  }
}

/**
 * How long one authenticator code lets a person approve documents without entering another: the
 * approvals of one sitting ("a real morning") need one code, and each records when it was given.
 */
export const APPROVAL_STEP_UP_MINUTES = 5

/** Whether a step-up (a code accepted at `at`) still covers an approval made at `now`. */
export function stepUpCovers(at: Date | null | undefined, now: Date): boolean {
  if (!at) return false
  const age = now.getTime() - at.getTime()
  return age >= 0 && age < APPROVAL_STEP_UP_MINUTES * 60_000
}

/** When a step-up made at `at` stops covering approvals. */
export function stepUpEnds(at: Date): Date {
  return new Date(at.getTime() + APPROVAL_STEP_UP_MINUTES * 60_000)
}

/** What still needs doing before notification, most urgent first (the readiness page's list). */
export const NEEDS_DOING = ['past-review', 'waiting-approval', 'waiting-sign-off', 'not-started'] as const
export type NeedsDoing = (typeof NEEDS_DOING)[number]

export const NEEDS_DOING_LABELS: Record<NeedsDoing, string> = {
  'past-review': 'Past their review date',
  'waiting-approval': 'Waiting for approval',
  'waiting-sign-off': 'Waiting for sign-off',
  'not-started': 'Not started',
}

/** The things to do for one agency (or all), most urgent first, leaving out what is at zero. */
export function needsDoing(figures: ReadinessFigures): { what: NeedsDoing; count: number }[] {
  const counts: Record<NeedsDoing, number> = {
    'past-review': figures.stale,
    'waiting-approval': figures.waiting,
    'waiting-sign-off': figures.byStatus.approved.count,
    'not-started': figures.byStatus['not-started'].count,
  }
  return NEEDS_DOING.map((what) => ({ what, count: counts[what] })).filter((n) => n.count > 0)
}
