import type { Services } from '../../../services'
import type { RouteOptions, Routes } from '../../../web/routes'
import { formFromSettings, REMINDER_SETTINGS_FIELDS, reminderSettingsSchema, settingsFromForm } from './schemas'

const VIEW = 'notifications/views/reminders.njk'

/** The partnership's reminder settings page (GET and POST /notifications/reminders). */
export function reminderSettingsRoutes(routes: Routes, services: Services, _options: RouteOptions): void {
  const { reminders } = services

  routes.get('/notifications/reminders', async (_req, res, { scope }) => {
    res.render(VIEW, { values: formFromSettings(await reminders.settings(scope)) })
  })

  routes.form('/notifications/reminders', {
    view: VIEW,
    schema: reminderSettingsSchema,
    order: REMINDER_SETTINGS_FIELDS,
    async onValid(form, req, { scope }) {
      await reminders.saveSettings(scope, settingsFromForm(form))
      req.session.flash = 'The reminder settings have been saved.'
      return '/notifications/reminders'
    },
  })
}
