import type { EmailChoice } from '../../db/schema'

/** A kind of notification: what people choose emails for on their notification settings page. */
export interface NotificationKind {
  /** Shown on the settings page: "A task is given to you". */
  label: string
  /** One line under the label. */
  hint: string
  /** Always emailed at once; nobody can switch it off. */
  critical: boolean
  /** How it is emailed until the person chooses. */
  defaultEmail: EmailChoice
}

/**
 * Every kind of notification, in the order the settings page lists them. A capability that tells
 * people something new adds its kind here (and the reminder scanner or its service makes them).
 */
export const NOTIFICATION_KINDS = {
  'task-assigned': {
    label: 'A task is given to you',
    hint: 'Someone gives you a milestone or task of an inspection by name.',
    critical: false,
    defaultEmail: 'immediate',
  },
  'task-due': {
    label: 'A task is due soon',
    hint: 'Before a milestone or task of yours is due, and on the day.',
    critical: false,
    defaultEmail: 'digest',
  },
  'task-due-within-hours': {
    label: 'A deadline is due within 2 hours',
    hint: 'A milestone or task of yours with a time is due within 2 hours.',
    critical: true,
    defaultEmail: 'immediate',
  },
  'task-overdue': {
    label: 'A task is overdue',
    hint: 'A milestone or task of yours has passed its date and is not done.',
    critical: false,
    defaultEmail: 'immediate',
  },
  'approval-requested': {
    label: 'A document waits for your approval',
    hint: 'A document of your agency is uploaded and waits for a senior approver.',
    critical: false,
    defaultEmail: 'immediate',
  },
  'approval-waiting': {
    label: 'An approval is waiting too long',
    hint: 'A document has waited for approval for more than the partnership allows.',
    critical: false,
    defaultEmail: 'digest',
  },
  'approval-due-today': {
    label: 'An approval you must give today',
    hint: 'A document waiting for your approval is needed by a milestone due today.',
    critical: true,
    defaultEmail: 'immediate',
  },
  'review-due': {
    label: 'A document’s review date is near',
    hint: 'An evidence document of your agency is due for review.',
    critical: false,
    defaultEmail: 'digest',
  },
  'deputy-covering': {
    label: 'You are covering for someone',
    hint: 'A person you are deputy for is unavailable, and their tasks are yours until they are back.',
    critical: false,
    defaultEmail: 'immediate',
  },
  'return-requested': {
    label: 'Your agency must say which children it knows',
    hint: 'The inspectors’ children are released to your agency, with a deadline of a few hours; and when your agency is chased.',
    critical: true,
    defaultEmail: 'immediate',
  },
  'issue-of-concern': {
    label: 'An issue of concern',
    hint: 'Inspectors raise an issue of concern during fieldwork.',
    critical: true,
    defaultEmail: 'immediate',
  },
} as const satisfies Record<string, NotificationKind>

export type NotificationKindId = keyof typeof NOTIFICATION_KINDS

export function isNotificationKind(kind: string): kind is NotificationKindId {
  return Object.hasOwn(NOTIFICATION_KINDS, kind)
}

/**
 * How a notification of `kind` is emailed to someone who chose `chosen` (undefined: never chose):
 * critical kinds always at once.
 */
export function emailChoiceFor(kind: NotificationKindId, chosen: EmailChoice | undefined): EmailChoice {
  const k: NotificationKind = NOTIFICATION_KINDS[kind]
  if (k.critical) return 'immediate'
  return chosen ?? k.defaultEmail
}
