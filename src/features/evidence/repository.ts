import { sql, type Kysely, type NotNull, type Selectable } from 'kysely'
import type { AgencyType } from '../../domain/directory'
import type { Database, EvidenceCommentsTable, EvidenceRequirementsTable, EvidenceStatus } from '../../db/schema'
import { isUuid } from '../../shared/ids'

type Db = Kysely<Database>

// Every function takes the partnership id first: an id from another partnership is simply not found.

export type RequirementRow = Selectable<EvidenceRequirementsTable> & {
  agency_name: string
  agency_type: AgencyType
  version_number: number | null
  filename: string | null
  size: number | null
  sha256: string | null
  mime: string | null
  file_key: string | null
  uploaded_at: Date | null
  uploaded_by: string | null
  uploaded_by_name: string | null
  approved_by_name: string | null
  signed_off_by_name: string | null
  not_available_by_name: string | null
  not_available_confirmed_by_name: string | null
  provided_by_name: string | null
  open_comments: number
}

export interface RequirementFilter {
  agencyId?: string | undefined
  status?: EvidenceStatus | undefined
  /** Any of these statuses (with `status`, both apply). */
  statuses?: readonly EvidenceStatus[] | undefined
}

function requirementQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('evidence_requirements as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .leftJoin('evidence_versions as v', 'v.id', 'r.current_version_id')
    .leftJoin('people as up', 'up.id', 'v.uploaded_by')
    .leftJoin('people as ap', 'ap.id', 'r.approved_by')
    .leftJoin('people as so', 'so.id', 'r.signed_off_by')
    .leftJoin('people as na', 'na.id', 'r.not_available_by')
    .leftJoin('people as nc', 'nc.id', 'r.not_available_confirmed_by')
    .leftJoin('people as pr', 'pr.id', 'r.provided_by')
    .selectAll('r')
    .select([
      'a.name as agency_name',
      'a.type as agency_type',
      'v.version as version_number',
      'v.filename',
      'v.size',
      'v.sha256',
      'v.mime',
      'v.file_key',
      'v.uploaded_at',
      'v.uploaded_by',
      'up.name as uploaded_by_name',
      'ap.name as approved_by_name',
      'so.name as signed_off_by_name',
      'na.name as not_available_by_name',
      'nc.name as not_available_confirmed_by_name',
      'pr.name as provided_by_name',
    ])
    .select((eb) =>
      eb
        .selectFrom('evidence_comments as c')
        .whereRef('c.requirement_id', '=', 'r.id')
        .where('c.resolved_at', 'is', null)
        .select(sql<number>`count(*)::int`.as('n'))
        .as('open_comments'),
    )
    .where('r.partnership_id', '=', partnershipId)
}

function normalise<T extends { size: unknown; open_comments: unknown }>(
  row: T,
): T & { size: number | null; open_comments: number } {
  return { ...row, size: row.size === null ? null : Number(row.size), open_comments: Number(row.open_comments ?? 0) }
}

export async function listRequirements(
  db: Db,
  partnershipId: string,
  filter: RequirementFilter = {},
): Promise<RequirementRow[]> {
  let q = requirementQuery(db, partnershipId)
  if (filter.agencyId) {
    if (!isUuid(filter.agencyId)) return []
    q = q.where('r.agency_id', '=', filter.agencyId)
  }
  if (filter.status) q = q.where('r.status', '=', filter.status)
  if (filter.statuses) {
    if (filter.statuses.length === 0) return []
    q = q.where('r.status', 'in', filter.statuses)
  }
  const rows = await q.orderBy('a.name').orderBy('r.title').execute()
  return rows.map((r): RequirementRow => normalise(r))
}

export async function findRequirement(db: Db, partnershipId: string, id: string): Promise<RequirementRow | undefined> {
  if (!isUuid(id)) return undefined
  const row = await requirementQuery(db, partnershipId).where('r.id', '=', id).executeTakeFirst()
  return row ? normalise(row) : undefined
}

/** Locks the requirement row for the rest of the transaction, so two approvals cannot race. */
export async function lockRequirement(trx: Db, partnershipId: string, id: string): Promise<void> {
  await trx
    .selectFrom('evidence_requirements')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .forUpdate()
    .execute()
}

export interface FrameworkRequirement {
  agencyId: string
  documentId: string
  title: string
  description: string
  reviewIntervalMonths: number
}

/**
 * Makes sure every framework document has its row for every agency of its type: inserts the
 * missing ones and refreshes the wording of the rest (a revised framework may reword a title).
 * Returns how many rows it inserted.
 */
