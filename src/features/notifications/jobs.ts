import type { Logger } from '../../logger'
import type { DeliveryWorker } from './delivery/worker'

/** What the jobs need of the services: the reminders' run, which makes reminders and daily summaries. */
export interface NotificationJobServices {
  reminders: { run(): Promise<{ created: number; cancelled: number; digests: number }> }
}

export interface NotificationJobsOptions {
  services: NotificationJobServices
  worker: DeliveryWorker
  logger: Logger
  /** How often reminders are worked out, in ms (default every minute). */
  reminderIntervalMs?: number
}

export interface NotificationJobs {
  /** Stops both, waiting for a run or a delivery pass under way. */
  stop(): Promise<void>
}

/**
 * The app's background work for notifications, started by main.ts once the server listens: the
 * email delivery worker, and the reminders every minute (at once, then each minute; never two runs
 * at a time). A run that made anything to email kicks the worker, so those emails go within
 * seconds rather than at its next look. A run that fails is logged and tried at the next minute.
 */
export function startNotificationJobs({
  services,
  worker,
  logger,
  reminderIntervalMs = 60_000,
}: NotificationJobsOptions): NotificationJobs {
  worker.start()
  let current: Promise<void> | undefined
  let stopped = false

  const runReminders = () => {
    if (current || stopped) return
    current = (async () => {
      try {
        const made = await services.reminders.run()
        if (made.created || made.cancelled || made.digests) logger.info(made, 'reminders: run')
        if (made.created || made.digests) worker.kick()
      } catch (error) {
        logger.error({ err: error }, 'reminders: the run failed; trying again in a minute')
      } finally {
        current = undefined
      }
    })()
  }

  const first = setTimeout(runReminders, 0)
  const every = setInterval(runReminders, reminderIntervalMs)
  first.unref()
  every.unref()

  return {
    async stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(every)
      await current
      await worker.stop()
    },
  }
}
