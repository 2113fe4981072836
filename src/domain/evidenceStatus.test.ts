import { describe, expect, it } from 'vitest'
import type { Role } from './directory'
import {
  allowedActions,
  approverFor,
  currentApprover,
  decide,
  effectiveApprover,
  isAwaitingApproval,
  isReady,
  needsDoing,
  APPROVAL_STEP_UP_MINUTES,
  stepUpCovers,
  stepUpEnds,
  isStale,
  readinessFigures,
  reviewByDate,
  statusAfter,
  type EvidenceActor,
  type EvidenceStatus,
  type RequirementFacts,
} from './evidenceStatus'

const POLICE = 'agency-police'
const HEALTH = 'agency-health'

const person = (personId: string, roles: Role[], agencyId: string | null = POLICE): EvidenceActor => ({
  personId,
  roles,
  agencyId,
})
const approver = person('approver', ['senior-approver'])
const deputy = person('deputy', ['agency-lead'])
const contributor = person('contributor', ['contributor'])
const otherContributor = person('contributor-2', ['contributor'])
const lead = person('lead', ['agency-lead'])
const healthLead = person('health-lead', ['agency-lead'], HEALTH)
const healthContributor = person('health-contributor', ['contributor'], HEALTH)
const admin = person('admin', ['administrator'], null)
const coordinator = person('coordinator', ['inspection-coordinator'], null)
const inspector = person('inspector', ['inspector'], null)

function facts(over: Partial<RequirementFacts> = {}): RequirementFacts {
  return {
    status: 'uploaded',
    agencyId: POLICE,
    agencyName: 'Northshire Police',
    currentUploaderId: 'contributor',
    notAvailableById: null,
    notAvailableConfirmed: false,
    approvedById: null,
    approver: { id: 'approver', name: 'Priya Shah', unavailable: false, deputyId: 'deputy', deputyName: 'Dan Lee' },
    inspectionOpen: false,
    ...over,
  }
}

const allowed = (d: ReturnType<typeof decide>) => d.allowed
const reason = (d: ReturnType<typeof decide>) => (d.allowed ? '' : d.reason)

describe('upload', () => {
  it('is for the owning agency’s people and administrators, in any status', () => {
    for (const status of ['not-started', 'uploaded', 'approved', 'signed-off', 'not-available'] as EvidenceStatus[]) {
      for (const who of [contributor, lead, approver, admin])
        expect(allowed(decide('upload', who, facts({ status })))).toBe(true)
    }
  })
  it('is refused to other agencies, coordinators and inspectors', () => {
    expect(reason(decide('upload', healthContributor, facts()))).toBe(
      'Only people from Northshire Police can upload its documents',
    )
    expect(allowed(decide('upload', healthLead, facts()))).toBe(false)
    expect(allowed(decide('upload', coordinator, facts()))).toBe(false)
    expect(reason(decide('upload', inspector, facts()))).toBe('Inspectors cannot change the evidence library')
  })
  it('always leads back to "uploaded": a new version resets approval and sign-off', () => {
    for (const status of ['not-started', 'approved', 'signed-off', 'not-available'] as EvidenceStatus[])
      expect(statusAfter('upload', status)).toBe('uploaded')
  })
})

