/**
 * People to email and messages in the outbox, made the real way, for the delivery tests and the
 * benchmark: people through the directory's repository, messages through queueNotifications inside
 * a change() transaction with its audit event, as a capability that tells people things does.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../../../db/schema'
import type { Clock } from '../../../domain/clock'
import { change } from '../../../shared/change'
import { insertPerson } from '../../directory/repository'
import { queueNotifications, type NotificationInput } from '../queue'

export interface Recipients {
  partnershipId: string
  people: { id: string; email: string }[]
}

/** A partnership and `count` active people in it, with addresses person-<i>@<domain>. */
export async function seedRecipients(
  db: Kysely<Database>,
  clock: Clock,
  count: number,
  domain = 'example.org',
): Promise<Recipients> {
  const now = clock.now()
  const partnership = await db
    .insertInto('partnerships')
    .values({ name: 'Deliverton Partnership' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const people: Recipients['people'] = []
  for (let i = 0; i < count; i++) {
    const person = await insertPerson(
      db,
      partnership.id,
      {
        name: `Person ${i}`,
        email: `person-${i}@${domain}`,
        jobTitle: 'Officer',
        agencyId: null,
        roles: ['contributor'],
        accessEndsOn: null,
      },
      now,
    )
    people.push({ id: person.id, email: person.email })
  }
  return { partnershipId: partnership.id, people }
}

/** One "a task is given to you" notification (emailed at once by default) for someone. */
export function taskAssigned(personId: string, n: number): NotificationInput {
  return {
    personId,
    kind: 'task-assigned',
    title: `You have been given a task: return ${n}`,
    body: `Send the agency return ${n} for the inspection of Deliverton by 4pm on Thursday.`,
    link: `/inspections/task-${n}`,
  }
}

/** Queues notifications in one change() transaction, as a service does; returns how many emails it made. */
export async function queueInOneChange(
  db: Kysely<Database>,
  clock: Clock,
  partnershipId: string,
  inputs: readonly NotificationInput[],
): Promise<number> {
  return change(db, clock, { partnershipId, personId: null, name: 'Delivery test' }, async (trx, now) => {
    const queued = await queueNotifications(trx, partnershipId, now, inputs)
    return {
      result: queued.filter((q) => q.email === 'immediate').length,
      audit: {
        action: 'milestone.assigned',
        entityType: 'milestone',
        summary: `Gave ${inputs.length} tasks to named people`,
      },
    }
  })
}
