import type { Kysely } from 'kysely'
import type { Database, EmailChoice } from '../../db/schema'
import { londonDateOf } from '../../domain/calendar'
import { emailChoiceFor, NOTIFICATION_KINDS, type NotificationKindId } from '../../domain/notifications'

/** Something to tell one person. Never a child's personal data: name the inspection and the task. */
export interface NotificationInput {
  personId: string
  kind: NotificationKindId
  /** One line, also the email's subject: "Safeguarding policy waits for your approval". */
  title: string
  /** One or two plain sentences. */
  body: string
  /** An app path ("/evidence/…"): the page it is about. Sign-in is required there. */
  link: string
  /** For reminders: the same key for the same person is never made twice. */
  dedupeKey?: string
}

/** A notification made by queueNotifications, with how it is emailed. */
export interface QueuedNotification {
  id: string
  personId: string
  email: EmailChoice
}

/**
 * Tells people things, inside the caller's transaction (so a notification and its email stand or
 * fall with the change that caused them): one notification per input, and for an email chosen
 * 'immediate' (always, for critical kinds) one outbox message the delivery worker sends. A person
 * who is disabled or whose access has ended is told nothing; one without an email address is told in
 * the app only. An input whose dedupe key the person already has is skipped.
 */
export async function queueNotifications(
  trx: Kysely<Database>,
  partnershipId: string,
  now: Date,
  inputs: readonly NotificationInput[],
): Promise<QueuedNotification[]> {
  if (!inputs.length) return []
  const personIds = [...new Set(inputs.map((i) => i.personId))]
  const [people, preferences] = await Promise.all([
    trx
      .selectFrom('people')
      .select(['id', 'email', 'disabled_at', 'access_ends_on'])
      .where('partnership_id', '=', partnershipId)
      .where('id', 'in', personIds)
      .execute(),
    trx
      .selectFrom('notification_preferences')
      .select(['person_id', 'kind', 'email'])
      .where('partnership_id', '=', partnershipId)
      .where('person_id', 'in', personIds)
      .execute(),
  ])
  const today = londonDateOf(now)
  const active = new Map(
    people
      .filter((p) => p.disabled_at === null && (p.access_ends_on === null || p.access_ends_on >= today))
      .map((p) => [p.id, p]),
  )
  const chosen = new Map(preferences.map((p) => [`${p.person_id} ${p.kind}`, p.email]))
  const queued: QueuedNotification[] = []
  for (const input of inputs) {
    const person = active.get(input.personId)
    if (!person) continue
    const email = emailChoiceFor(input.kind, chosen.get(`${input.personId} ${input.kind}`))
    const row = await trx
      .insertInto('notifications')
      .values({
        partnership_id: partnershipId,
        person_id: input.personId,
        kind: input.kind,
        critical: NOTIFICATION_KINDS[input.kind].critical,
        title: input.title,
        body: input.body,
        link: input.link,
        dedupe_key: input.dedupeKey ?? null,
        email,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['person_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!row) continue
    queued.push({ id: row.id, personId: input.personId, email })
    if (email === 'immediate' && person.email.trim() !== '')
      await trx
        .insertInto('outbox_messages')
        .values({
          partnership_id: partnershipId,
          person_id: input.personId,
          notification_id: row.id,
          kind: input.kind,
          to_address: person.email,
          subject: input.title,
          body: input.body,
          link: input.link,
          status: 'pending',
          next_attempt_at: now,
          created_at: now,
        })
        .execute()
  }
  return queued
}