describe('approve', () => {
  it('is for the agency’s senior approver while available', () => {
    expect(allowed(decide('approve', approver, facts()))).toBe(true)
    expect(reason(decide('approve', deputy, facts()))).toBe(
      'Only Priya Shah, the senior approver for Northshire Police, can do this (or their deputy while they are unavailable)',
    )
    expect(allowed(decide('approve', lead, facts()))).toBe(false)
    expect(allowed(decide('approve', admin, facts()))).toBe(false)
  })
  it('passes to the deputy, and only the deputy, while the approver is unavailable', () => {
    const away = facts({
      approver: { id: 'approver', name: 'Priya Shah', unavailable: true, deputyId: 'deputy', deputyName: 'Dan Lee' },
    })
    expect(allowed(decide('approve', deputy, away))).toBe(true)
    expect(reason(decide('approve', approver, away))).toBe(
      'Only Dan Lee, deputising for Priya Shah while they are unavailable, can do this',
    )
  })
  it('is never for the person who uploaded the version, even the approver', () => {
    expect(reason(decide('approve', approver, facts({ currentUploaderId: 'approver' })))).toBe(
      'You uploaded this version, so someone else must approve it. Your deputy, Dan Lee, can approve it',
    )
    const away = facts({
      currentUploaderId: 'deputy',
      approver: { id: 'approver', name: 'Priya Shah', unavailable: true, deputyId: 'deputy', deputyName: 'Dan Lee' },
    })
    expect(allowed(decide('approve', deputy, away))).toBe(false)
  })
  it('passes to the named deputy when the senior approver uploaded the version themselves', () => {
    const own = facts({ currentUploaderId: 'approver' })
    expect(allowed(decide('approve', deputy, own))).toBe(true)
    expect(allowedActions(deputy, own).has('approve')).toBe(true)
    expect(allowedActions(approver, own).has('approve')).toBe(false)
    // Nobody else: not another lead, not an administrator.
    expect(reason(decide('approve', lead, own))).toBe(
      'Only Dan Lee, deputising for Priya Shah (who uploaded this version), can do this',
    )
    expect(allowed(decide('approve', admin, own))).toBe(false)
    // Still never the uploader: the deputy's own upload goes back to the approver.
    const deputysOwn = facts({ currentUploaderId: 'deputy' })
    expect(reason(decide('approve', deputy, deputysOwn))).toBe(
      'You uploaded this version, so someone else must approve it',
    )
    expect(allowed(decide('approve', approver, deputysOwn))).toBe(true)
  })
  it('explains when the senior approver uploaded the version and has no deputy', () => {
    const noDeputy = facts({
      currentUploaderId: 'approver',
      approver: { id: 'approver', name: 'Priya Shah', unavailable: false, deputyId: null, deputyName: null },
    })
    expect(reason(decide('approve', approver, noDeputy))).toBe(
      'You uploaded this version, so someone else must approve it. An administrator must name a deputy for you, who can then approve it',
    )
    expect(decide('approve', lead, noDeputy)).toEqual({
      allowed: false,
      conflict: true,
      reason:
        'Priya Shah uploaded this version, so their deputy must approve it, but they have no deputy. An administrator must name a deputy for Priya Shah first',
    })
  })
  it('while the approver is away, the deputy still never approves their own upload and the approver cannot step back in', () => {
    const away = facts({
      currentUploaderId: 'approver',
      approver: { id: 'approver', name: 'Priya Shah', unavailable: true, deputyId: 'deputy', deputyName: 'Dan Lee' },
    })
    expect(allowed(decide('approve', deputy, away))).toBe(true)
    expect(reason(decide('approve', approver, away))).toBe('You uploaded this version, so someone else must approve it')
  })
  it('needs a version waiting', () => {
    for (const status of ['not-started', 'approved', 'signed-off', 'not-available'] as EvidenceStatus[]) {
      expect(reason(decide('approve', approver, facts({ status })))).toBe(
        'There is no new version waiting for approval',
      )
    }
  })
  it('explains when the agency has no approver or the approver has no deputy', () => {
    expect(reason(decide('approve', approver, facts({ approver: null })))).toMatch(/has no senior approver/)
    expect(
      reason(
        decide(
          'approve',
          approver,
          facts({
            approver: { id: 'approver', name: 'Priya Shah', unavailable: true, deputyId: null, deputyName: null },
          }),
        ),
      ),
    ).toBe('Priya Shah is unavailable and has no deputy. An administrator must name a deputy first')
  })
  it('is another agency’s approver’s business only for their own agency', () => {
    expect(
      allowed(
        decide(
          'approve',
          person('approver', ['senior-approver'], HEALTH),
          facts({ approver: { id: 'other', name: 'X', unavailable: false, deputyId: null, deputyName: null } }),
        ),
      ),
    ).toBe(false)
  })
})

