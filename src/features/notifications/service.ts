import type { Kysely } from 'kysely'
import type { Database, EmailChoice, OutboxStatus } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import { londonDateOf } from '../../domain/calendar'
import { emailChoiceFor, isNotificationKind, NOTIFICATION_KINDS } from '../../domain/notifications'
import { change } from '../../shared/change'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors'
import { isUuid } from '../../shared/ids'
import { actorOf, type Scope } from '../../shared/scope'
import * as repo from './repository'

export interface NotificationServiceDeps {
  db: Kysely<Database>
  clock: Clock
}

/** The outbox page's status filter: its value in the address, and the statuses it shows. */
export const OUTBOX_FILTERS = {
  waiting: ['pending', 'sending'],
  sent: ['sent'],
  failed: ['failed'],
  cancelled: ['cancelled'],
} as const satisfies Record<string, readonly OutboxStatus[]>
export type OutboxFilter = keyof typeof OUTBOX_FILTERS

/**
 * A person's notifications and email settings, and the administrators' outbox. Notifications are
 * made by queueNotifications (queue.ts) inside the change that causes them; this service reads
 * them, marks them read, and keeps each person's email choices.
 */
export function createNotificationService({ db, clock }: NotificationServiceDeps) {
  return {
    /** The person's notifications, newest first, a page at a time. */
    list: (scope: Scope, page: repo.PageRequest) =>
      repo.listNotifications(db, scope.partnershipId, scope.personId, page),

    /** How many of the person's notifications are unread: the header's count, on every signed-in page. */
    unreadCount: (scope: Scope) => repo.countUnread(db, scope.partnershipId, scope.personId),

    /**
     * Opens one of the person's own notifications: marks it read (recorded the first time) and
     * answers its stored link (the route only follows it when it is a path on this site).
     */
    async open(scope: Scope, notificationId: string): Promise<string> {
      if (!isUuid(notificationId)) throw new NotFoundError('Notification')
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const found = await repo.findNotification(trx, scope.partnershipId, scope.personId, notificationId)
        if (!found) throw new NotFoundError('Notification')
        const marked = await repo.markRead(trx, scope.partnershipId, scope.personId, notificationId, now)
        return {
          result: found.link,
          audit: marked
            ? {
                action: 'notification.read',
                entityType: 'notification',
                entityId: notificationId,
                summary: 'Opened a notification',
                details: { kind: found.kind },
              }
            : [],
        }
      })
    },

    /** Marks all the person's notifications read; answers how many were unread. */
    async markAllRead(scope: Scope): Promise<number> {
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const count = await repo.markAllRead(trx, scope.partnershipId, scope.personId, now)
        return {
          result: count,
          audit: count
            ? {
                action: 'notifications.read-all',
                entityType: 'notification',
                summary: `Marked ${count} notification${count === 1 ? '' : 's'} as read`,
                details: { count },
              }
            : [],
        }
      })
    },

    /** How the person is emailed for each kind: their choice, else the kind's default; critical kinds at once. */
    async preferences(scope: Scope): Promise<{ email: string; choices: Record<string, EmailChoice> }> {
      const [chosen, email] = await Promise.all([
        repo.preferencesOf(db, scope.partnershipId, scope.personId),
        repo.emailOf(db, scope.partnershipId, scope.personId),
      ])
      const choices: Record<string, EmailChoice> = {}
      for (const kind of Object.keys(NOTIFICATION_KINDS))
        if (isNotificationKind(kind)) choices[kind] = emailChoiceFor(kind, chosen.get(kind))
      return { email: email.trim(), choices }
    },

    /**
     * Keeps the person's email choices. Only kinds that are not critical: a critical kind is always
     * emailed at once, so a choice for one is refused.
     */
    async setPreferences(scope: Scope, choices: Readonly<Record<string, EmailChoice>>): Promise<void> {
      const kept = new Map<string, EmailChoice>()
      for (const [kind, email] of Object.entries(choices)) {
        if (!isNotificationKind(kind)) throw new ValidationError({ form: 'There is no such kind of notification' })
        if (NOTIFICATION_KINDS[kind].critical)
          throw new ValidationError({ [kind]: `${NOTIFICATION_KINDS[kind].label} is always emailed at once` })
        kept.set(kind, email)
      }
      await change(db, clock, actorOf(scope), async (trx) => {
        await repo.savePreferences(trx, scope.partnershipId, scope.personId, kept)
        return {
          result: undefined,
          audit: {
            action: 'notification-preferences.update',
            entityType: 'person',
            entityId: scope.personId,
            summary: 'Changed what they are emailed',
            details: Object.fromEntries(kept),
          },
        }
      })
    },

    /** The partnership's emails, newest first, a page at a time, optionally of one status group. */
    async outbox(scope: Scope, filter: OutboxFilter | undefined, page: repo.PageRequest) {
      const [list, counts, notEmailed] = await Promise.all([
        repo.listOutbox(db, scope.partnershipId, filter ? OUTBOX_FILTERS[filter] : undefined, page),
        repo.countOutboxByStatus(db, scope.partnershipId),
        repo.peopleNotEmailed(db, scope.partnershipId, londonDateOf(clock.now())),
      ])
      return { ...list, counts, notEmailed }
    },

    /** Sends a failed email again (waiting, attempts from 0). */
    async resend(scope: Scope, messageId: string): Promise<void> {
      if (!isUuid(messageId)) throw new NotFoundError('Email')
      await change(db, clock, actorOf(scope), async (trx, now) => {
        if (!(await repo.outboxMessageExists(trx, scope.partnershipId, messageId))) throw new NotFoundError('Email')
        if (!(await repo.retryFailedMessage(trx, scope.partnershipId, messageId, now)))
          throw new ConflictError(
            'Only an email that failed can be sent again. Reload the page to see where it is now.',
          )
        return {
          result: undefined,
          audit: {
            action: 'outbox.resend',
            entityType: 'email',
            entityId: messageId,
            summary: 'Sent a failed email again',
          },
        }
      })
    },

    /** Queues a test email to an address, to check the mail server settings. Answers whether it was their own. */
    async sendTest(scope: Scope, to: string): Promise<{ own: boolean }> {
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const personId = (await repo.personIdByEmail(trx, scope.partnershipId, to)) ?? null
        const own = personId === scope.personId
        const messageId = await repo.insertOutboxMessage(
          trx,
          scope.partnershipId,
          {
            personId,
            kind: 'test',
            to,
            subject: 'Test email from JTAI Ready',
            body: 'An administrator sent this email to check that JTAI Ready can send email. You do not need to do anything.',
            link: '/notifications',
          },
          now,
        )
        return {
          result: { own },
          audit: {
            action: 'outbox.test',
            entityType: 'email',
            entityId: messageId,
            // Not the address: the audit trail names people, not where their mail goes.
            summary: own ? 'Sent a test email to their own address' : 'Sent a test email',
          },
        }
      })
    },
  }
}
