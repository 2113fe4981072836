import { ADMIN, type PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const notificationsPolicy = {
  // Everyone signed in, inspectors too, has their own notifications and chooses their own emails.
  'GET /notifications': 'signed-in',
  'POST /notifications/read-all': 'signed-in',
  'GET /notifications/:notificationId/open': 'signed-in',
  'GET /notifications/settings': 'signed-in',
  'POST /notifications/settings': 'signed-in',
  // Every email the partnership's people are sent or waiting for.
  'GET /notifications/outbox': ADMIN,
  'POST /notifications/outbox/test': ADMIN,
  'POST /notifications/outbox/:messageId/resend': ADMIN,
} as const satisfies PolicyFragment