export async function syncFrameworkRequirements(
  db: Db,
  partnershipId: string,
  wanted: FrameworkRequirement[],
  now: Date,
): Promise<number> {
  if (wanted.length === 0) return 0
  const existing = await db
    .selectFrom('evidence_requirements')
    .select(['id', 'agency_id', 'document_id', 'title', 'description', 'review_interval_months'])
    .where('partnership_id', '=', partnershipId)
    .where('document_id', 'is not', null)
    .$narrowType<{ document_id: NotNull }>()
    .execute()
  const byKey = new Map(existing.map((e) => [`${e.agency_id}/${e.document_id}`, e]))
  const missing = wanted.filter((w) => !byKey.has(`${w.agencyId}/${w.documentId}`))
  let inserted = 0
  if (missing.length) {
    const result = await db
      .insertInto('evidence_requirements')
      .values(
        missing.map((w) => ({
          partnership_id: partnershipId,
          agency_id: w.agencyId,
          document_id: w.documentId,
          title: w.title,
          description: w.description,
          review_interval_months: w.reviewIntervalMonths,
          status: 'not-started' as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['agency_id', 'document_id']).doNothing())
      .executeTakeFirst()
    inserted = Number(result.numInsertedOrUpdatedRows ?? 0)
  }
  for (const w of wanted) {
    const e = byKey.get(`${w.agencyId}/${w.documentId}`)
    if (
      e &&
      (e.title !== w.title || e.description !== w.description || e.review_interval_months !== w.reviewIntervalMonths)
    ) {
      await db
        .updateTable('evidence_requirements')
        .set({ title: w.title, description: w.description, review_interval_months: w.reviewIntervalMonths })
        .where('id', '=', e.id)
        .execute()
    }
  }
  return inserted
}

export interface LocalRequirementFields {
  agencyId: string
  title: string
  description: string
  reviewIntervalMonths: number
}

export async function insertLocalRequirement(
  db: Db,
  partnershipId: string,
  f: LocalRequirementFields,
  createdBy: string,
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto('evidence_requirements')
    .values({
      partnership_id: partnershipId,
      agency_id: f.agencyId,
      document_id: null,
      title: f.title,
      description: f.description,
      review_interval_months: f.reviewIntervalMonths,
      status: 'not-started',
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export type RequirementChange = Partial<
  Pick<
    Selectable<EvidenceRequirementsTable>,
    | 'status'
    | 'current_version_id'
    | 'approved_by'
    | 'approved_at'
    | 'signed_off_by'
    | 'signed_off_at'
    | 'not_available_rationale'
    | 'not_available_by'
    | 'not_available_at'
    | 'not_available_confirmed_by'
    | 'not_available_confirmed_at'
    | 'provided_on'
    | 'provided_by'
    | 'provided_inspection_id'
  >
>

/** Changes the requirement only if it is still in `expected` status; false if someone got there first. */
export async function updateRequirement(
  db: Db,
  partnershipId: string,
  id: string,
  expected: EvidenceStatus,
  change: RequirementChange,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('evidence_requirements')
    .set({ ...change, updated_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('status', '=', expected)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export interface VersionRow {
  id: string
  requirement_id: string
  version: number
  file_key: string
  filename: string
  mime: string
  size: number
  sha256: string
  uploaded_by: string | null
  uploaded_by_name: string | null
  uploaded_at: Date
  /** Who approved and signed off this version; null if it never was. */
  approved_by: string | null
  approved_by_name: string | null
  approved_at: Date | null
  /** When the code that covered the approval was accepted (one code covers a few minutes' approvals). */
  approval_step_up_at: Date | null
  signed_off_by: string | null
  signed_off_by_name: string | null
  signed_off_at: Date | null
}

function versionQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('evidence_versions as v')
    .leftJoin('people as p', 'p.id', 'v.uploaded_by')
    .leftJoin('people as ap', 'ap.id', 'v.approved_by')
    .leftJoin('people as so', 'so.id', 'v.signed_off_by')
    .select([
      'v.id',
      'v.requirement_id',
      'v.version',
      'v.file_key',
      'v.filename',
      'v.mime',
      'v.size',
      'v.sha256',
      'v.uploaded_by',
      'v.uploaded_at',
      'p.name as uploaded_by_name',
      'v.approved_by',
      'v.approved_at',
      'v.approval_step_up_at',
      'ap.name as approved_by_name',
      'v.signed_off_by',
      'v.signed_off_at',
      'so.name as signed_off_by_name',
    ])
    .where('v.partnership_id', '=', partnershipId)
}

/** Records approval or sign-off on one version (approval is for one version, not the requirement). */
export async function markVersion(
  db: Db,
  partnershipId: string,
  versionId: string,
  change:
    | { approved_by: string; approved_at: Date; approval_step_up_at: Date }
    | { signed_off_by: string; signed_off_at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('evidence_versions')
    .set(change)
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', versionId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * The newest approved version of each requirement (of `requirementIds`, or all of the
 * partnership's), even when a newer version is waiting for approval: that is what the evidence
 * pack carries.
 */
export async function latestApprovedVersions(
  db: Db,
  partnershipId: string,
  requirementIds?: string[],
): Promise<Map<string, VersionRow>> {
  if (requirementIds && requirementIds.length === 0) return new Map()
  let q = versionQuery(db, partnershipId).where('v.approved_at', 'is not', null)
  if (requirementIds) q = q.where('v.requirement_id', 'in', requirementIds)
  const rows = await q.distinctOn('v.requirement_id').orderBy('v.requirement_id').orderBy('v.version', 'desc').execute()
  return new Map(rows.map((r) => [r.requirement_id, { ...r, size: Number(r.size) }]))
}

export async function listVersions(db: Db, partnershipId: string, requirementId: string): Promise<VersionRow[]> {
  if (!isUuid(requirementId)) return []
  const rows = await versionQuery(db, partnershipId)
    .where('v.requirement_id', '=', requirementId)
    .orderBy('v.version', 'desc')
    .execute()
  return rows.map((r) => ({ ...r, size: Number(r.size) }))
}

export async function findVersion(
  db: Db,
  partnershipId: string,
  requirementId: string,
  versionId: string,
): Promise<VersionRow | undefined> {
  if (!isUuid(requirementId) || !isUuid(versionId)) return undefined
  const row = await versionQuery(db, partnershipId)
    .where('v.requirement_id', '=', requirementId)
    .where('v.id', '=', versionId)
    .executeTakeFirst()
  return row ? { ...row, size: Number(row.size) } : undefined
}

export interface NewVersion {
  requirementId: string
  fileKey: string
  filename: string
  mime: string
  size: number
  sha256: string
  uploadedBy: string
}

/** Adds the next version number for the requirement. Call after {@link lockRequirement}. */
export async function insertVersion(
  db: Db,
  partnershipId: string,
  v: NewVersion,
  now: Date,
): Promise<{ id: string; version: number }> {
  const last = await db
    .selectFrom('evidence_versions')
    .select(sql<number>`coalesce(max(version), 0)::int`.as('n'))
    .where('requirement_id', '=', v.requirementId)
    .executeTakeFirstOrThrow()
  return db
    .insertInto('evidence_versions')
    .values({
      partnership_id: partnershipId,
      requirement_id: v.requirementId,
      version: last.n + 1,
      file_key: v.fileKey,
      filename: v.filename,
      mime: v.mime,
      size: v.size,
      sha256: v.sha256,
      uploaded_by: v.uploadedBy,
      uploaded_at: now,
    })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow()
}

export type CommentRow = Selectable<EvidenceCommentsTable> & {
  author_name: string | null
  author_agency_name: string | null
  resolved_by_name: string | null
}

export async function listComments(db: Db, partnershipId: string, requirementId: string): Promise<CommentRow[]> {
  if (!isUuid(requirementId)) return []
  return db
    .selectFrom('evidence_comments as c')
    .leftJoin('people as p', 'p.id', 'c.author_id')
    .leftJoin('agencies as a', 'a.id', 'c.author_agency_id')
    .leftJoin('people as rp', 'rp.id', 'c.resolved_by')
    .selectAll('c')
    .select(['p.name as author_name', 'a.name as author_agency_name', 'rp.name as resolved_by_name'])
    .where('c.partnership_id', '=', partnershipId)
    .where('c.requirement_id', '=', requirementId)
    .orderBy('c.created_at')
    .execute()
}

export async function findComment(
  db: Db,
  partnershipId: string,
  requirementId: string,
  commentId: string,
): Promise<Selectable<EvidenceCommentsTable> | undefined> {
  if (!isUuid(requirementId) || !isUuid(commentId)) return undefined
  return db
    .selectFrom('evidence_comments')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('requirement_id', '=', requirementId)
    .where('id', '=', commentId)
    .executeTakeFirst()
}

export async function insertComment(
  db: Db,
  partnershipId: string,
  c: { requirementId: string; authorId: string; authorAgencyId: string | null; body: string },
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto('evidence_comments')
    .values({
      partnership_id: partnershipId,
      requirement_id: c.requirementId,
      author_id: c.authorId,
      author_agency_id: c.authorAgencyId,
      body: c.body,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export async function resolveComment(
  db: Db,
  partnershipId: string,
  commentId: string,
  by: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('evidence_comments')
    .set({ resolved_by: by, resolved_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', commentId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export interface CurrentInspectionRow {
  id: string
  notified_on: string
  practice: boolean
  framework_id: string
  /** The framework as it was when the inspection started (its required documents among it). */
  framework: Record<string, unknown>
}

/**
 * The inspection the partnership is working on now: the newest open real inspection, else the
 * newest open practice one (as the home page chooses). Undefined when none is open.
 */
export async function currentInspection(db: Db, partnershipId: string): Promise<CurrentInspectionRow | undefined> {
  return db
    .selectFrom('inspections')
    .select(['id', 'notified_on', 'practice', 'framework_id', 'framework'])
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'open')
    .orderBy('practice', 'asc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Whether the partnership has an inspection under way. */
export async function hasOpenInspection(db: Db, partnershipId: string): Promise<boolean> {
  const row = await db
    .selectFrom('inspections')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return Boolean(row)
}

/** Of `keys`, those an evidence version still points at (for the file store's sweep). */
export async function referencedEvidenceKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set()
  const rows = await db.selectFrom('evidence_versions').select('file_key').where('file_key', 'in', keys).execute()
  return new Set(rows.map((r) => r.file_key))
}
