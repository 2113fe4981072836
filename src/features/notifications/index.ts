/** Notifications: the Notifications page, the count in the header, email settings, the outbox and reminder settings. */
import { defineFeature } from '../feature'
import { notificationsPolicy } from './policy'
import { notificationRoutes } from './routes'

export const notifications = defineFeature({
  name: 'notifications',
  policy: notificationsPolicy,
  routes: notificationRoutes,
})
export { createNotificationService, type NotificationServiceDeps } from './service'