describe('sign-off', () => {
  it('is for the business unit once approved, never the approver', () => {
    expect(allowed(decide('sign-off', admin, facts({ status: 'approved', approvedById: 'approver' })))).toBe(true)
    expect(allowed(decide('sign-off', coordinator, facts({ status: 'approved', approvedById: 'approver' })))).toBe(true)
    const adminApprover = person('admin', ['administrator', 'senior-approver'])
    expect(reason(decide('sign-off', adminApprover, facts({ status: 'approved', approvedById: 'admin' })))).toBe(
      'You approved this document, so someone else must sign it off',
    )
    expect(allowed(decide('sign-off', approver, facts({ status: 'approved', approvedById: 'approver' })))).toBe(false)
    expect(allowed(decide('sign-off', contributor, facts({ status: 'approved' })))).toBe(false)
  })
  it('needs approval first', () => {
    for (const status of ['not-started', 'uploaded', 'signed-off', 'not-available'] as EvidenceStatus[]) {
      expect(reason(decide('sign-off', admin, facts({ status })))).toBe('Only an approved document can be signed off')
    }
  })
})

describe('not available', () => {
  it('can be recorded by the agency before anything is uploaded, and re-recorded until confirmed', () => {
    expect(
      allowed(decide('mark-not-available', contributor, facts({ status: 'not-started', currentUploaderId: null }))),
    ).toBe(true)
    expect(
      allowed(decide('mark-not-available', contributor, facts({ status: 'not-available', currentUploaderId: null }))),
    ).toBe(true)
    expect(allowed(decide('mark-not-available', contributor, facts({ status: 'uploaded' })))).toBe(false)
    expect(allowed(decide('mark-not-available', healthLead, facts({ status: 'not-started' })))).toBe(false)
    expect(statusAfter('mark-not-available', 'not-started')).toBe('not-available')
  })
  it('is confirmed by the senior approver (or deputy), never the person who gave the reason', () => {
    const marked = facts({ status: 'not-available', currentUploaderId: null, notAvailableById: 'contributor' })
    expect(allowed(decide('confirm-not-available', approver, marked))).toBe(true)
    expect(allowed(decide('confirm-not-available', contributor, marked))).toBe(false)
    expect(reason(decide('confirm-not-available', approver, { ...marked, notAvailableById: 'approver' }))).toBe(
      'You gave the reason, so someone else must confirm it. Your deputy, Dan Lee, can confirm it',
    )
    expect(reason(decide('confirm-not-available', approver, { ...marked, notAvailableConfirmed: true }))).toBe(
      'The reason has already been confirmed',
    )
    expect(reason(decide('confirm-not-available', approver, facts({ status: 'uploaded' })))).toBe(
      'This requirement is not marked as not available',
    )
  })
})

describe('confirming "not available" when the senior approver gave the reason', () => {
  const own = facts({ status: 'not-available', currentUploaderId: null, notAvailableById: 'approver' })
  it('passes to the named deputy, and only them', () => {
    expect(allowed(decide('confirm-not-available', deputy, own))).toBe(true)
    expect(reason(decide('confirm-not-available', lead, own))).toBe(
      'Only Dan Lee, deputising for Priya Shah (who gave the reason), can do this',
    )
    expect(allowed(decide('confirm-not-available', approver, own))).toBe(false)
  })
  it('the deputy never confirms a reason they gave themselves', () => {
    const deputysOwn = { ...own, notAvailableById: 'deputy' }
    expect(reason(decide('confirm-not-available', deputy, deputysOwn))).toBe(
      'You gave the reason, so someone else must confirm it',
    )
    expect(allowed(decide('confirm-not-available', approver, deputysOwn))).toBe(true)
  })
  it('says who approves what is waiting now', () => {
    expect(currentApprover(own)).toEqual({ id: 'deputy', name: 'Dan Lee', asDeputy: true, because: 'own-work' })
    expect(currentApprover(facts())).toEqual({ id: 'approver', name: 'Priya Shah', asDeputy: false, because: null })
    expect(approverFor(null, 'x')).toBeNull()
  })
})

