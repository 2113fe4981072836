import { sql, type Kysely } from 'kysely'
import type { Database, EmailChoice, OutboxStatus } from '../../db/schema'

/** A page of a list and how many there are in all. */
export interface Page<T> {
  rows: T[]
  total: number
}

export interface PageRequest {
  limit: number
  offset: number
}

/** One of a person's notifications, as the Notifications page lists it. */
export interface NotificationRow {
  id: string
  kind: string
  critical: boolean
  title: string
  body: string
  created_at: Date
  read_at: Date | null
}

/** A person's notifications, newest first, a page at a time. */
export async function listNotifications(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
  page: PageRequest,
): Promise<Page<NotificationRow>> {
  const [rows, total] = await Promise.all([
    db
      .selectFrom('notifications')
      .select(['id', 'kind', 'critical', 'title', 'body', 'created_at', 'read_at'])
      .where('partnership_id', '=', partnershipId)
      .where('person_id', '=', personId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('notifications')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('partnership_id', '=', partnershipId)
      .where('person_id', '=', personId)
      .executeTakeFirstOrThrow(),
  ])
  return { rows, total: total.n }
}

/** How many of a person's notifications are unread (the count in the header on every page). */
export async function countUnread(db: Kysely<Database>, partnershipId: string, personId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('person_id', '=', personId)
    .where('partnership_id', '=', partnershipId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow()
  return row.n
}

/** One of the person's own notifications (another person's, or another partnership's, is not found). */
export async function findNotification(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
  id: string,
): Promise<{ id: string; kind: string; link: string; read_at: Date | null } | undefined> {
  return db
    .selectFrom('notifications')
    .select(['id', 'kind', 'link', 'read_at'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Marks one of the person's notifications read; false when it was read already. */
export async function markRead(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Marks every unread notification of the person read; answers how many were unread. */
export async function markAllRead(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
  now: Date,
): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .where('read_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** The email choices a person has made, by kind (kinds they never chose are absent). */
export async function preferencesOf(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
): Promise<Map<string, EmailChoice>> {
  const rows = await db
    .selectFrom('notification_preferences')
    .select(['kind', 'email'])
    .where('partnership_id', '=', partnershipId)
    .where('person_id', '=', personId)
    .execute()
  return new Map(rows.map((r) => [r.kind, r.email]))
}

/** Keeps a person's choice for each kind given, replacing any earlier one. */
export async function savePreferences(
  db: Kysely<Database>,
  partnershipId: string,
  personId: string,
  choices: ReadonlyMap<string, EmailChoice>,
): Promise<void> {
  if (!choices.size) return
  await db
    .insertInto('notification_preferences')
    .values([...choices].map(([kind, email]) => ({ partnership_id: partnershipId, person_id: personId, kind, email })))
    .onConflict((oc) =>
      oc
        .columns(['person_id', 'kind'])
        .doUpdateSet((eb) => ({ email: eb.ref('excluded.email') }))
        .where('notification_preferences.partnership_id', '=', partnershipId),
    )
    .execute()
}

/** One email in the outbox, with the name of the person it is for (none for a test to another address). */
export interface OutboxRow {
  id: string
  kind: string
  to_address: string
  subject: string
  status: OutboxStatus
  attempts: number
  last_error: string | null
  smtp_response: string | null
  created_at: Date
  sent_at: Date | null
  person_name: string | null
}

/** The partnership's emails, newest first, a page at a time; only those in `statuses` when given. */
export async function listOutbox(
  db: Kysely<Database>,
  partnershipId: string,
  statuses: readonly OutboxStatus[] | undefined,
  page: PageRequest,
): Promise<Page<OutboxRow>> {
  let rows = db
    .selectFrom('outbox_messages as m')
    .leftJoin('people as p', (j) => j.onRef('p.id', '=', 'm.person_id').on('p.partnership_id', '=', partnershipId))
    .select([
      'm.id',
      'm.kind',
      'm.to_address',
      'm.subject',
      'm.status',
      'm.attempts',
      'm.last_error',
      'm.smtp_response',
      'm.created_at',
      'm.sent_at',
      'p.name as person_name',
    ])
    .where('m.partnership_id', '=', partnershipId)
  let count = db
    .selectFrom('outbox_messages')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('partnership_id', '=', partnershipId)
  if (statuses) {
    rows = rows.where('m.status', 'in', statuses)
    count = count.where('status', 'in', statuses)
  }
  const [found, total] = await Promise.all([
    rows.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    count.executeTakeFirstOrThrow(),
  ])
  return { rows: found, total: total.n }
}

/** How many of the partnership's emails are in each status. */
export async function countOutboxByStatus(
  db: Kysely<Database>,
  partnershipId: string,
): Promise<Partial<Record<OutboxStatus, number>>> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('partnership_id', '=', partnershipId)
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, r.n]))
}

/** Sends a failed email again: waiting, as if new (attempts 0, due now). False unless it had failed. */
export async function retryFailedMessage(
  db: Kysely<Database>,
  partnershipId: string,
  id: string,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, last_error: null })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Whether the partnership has this email in its outbox. */
export async function outboxMessageExists(db: Kysely<Database>, partnershipId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('outbox_messages')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}

/** An email that is not about a notification (an administrator's test email), waiting to be sent now. */
export async function insertOutboxMessage(
  db: Kysely<Database>,
  partnershipId: string,
  message: { personId: string | null; kind: string; to: string; subject: string; body: string; link: string | null },
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto('outbox_messages')
    .values({
      partnership_id: partnershipId,
      person_id: message.personId,
      notification_id: null,
      kind: message.kind,
      to_address: message.to,
      subject: message.subject,
      body: message.body,
      link: message.link,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** The partnership's person with this email address (compared without case), if any. */
export async function personIdByEmail(
  db: Kysely<Database>,
  partnershipId: string,
  address: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('people')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where(sql<string>`lower(email)`, '=', address.toLowerCase())
    .executeTakeFirst()
  return row?.id
}

/** A person's email address ('' when they have none). */
export async function emailOf(db: Kysely<Database>, partnershipId: string, personId: string): Promise<string> {
  const row = await db
    .selectFrom('people')
    .select('email')
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', personId)
    .executeTakeFirst()
  return row?.email ?? ''
}

/** Why someone is not emailed (or told anything): no address, disabled, or their access has ended. */
export interface UnreachablePerson {
  id: string
  name: string
  reason: 'no-email' | 'disabled' | 'access-ended'
}

/** The partnership's people who get no email, each with the reason; `today` is the UK date. */
export async function peopleNotEmailed(
  db: Kysely<Database>,
  partnershipId: string,
  today: string,
): Promise<UnreachablePerson[]> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'name', 'email', 'disabled_at', 'access_ends_on'])
    .where('partnership_id', '=', partnershipId)
    .where((eb) =>
      eb.or([
        eb(sql<string>`trim(email)`, '=', ''),
        eb('disabled_at', 'is not', null),
        eb('access_ends_on', '<', today),
      ]),
    )
    .orderBy('name')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    reason: r.disabled_at
      ? 'disabled'
      : r.access_ends_on !== null && r.access_ends_on < today
        ? 'access-ended'
        : 'no-email',
  }))
}
