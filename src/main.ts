import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createApp } from './app'
import { ConfigError, loadConfig } from './config'
import { openDatabase } from './db/database'
import { systemClock } from './domain/clock'
import { createLogger } from './logger'
import { features } from './features'
import { fileReferences } from './features/fileReferences'
import { bundledFrameworksDirectory } from './features/frameworks/loadDirectory'
import { createServices } from './services'
import { FsFileStore, ScratchSpace, startSweeper } from './storage'
import { validateInWorker } from './features/annexA/files'
import { createMailer } from './features/notifications/delivery/mailer'
import { createDeliveryWorker } from './features/notifications/delivery/worker'
import { startNotificationJobs, type NotificationJobs } from './features/notifications/jobs'

/** Entry point: configuration → database → services → web server. */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`)
      process.exit(1)
    }
    throw e
  }
  const logger = createLogger(config.logLevel)
  mkdirSync(config.dataDir, { recursive: true })
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onPoolError: (error) => logger.error({ err: error }, 'database connection error'),
  })
  const scratch = new ScratchSpace(join(config.dataDir, 'scratch'))
  const services = createServices({
    db: database.db,
    clock: systemClock,
    files: new FsFileStore(join(config.dataDir, 'files')),
    scratch,
    frameworksDirectory: bundledFrameworksDirectory(),
    signInIpLimit: config.signInIpLimit,
    annexAValidator: validateInWorker,
  })
  // Fail fast: a broken file in frameworks/ stops start-up with its file, path and problem.
  await services.frameworks.ready()

  // What a previous process left behind (it was killed mid-check or mid-upload) goes before this one
  // takes any work: working copies in the scratch space, half-written uploads, and stored files no
  // row points at. Later, the hourly sweep only looks at files older than an hour, so an upload
  // between "file stored" and "row committed" is never touched. (One process per data directory.)
  const isFileReferenced = fileReferences(database.db, features)
  const leftovers = await scratch.clearLeftovers()
  const startupSweep = await services.files.sweep({ olderThanMs: 0, isReferenced: isFileReferenced })
  logger.info({ scratchEntriesRemoved: leftovers, ...startupSweep }, 'start-up clean-up')

  // Emails wait in the outbox (written with the change that caused them) until the worker sends them.
  const mailer = config.smtpUrl ? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }) : null
  if (!mailer) logger.info('email: no mail server configured (SMTP_URL); messages are kept in the outbox')
  const deliveryWorker = createDeliveryWorker({
    db: database.db,
    clock: systemClock,
    mailer,
    baseUrl: config.baseUrl,
    logger,
  })
  const { app, sessionStore } = createApp({
    services,
    db: database.db,
    clock: systemClock,
    logger,
    sessionSecret: config.sessionSecret,
    sessionIdleMs: config.sessionIdleMs,
    sessionAbsoluteMs: config.sessionAbsoluteMs,
    sessionWarningMs: config.sessionWarningMs,
    secureCookies: config.secureCookies,
    baseUrl: config.baseUrl,
    maxUploadBytes: config.maxUploadBytes,
    mailConfigured: mailer !== null,
  })

  let notificationJobs: NotificationJobs | undefined
  const server = app.listen(config.port, config.host, () => {
    // Reminders every minute and email delivery, once the app is listening.
    notificationJobs = startNotificationJobs({ services, worker: deliveryWorker, logger })
    logger.info({ port: config.port, database: database.kind }, 'JTAI Ready is running')
    process.stdout.write(
      `\nJTAI Ready is running at ${config.baseUrl} (database: ${database.kind === 'pglite' ? `embedded, in ${config.dataDir}` : 'PostgreSQL'})\n`,
    )
  })
  const token = await services.setup.issueSetupToken()
  if (token) {
    process.stdout.write(
      `\nNobody has set up JTAI Ready yet. Open this one-time link to create your partnership and the first administrator:\n\n  ${config.baseUrl}/setup/${token}\n\nThe link works once and expires in 24 hours.\n\n`,
    )
  }

  const stopSweeper = startSweeper(services.files, isFileReferenced, {
    intervalMs: 60 * 60_000,
    olderThanMs: 60 * 60_000,
    logger,
  })

  const prune = setInterval(
    () => void sessionStore.prune().catch((e: unknown) => logger.warn({ err: e }, 'session prune failed')),
    15 * 60_000,
  )
  prune.unref()

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down')
    server.close(() => {
      void Promise.all([stopSweeper(), notificationJobs?.stop()])
        .then(() => mailer?.close())
        .then(() => database.close())
        .finally(() => process.exit(0))
    })
    setTimeout(() => process.exit(0), 5000).unref()
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(`JTAI Ready could not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