describe('provided to inspectors', () => {
  it('is recorded by the agency during an inspection, for approved or signed-off documents', () => {
    expect(reason(decide('record-provided', contributor, facts({ status: 'signed-off' })))).toBe(
      'You can record this once an inspection has started',
    )
    expect(allowed(decide('record-provided', contributor, facts({ status: 'signed-off', inspectionOpen: true })))).toBe(
      true,
    )
    expect(
      allowed(decide('record-provided', otherContributor, facts({ status: 'approved', inspectionOpen: true }))),
    ).toBe(true)
    expect(allowed(decide('record-provided', coordinator, facts({ status: 'approved', inspectionOpen: true })))).toBe(
      true,
    )
    expect(
      allowed(decide('record-provided', healthContributor, facts({ status: 'approved', inspectionOpen: true }))),
    ).toBe(false)
    expect(allowed(decide('record-provided', contributor, facts({ status: 'uploaded', inspectionOpen: true })))).toBe(
      false,
    )
  })
})

describe('quality assurance comments', () => {
  it('come from other agencies’ leads, on a document that exists', () => {
    expect(allowed(decide('comment', healthLead, facts()))).toBe(true)
    expect(reason(decide('comment', lead, facts()))).toBe(
      'Agency leads quality-assure other agencies’ documents, not their own',
    )
    expect(reason(decide('comment', healthContributor, facts()))).toBe('Only agency leads can quality-assure documents')
    expect(allowed(decide('comment', admin, facts()))).toBe(false)
    expect(reason(decide('comment', healthLead, facts({ status: 'not-started', currentUploaderId: null })))).toBe(
      'There is no document to comment on yet',
    )
  })
  it('are resolved by the owning agency', () => {
    expect(allowed(decide('resolve-comment', contributor, facts()))).toBe(true)
    expect(allowed(decide('resolve-comment', lead, facts()))).toBe(true)
    expect(allowed(decide('resolve-comment', healthLead, facts()))).toBe(false)
    expect(allowed(decide('resolve-comment', admin, facts()))).toBe(false)
  })
})

describe('refusals say whether it is who is asking or where the document is', () => {
  it('marks state refusals as conflicts (409) and permission refusals not (403)', () => {
    expect(decide('sign-off', admin, facts({ status: 'uploaded' }))).toMatchObject({ allowed: false, conflict: true })
    expect(decide('approve', approver, facts({ status: 'approved' }))).toMatchObject({ allowed: false, conflict: true })
    expect(decide('record-provided', contributor, facts({ status: 'approved' }))).toMatchObject({
      allowed: false,
      conflict: true,
    })
    expect(decide('approve', contributor, facts())).toMatchObject({ allowed: false, conflict: false })
    expect(decide('upload', healthLead, facts())).toMatchObject({ allowed: false, conflict: false })
    expect(decide('approve', approver, facts({ currentUploaderId: 'approver' }))).toMatchObject({
      allowed: false,
      conflict: false,
    })
  })
})

describe('allowedActions', () => {
  it('lists exactly what the person may do now', () => {
    expect([...allowedActions(approver, facts())].sort()).toEqual(['approve', 'resolve-comment', 'upload'])
    expect([...allowedActions(inspector, facts())]).toEqual([])
  })
  it('effectiveApprover names the deputy only while the approver is away', () => {
    expect(effectiveApprover(null)).toBeNull()
    expect(effectiveApprover({ id: 'a', name: 'A', unavailable: false, deputyId: 'd', deputyName: 'D' })).toEqual({
      id: 'a',
      name: 'A',
      asDeputy: false,
    })
    expect(effectiveApprover({ id: 'a', name: 'A', unavailable: true, deputyId: 'd', deputyName: 'D' })).toEqual({
      id: 'd',
      name: 'D',
      asDeputy: true,
    })
  })
})

