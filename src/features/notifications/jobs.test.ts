/**
 * The notification jobs as main.ts runs them: the delivery worker (to a real SMTP server) and the
 * reminders each interval. The reminders here are a small stand-in with the real run()'s shape that
 * queues through the real queueNotifications, so the test can say what a run makes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DatabaseHandle } from '../../db/database'
import { systemClock } from '../../domain/clock'
import { createLogger } from '../../logger'
import { openTestPglite } from '../../../test/support/pglite'
import { createMailer, type Mailer } from './delivery/mailer'
import { startTestSmtpServer, type TestSmtpServer } from './delivery/smtpTestServer'
import { queueInOneChange, seedRecipients, taskAssigned } from './delivery/testData'
import { createDeliveryWorker } from './delivery/worker'
import { startNotificationJobs, type NotificationJobs } from './jobs'

describe('startNotificationJobs', () => {
  let handle: DatabaseHandle | undefined
  let smtp: TestSmtpServer | undefined
  let mailer: Mailer | undefined
  let jobs: NotificationJobs | undefined

  afterEach(async () => {
    await jobs?.stop()
    jobs = undefined
    mailer?.close()
    await smtp?.close()
    await handle?.close()
  })

  async function setUp() {
    handle = await openTestPglite()
    smtp = await startTestSmtpServer()
    mailer = createMailer({ smtpUrl: smtp.url, from: 'no-reply@localhost' })
    const recipients = await seedRecipients(handle.db, systemClock, 2)
    // The worker would look only once an hour by itself: what goes sooner was kicked.
    const worker = createDeliveryWorker({
      db: handle.db,
      clock: systemClock,
      mailer,
      baseUrl: 'http://localhost:3000',
      intervalMs: 60 * 60_000,
    })
    const logLines: string[] = []
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) })
    return { db: handle.db, recipients, worker, server: smtp, logger, logLines }
  }

  it('runs the reminders at once and each interval, and a run that made emails kicks the worker', async () => {
    const { db, recipients, worker, server, logger } = await setUp()
    let runs = 0
    const reminders = {
      async run() {
        runs++
        if (runs !== 2) return { created: 0, cancelled: 0, digests: 0 }
        const created = await queueInOneChange(db, systemClock, recipients.partnershipId, [
          taskAssigned(recipients.people[0]!.id, 1),
          taskAssigned(recipients.people[1]!.id, 2),
        ])
        return { created, cancelled: 0, digests: 0 }
      },
    }
    jobs = startNotificationJobs({ services: { reminders }, worker, logger, reminderIntervalMs: 100 })
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 10 })
    await vi.waitFor(() => expect(server.received).toHaveLength(2), { timeout: 10_000, interval: 20 })
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(4), { timeout: 5000, interval: 10 })
    expect(server.received).toHaveLength(2)
  })

  it('logs a failed run and tries again; stop() ends the reminders and the worker', async () => {
    const { db, recipients, worker, server, logger, logLines } = await setUp()
    let runs = 0
    const reminders = {
      async run() {
        runs++
        if (runs === 1) throw new Error('the calendar could not be read')
        return { created: 0, cancelled: 0, digests: 0 }
      },
    }
    jobs = startNotificationJobs({ services: { reminders }, worker, logger, reminderIntervalMs: 50 })
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 10 })
    expect(logLines.join('')).toContain('reminders: the run failed')

    await jobs.stop()
    jobs = undefined
    const after = runs
    // Queued after the stop: nobody sends it, and no more runs happen.
    await queueInOneChange(db, systemClock, recipients.partnershipId, [taskAssigned(recipients.people[0]!.id, 1)])
    worker.kick()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(runs).toBe(after)
    expect(server.received).toHaveLength(0)
  })
})
