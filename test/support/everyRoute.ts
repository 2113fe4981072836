import { Readable } from 'node:stream'
import { insertImport } from '../../src/features/annexA/repository'
import { queueNotifications } from '../../src/features/notifications/queue'
import { createAgency, createPartnership, createPerson, type TestApp } from './app'

/**
 * A partnership with one of everything a route can name (an agency, a person, an inspection with a
 * local task, a closure day, an Annex A import with a child, an evidence requirement with a version
 * and a comment), so tests that request every route have real ids to use. Answers the partnership
 * and its police agency, and the ids by the names routes give their parameters.
 */
export async function seedEveryRoute(
  t: TestApp,
): Promise<{ partnershipId: string; agencyId: string; ids: Record<string, string> }> {
  const a = await createPartnership(t, 'Partnership A')
  const agencyId = await createAgency(t, a, 'A Police')
  const target = await createPerson(t, a, ['contributor'], { agencyId })
  const ids: Record<string, string> = { agencyId, personId: target.id }
  // Inspections, frameworks and working days (issue 3).
  const scope = {
    partnershipId: a,
    personId: target.id,
    name: 'Target',
    roles: ['administrator' as const],
    agencyId: null,
  }
  const { inspection } = await t.services.inspections.create(scope, {
    frameworkId: 'front-door',
    notifiedOn: '2026-03-02',
    notifiedTime: null,
    practice: false,
  })
  await t.services.calendar.addClosureDay(scope, '2026-12-29', 'Office closed')
  await t.services.inspections.addLocalTask(scope, inspection.id, {
    title: 'Plan task',
    description: '',
    ownerRole: 'contributor',
    anchorMilestone: 'children-selected',
    offsetWorkingDays: 1,
    time: null,
    keepInPlan: true,
  })
  const [planTask] = await t.services.inspections.localPlan(scope)
  Object.assign(ids, {
    inspectionId: inspection.id,
    milestoneId: 'fieldwork-end',
    frameworkId: 'front-door',
    closureDate: '2026-12-29',
    planTaskId: planTask!.id,
  })
  // Annex A and the child register (issue 5): an import and one accepted row, by their opaque ids.
  const annexImport = await insertImport(
    t.handle.db,
    a,
    {
      inspectionId: null,
      notifiedOn: '2026-03-02',
      fileName: 'annex-a.xlsx',
      fileKey: '00000000-0000-4000-8000-000000000001',
      sha256: '0'.repeat(64),
      specVersion: 'ilacs-2023',
      rowsRead: 1,
      errors: 0,
      queries: 0,
      uploadedBy: null,
    },
    t.clock.now(),
  )
  const childRow = await t.handle.db
    .insertInto('annex_a_children')
    .values({
      partnership_id: a,
      import_id: annexImport.id,
      list: 'List 6',
      theme: false,
      row: 2,
      child_id: 'C1',
      dob: null,
      sex: null,
      ethnicity: null,
      disability: null,
      legal_status: null,
      event_date: null,
      current: true,
      values: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  Object.assign(ids, { importId: annexImport.id, rowId: childRow.id, jobId: '00000000-0000-4000-8000-000000000002' })
  // Documentary evidence (issue 4): a requirement with one uploaded version and one open QA comment
  // from another agency's lead, so downloads, approval and resolving have something real to act on.
  const member = { partnershipId: a, personId: target.id, name: 'Target', roles: ['contributor' as const], agencyId }
  const requirement = (await t.services.evidence.list(member, { agencyId }))[0]!
  const stored = await t.services.files.put(Readable.from([Buffer.from('%PDF-1.7\n%%EOF\n')]), { maxBytes: 1024 })
  await t.services.evidence.addVersion(member, requirement.id, {
    ...stored,
    filename: 'evidence.pdf',
    mime: 'application/pdf',
  })
  const healthAgency = await createAgency(t, a, 'A Health', 'health-icb')
  const healthLead = await createPerson(t, a, ['agency-lead'], { agencyId: healthAgency })
  await t.services.evidence.addComment(
    { partnershipId: a, personId: healthLead.id, name: 'Lead', roles: ['agency-lead'], agencyId: healthAgency },
    requirement.id,
    'Please check section 2',
  )
  const version = await t.handle.db
    .selectFrom('evidence_versions')
    .select('id')
    .where('requirement_id', '=', requirement.id)
    .executeTakeFirstOrThrow()
  const comment = await t.handle.db
    .selectFrom('evidence_comments')
    .select('id')
    .where('requirement_id', '=', requirement.id)
    .executeTakeFirstOrThrow()
  Object.assign(ids, { requirementId: requirement.id, versionId: version.id, commentId: comment.id })
  // Notifications (issue 11): one of the target's notifications, and an email that failed.
  const [notification] = await t.handle.db
    .transaction()
    .execute((trx) =>
      queueNotifications(trx, a, t.clock.now(), [
        { personId: target.id, kind: 'task-assigned', title: 'A task', body: 'A task.', link: '/inspections' },
      ]),
    )
  const failed = await t.handle.db
    .insertInto('outbox_messages')
    .values({
      partnership_id: a,
      person_id: target.id,
      kind: 'task-assigned',
      to_address: target.email,
      subject: 'A task',
      body: 'A task.',
      link: '/inspections',
      status: 'failed',
      last_error: '550 No such user',
      next_attempt_at: t.clock.now(),
      created_at: t.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  Object.assign(ids, { notificationId: notification!.id, messageId: failed.id })
  return { partnershipId: a, agencyId, ids }
}
