/** Working days: England and Wales bank holidays (bundled or loaded from gov.uk) and closure days. */
import { defineFeature } from '../feature'
import { calendarPolicy } from './policy'
import { holidayRoutes } from './routes'

export const calendar = defineFeature({
  name: 'calendar',
  policy: calendarPolicy,
  multipart: [/^\/holidays\/import$/],
  routes: holidayRoutes,
})
export { createCalendarService, type CalendarServiceDeps } from './service'
