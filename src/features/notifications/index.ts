/**
 * Notifications: the Notifications page, the count in the header, what each person is emailed, the
 * administrators' outbox, and the partnership's reminder settings (reminders/).
 */
import { defineFeature } from '../feature'
import { notificationsPolicy } from './policy'
import { reminderSettingsPolicy } from './reminders/policy'
import { reminderSettingsRoutes } from './reminders/routes'
import { notificationRoutes } from './routes'

export const notifications = defineFeature({
  name: 'notifications',
  policy: { ...notificationsPolicy, ...reminderSettingsPolicy },
  routes(routes, services, options) {
    notificationRoutes(routes, services, options)
    reminderSettingsRoutes(routes, services, options)
  },
})
export { createNotificationService, type NotificationServiceDeps } from './service'
