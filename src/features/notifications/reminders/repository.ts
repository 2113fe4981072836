import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../db/schema'
import type { Role } from '../../../domain/directory'
import { DEFAULT_REMINDER_SETTINGS, type ReminderSettings } from '../../../domain/notifications'

type Db = Kysely<Database>

// Every function takes the partnership id first: another partnership's rows are simply not found.

/** Every partnership's id (the reminder job works through them one by one). */
export async function partnershipIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('partnerships').select('id').orderBy('id').execute()).map((r) => r.id)
}

/** The partnership's reminder settings, or the defaults when it has not changed them. */
export async function reminderSettings(db: Db, partnershipId: string): Promise<ReminderSettings> {
  const row = await db
    .selectFrom('notification_settings')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst()
  if (!row) return { ...DEFAULT_REMINDER_SETTINGS }
  return {
    daysBefore: row.days_before,
    remindOnTheDay: row.remind_on_the_day,
    reminderTime: row.reminder_time,
    remindOverdue: row.remind_overdue,
    approvalWaitDays: row.approval_wait_days,
    reviewWarningDays: row.review_warning_days,
  }
}

export async function saveReminderSettings(
  db: Db,
  partnershipId: string,
  s: ReminderSettings,
  by: string | null,
  now: Date,
): Promise<void> {
  const values = {
    days_before: s.daysBefore,
    remind_on_the_day: s.remindOnTheDay,
    reminder_time: s.reminderTime,
    remind_overdue: s.remindOverdue,
    approval_wait_days: s.approvalWaitDays,
    review_warning_days: s.reviewWarningDays,
    updated_by: by,
    updated_at: now,
  }
  await db
    .insertInto('notification_settings')
    .values({ partnership_id: partnershipId, ...values })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet(values))
    .execute()
}

/** A person as the reminders need them: who they are, what they hold, whether they can be told. */
export interface ReminderPerson {
  id: string
  name: string
  email: string
  agencyId: string | null
  roles: Role[]
  unavailable: boolean
  deputyId: string | null
  active: boolean
}

/** The partnership's people, with whether they can be told anything today (not disabled, access not ended). */
export async function peopleOf(db: Db, partnershipId: string, today: string): Promise<ReminderPerson[]> {
  const [people, roles] = await Promise.all([
    db
      .selectFrom('people')
      .select(['id', 'name', 'email', 'agency_id', 'unavailable', 'deputy_id', 'disabled_at', 'access_ends_on'])
      .where('partnership_id', '=', partnershipId)
      .execute(),
    db.selectFrom('person_roles').select(['person_id', 'role']).where('partnership_id', '=', partnershipId).execute(),
  ])
  const rolesOf = new Map<string, Role[]>()
  for (const r of roles) rolesOf.set(r.person_id, [...(rolesOf.get(r.person_id) ?? []), r.role])
  return people.map((p) => ({
    id: p.id,
    name: p.name,
    email: p.email,
    agencyId: p.agency_id,
    roles: rolesOf.get(p.id) ?? [],
    unavailable: p.unavailable,
    deputyId: p.deputy_id,
    active: p.disabled_at === null && (p.access_ends_on === null || p.access_ends_on >= today),
  }))
}

/** Each agency's senior approver. */
export async function approversOf(db: Db, partnershipId: string): Promise<Map<string, string | null>> {
  const rows = await db
    .selectFrom('agencies')
    .select(['id', 'senior_approver_id'])
    .where('partnership_id', '=', partnershipId)
    .execute()
  return new Map(rows.map((r) => [r.id, r.senior_approver_id]))
}

/** An evidence requirement with a current version, as the reminders need it. */
export interface VersionedRequirement {
  id: string
  agencyId: string
  agencyName: string
  documentId: string | null
  title: string
  status: string
  reviewIntervalMonths: number
  versionId: string
  uploadedAt: Date
  uploadedBy: string | null
}