describe('review-by dates and staleness', () => {
  it('adds the interval in months, clamping to the end of shorter months', () => {
    expect(reviewByDate('2026-03-02', 12)).toBe('2027-03-02')
    expect(reviewByDate('2026-01-31', 1)).toBe('2026-02-28')
    expect(reviewByDate('2027-12-31', 2)).toBe('2028-02-29')
    expect(reviewByDate('2026-11-15', 3)).toBe('2027-02-15')
  })
  it('is stale the day after its review-by date', () => {
    expect(isStale('2026-03-02', '2026-03-02')).toBe(false)
    expect(isStale('2026-03-02', '2026-03-03')).toBe(true)
    expect(isStale(null, '2099-01-01')).toBe(false)
  })
})

describe('readiness figures', () => {
  it('counts by status with whole-number percentages, stale, waiting and ready', () => {
    const items = [
      {
        agencyId: POLICE,
        status: 'signed-off' as const,
        stale: false,
        waiting: false,
        ready: isReady('signed-off', false),
      },
      {
        agencyId: POLICE,
        status: 'uploaded' as const,
        stale: true,
        waiting: isAwaitingApproval('uploaded', false),
        ready: false,
      },
      {
        agencyId: POLICE,
        status: 'not-available' as const,
        stale: false,
        waiting: isAwaitingApproval('not-available', true),
        ready: isReady('not-available', true),
      },
    ]
    const f = readinessFigures(items)
    expect(f.total).toBe(3)
    expect(f.byStatus['signed-off']).toEqual({ count: 1, percent: 33 })
    expect(f.byStatus['not-started']).toEqual({ count: 0, percent: 0 })
    expect(f).toMatchObject({ stale: 1, waiting: 1, ready: { count: 2, percent: 67 } })
    expect(readinessFigures([]).ready).toEqual({ count: 0, percent: 0 })
  })
})

describe('what needs doing', () => {
  const item = (status: EvidenceStatus, extra: { stale?: boolean; confirmed?: boolean } = {}) => ({
    agencyId: POLICE,
    status,
    stale: extra.stale ?? false,
    waiting: isAwaitingApproval(status, extra.confirmed ?? false),
    ready: isReady(status, extra.confirmed ?? false),
  })

  it('lists overdue reviews, approvals, sign-offs and not started, most urgent first, leaving out zeros', () => {
    const f = readinessFigures([
      item('not-started'),
      item('not-started'),
      item('approved'),
      item('uploaded', { stale: true }),
      item('not-available'),
      item('signed-off'),
    ])
    expect(needsDoing(f)).toEqual([
      { what: 'past-review', count: 1 },
      { what: 'waiting-approval', count: 2 },
      { what: 'waiting-sign-off', count: 1 },
      { what: 'not-started', count: 2 },
    ])
    expect(needsDoing(readinessFigures([item('signed-off'), item('not-available', { confirmed: true })]))).toEqual([])
    expect(needsDoing(readinessFigures([]))).toEqual([])
  })
})

describe('the approval step-up', () => {
  const at = new Date('2026-12-02T09:00:00Z')
  const later = (ms: number) => new Date(at.getTime() + ms)

  it(`covers approvals for ${APPROVAL_STEP_UP_MINUTES} minutes from the code, and not before it was given`, () => {
    expect(APPROVAL_STEP_UP_MINUTES).toBe(5)
    expect(stepUpCovers(at, at)).toBe(true)
    expect(stepUpCovers(at, later(5 * 60_000 - 1))).toBe(true)
    expect(stepUpCovers(at, later(5 * 60_000))).toBe(false)
    expect(stepUpCovers(at, later(-1))).toBe(false)
    expect(stepUpCovers(null, at)).toBe(false)
    expect(stepUpEnds(at)).toEqual(later(5 * 60_000))
  })
})
