import { loadConfig } from '../config'
import { openDatabase } from '../db/database'
import { systemClock } from '../domain/clock'
import { createServices, type Services } from '../services'

/**
 * Opens the same database the web app uses (DATA_DIR or DATABASE_URL) and builds the same services,
 * so the command line and the web app share one implementation.
 */
export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig({ ...process.env, SESSION_SECRET: process.env.SESSION_SECRET ?? 'x'.repeat(32) })
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    return await work(createServices({ db: handle.db, clock: systemClock }))
  } finally {
    await handle.close()
  }
}