/** The requirements that have a current version (waiting for approval, approved or signed off). */
export async function versionedRequirements(db: Db, partnershipId: string): Promise<VersionedRequirement[]> {
  const rows = await db
    .selectFrom('evidence_requirements as r')
    .innerJoin('agencies as a', 'a.id', 'r.agency_id')
    .innerJoin('evidence_versions as v', 'v.id', 'r.current_version_id')
    .select([
      'r.id',
      'r.agency_id',
      'a.name as agency_name',
      'r.document_id',
      'r.title',
      'r.status',
      'r.review_interval_months',
      'v.id as version_id',
      'v.uploaded_at',
      'v.uploaded_by',
    ])
    .where('r.partnership_id', '=', partnershipId)
    .where('r.status', 'in', ['uploaded', 'approved', 'signed-off'])
    .execute()
  return rows.map((r) => ({
    id: r.id,
    agencyId: r.agency_id,
    agencyName: r.agency_name,
    documentId: r.document_id,
    title: r.title,
    status: r.status,
    reviewIntervalMonths: r.review_interval_months,
    versionId: r.version_id,
    uploadedAt: new Date(r.uploaded_at),
    uploadedBy: r.uploaded_by,
  }))
}

/**
 * For each of `personIds` (people marked unavailable), the number of the audit event that marked
 * them unavailable most recently: one covering, so their deputy is told once per covering.
 */
export async function coveringSince(db: Db, partnershipId: string, personIds: string[]): Promise<Map<string, number>> {
  if (!personIds.length) return new Map()
  const rows = await db
    .selectFrom('audit_events')
    .select(['entity_id', (eb) => eb.fn.max<string | number>('seq').as('seq')])
    .where('partnership_id', '=', partnershipId)
    .where('action', '=', 'person.availability-changed')
    .where('entity_type', '=', 'person')
    .where('entity_id', 'in', personIds)
    .groupBy('entity_id')
    .execute()
  return new Map(rows.map((r) => [r.entity_id!, Number(r.seq)]))
}

const CHUNK = 500

/** Of the (person, dedupe key) pairs given, those the people already have, as "personId key". */
export async function existingKeys(
  db: Db,
  partnershipId: string,
  keys: readonly { personId: string; dedupeKey: string }[],
): Promise<Set<string>> {
  const found = new Set<string>()
  const unique = [...new Set(keys.map((k) => k.dedupeKey))]
  const people = [...new Set(keys.map((k) => k.personId))]
  for (let i = 0; i < unique.length; i += CHUNK) {
    // The people too, so the (person, dedupe key) index answers.
    const rows = await db
      .selectFrom('notifications')
      .select(['person_id', 'dedupe_key'])
      .where('partnership_id', '=', partnershipId)
      .where('person_id', 'in', people)
      .where('dedupe_key', 'in', unique.slice(i, i + CHUNK))
      .execute()
    for (const r of rows) found.add(`${r.person_id} ${r.dedupe_key ?? ''}`)
  }
  return found
}

/**
 * The reminders of `kinds` not emailed yet: with an outbox message still waiting ('pending', not
 * yet claimed by the worker), or waiting for the daily summary.
 */
export async function unsentReminders(db: Db, partnershipId: string, kinds: readonly string[]) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('outbox_messages as o', (j) => j.onRef('o.notification_id', '=', 'n.id').on('o.status', '=', 'pending'))
    .select(['n.id', 'n.person_id', 'n.dedupe_key', 'n.email', 'o.id as outbox_id'])
    .where('n.partnership_id', '=', partnershipId)
    .where('n.kind', 'in', kinds)
    .where('n.dedupe_key', 'is not', null)
    .where((eb) =>
      eb.or([eb.and([eb('n.email', '=', 'digest'), eb('n.digested_at', 'is', null)]), eb('o.id', 'is not', null)]),
    )
    .execute()
}

/**
 * Stops reminders that no longer apply: their waiting outbox messages are cancelled (unless the
 * worker has just claimed one), and those waiting for the daily summary are no longer emailed
 * (email 'none'), so no summary lists them. The notifications stay on the person's page.
 * Returns how many reminders were stopped.
 */
