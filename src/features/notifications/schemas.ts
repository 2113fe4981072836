import { z } from 'zod'
import { NOTIFICATION_KINDS, type NotificationKindId } from '../../domain/notifications'
import { email } from '../../web/forms'

const EMAIL_CHOICES = ['immediate', 'digest', 'none'] as const
const choice = (message: string) => z.enum(EMAIL_CHOICES, { error: message })

/** The kinds a person chooses for, in page order (the settings form's fields): every kind that is not critical. */
export const CHOOSABLE_KINDS = (Object.keys(NOTIFICATION_KINDS) as NotificationKindId[]).filter(
  (k) => !NOTIFICATION_KINDS[k].critical,
)

/**
 * The email settings form: one choice per kind that is not critical. Strict, so a crafted post
 * naming a critical kind is refused as a field the page does not accept.
 */
export const preferencesSchema = z.strictObject(
  Object.fromEntries(
    CHOOSABLE_KINDS.map((k) => [k, choice(`Choose how you are emailed for “${NOTIFICATION_KINDS[k].label}”`)]),
  ),
)

/** "Send a test email" on the outbox page. */
export const testEmailSchema = z.strictObject({ to: email() })
export const TEST_EMAIL_FIELDS = ['to']
