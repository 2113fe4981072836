import { formatDateTime } from '../../domain/calendar'
import { isNotificationKind, NOTIFICATION_KINDS } from '../../domain/notifications'
import type { EmailChoice } from '../../db/schema'
import type { OutboxRow, UnreachablePerson } from './repository'

/** The email choices on the settings page, in the order they are offered. */
export const EMAIL_CHOICE_WORDS: Readonly<Record<EmailChoice, string>> = {
  immediate: 'Email at once',
  digest: 'In a daily summary at 8am on working days',
  none: 'No email (in JTAI Ready only)',
}

/** A kind of message in words: a notification kind's label, the daily summary, or a test email. */
export function kindInWords(kind: string): string {
  if (isNotificationKind(kind)) return NOTIFICATION_KINDS[kind].label
  if (kind === 'digest') return 'Daily summary'
  if (kind === 'test') return 'Test email'
  return kind
}

/** An email's status in words, with the SMTP server's reply where there is one, and its tag colour. */
export function outboxStatus(
  message: Pick<OutboxRow, 'status' | 'attempts' | 'last_error' | 'sent_at'>,
  mailConfigured: boolean,
): { tag: string; colour: string; text: string } {
  const reply = (fallback: string) => message.last_error?.trim() || fallback
  switch (message.status) {
    case 'sent':
      return { tag: 'Sent', colour: 'govuk-tag--green', text: `Sent ${formatDateTime(message.sent_at)}` }
    case 'failed':
      return { tag: 'Failed', colour: 'govuk-tag--red', text: `Failed: ${reply('no reply from the mail server')}` }
    case 'cancelled':
      return { tag: 'Cancelled', colour: 'govuk-tag--grey', text: 'Cancelled: no longer needed' }
    case 'sending':
      return { tag: 'Sending', colour: 'govuk-tag--blue', text: 'Sending now' }
    case 'pending':
      if (!mailConfigured)
        return { tag: 'Waiting', colour: 'govuk-tag--yellow', text: 'Waiting: no mail server configured' }
      if (message.attempts > 0)
        return {
          tag: 'Waiting',
          colour: 'govuk-tag--yellow',
          text: `Waiting to retry (attempt ${message.attempts + 1}): ${reply('no reply from the mail server')}`,
        }
      return { tag: 'Waiting', colour: 'govuk-tag--yellow', text: 'Waiting to be sent' }
  }
}

/** Why a person gets no email, in words. */
export const NOT_EMAILED_WORDS: Readonly<Record<UnreachablePerson['reason'], string>> = {
  'no-email': 'No email address: they see notifications in JTAI Ready only',
  disabled: 'Their account is disabled: they are told nothing',
  'access-ended': 'Their access has ended: they are told nothing',
}