export async function cancelReminders(
  db: Db,
  partnershipId: string,
  notificationIds: readonly string[],
): Promise<number> {
  if (!notificationIds.length) return 0
  let cancelled = 0
  for (let i = 0; i < notificationIds.length; i += CHUNK) {
    const ids = notificationIds.slice(i, i + CHUNK)
    const outbox = await db
      .updateTable('outbox_messages')
      .set({ status: 'cancelled' })
      .where('partnership_id', '=', partnershipId)
      .where('notification_id', 'in', ids)
      .where('status', '=', 'pending')
      .returning('notification_id')
      .execute()
    const digest = await db
      .updateTable('notifications')
      .set({ email: 'none' })
      .where('partnership_id', '=', partnershipId)
      .where('id', 'in', ids)
      .where('email', '=', 'digest')
      .where('digested_at', 'is', null)
      .returning('id')
      .execute()
    cancelled += new Set([...outbox.map((o) => o.notification_id), ...digest.map((d) => d.id)]).size
  }
  return cancelled
}

/**
 * People with notifications waiting for the daily summary that were made before the slot, and no
 * summary for the slot's date yet: each with those notifications, oldest first.
 */
export async function digestsDue(db: Db, partnershipId: string, slotAt: Date, slotDate: string) {
  const rows = await db
    .selectFrom('notifications as n')
    .innerJoin('people as p', 'p.id', 'n.person_id')
    .select(['n.id', 'n.person_id', 'n.title', 'p.email', 'p.disabled_at', 'p.access_ends_on'])
    .where('n.partnership_id', '=', partnershipId)
    .where('n.email', '=', 'digest')
    .where('n.digested_at', 'is', null)
    .where('n.created_at', '<', slotAt)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('outbox_messages as o')
            .select('o.id')
            .whereRef('o.dedupe_key', '=', sql<string>`concat('digest:', n.person_id::text, ${`:${slotDate}`}::text)`),
        ),
      ),
    )
    .orderBy('n.person_id')
    .orderBy('n.created_at')
    .orderBy('n.id')
    .execute()
  const byPerson = new Map<
    string,
    { personId: string; email: string; active: boolean; notifications: { id: string; title: string }[] }
  >()
  for (const r of rows) {
    let entry = byPerson.get(r.person_id)
    if (!entry) {
      entry = {
        personId: r.person_id,
        email: r.email,
        active: r.disabled_at === null && (r.access_ends_on === null || r.access_ends_on >= slotDate),
        notifications: [],
      }
      byPerson.set(r.person_id, entry)
    }
    entry.notifications.push({ id: r.id, title: r.title })
  }
  return [...byPerson.values()]
}

/**
 * Writes one person's daily summary and marks its notifications summarised, in the caller's
 * transaction. Only notifications still waiting are taken (a run beside this one may have taken
 * them); returns false, writing nothing, when there is nothing left or the day's summary exists.
 */
export async function writeDigest(
  trx: Db,
  partnershipId: string,
  d: { personId: string; email: string; slotDate: string; subject: string; ids: string[] },
  body: (titles: string[]) => string,
  now: Date,
): Promise<boolean> {
  const taken = await trx
    .updateTable('notifications')
    .set({ digested_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', d.personId)
    .where('id', 'in', d.ids)
    .where('email', '=', 'digest')
    .where('digested_at', 'is', null)
    .returning(['id', 'title', 'created_at'])
    .execute()
  if (!taken.length) return false
  taken.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
  const inserted = await trx
    .insertInto('outbox_messages')
    .values({
      partnership_id: partnershipId,
      person_id: d.personId,
      notification_id: null,
      kind: 'digest',
      to_address: d.email,
      subject: d.subject,
      body: body(taken.map((t) => t.title)),
      link: '/notifications',
      status: 'pending',
      next_attempt_at: now,
      dedupe_key: `digest:${d.personId}:${d.slotDate}`,
      created_at: now,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) throw new DigestExistsError()
  return true
}

/** The day's summary was written by another run meanwhile: the caller rolls back its transaction. */
export class DigestExistsError extends Error {
  constructor() {
    super('The daily summary already exists')
    this.name = 'DigestExistsError'
  }
}
