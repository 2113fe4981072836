import { INSPECTION_MANAGERS, type PolicyFragment } from '../../../web/access'

/** The reminder settings page: the partnership's administrators and inspection coordinators. */
export const reminderSettingsPolicy = {
  'GET /notifications/reminders': INSPECTION_MANAGERS,
  'POST /notifications/reminders': INSPECTION_MANAGERS,
} as const satisfies PolicyFragment
