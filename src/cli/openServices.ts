import { join } from 'node:path'
import { loadConfig } from '../config'
import { openDatabase } from '../db/database'
import { systemClock } from '../domain/clock'
import { bundledFrameworksDirectory } from '../features/frameworks/loadDirectory'
import { createServices, type Services } from '../services'
import { FsFileStore, ScratchSpace } from '../storage'
import { validateInWorker } from '../features/annexA/files'

/**
 * Opens the same database and file store the web app uses (DATA_DIR or DATABASE_URL) and builds the
 * same services, so the command line and the web app share one implementation.
 */
export async function openServicesFromConfig(): Promise<{ services: Services; close: () => Promise<void> }> {
  // The commands need no session secret; a placeholder keeps the config check for everything else.
  const config = loadConfig({ ...process.env, SESSION_SECRET: process.env.SESSION_SECRET ?? 'x'.repeat(32) })
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  const services = createServices({
    db: handle.db,
    clock: systemClock,
    files: new FsFileStore(join(config.dataDir, 'files')),
    scratch: new ScratchSpace(join(config.dataDir, 'scratch')),
    frameworksDirectory: bundledFrameworksDirectory(),
    signInIpLimit: config.signInIpLimit,
    annexAValidator: validateInWorker,
  })
  return { services, close: () => handle.close() }
}

/** Runs `work` with the app's services, closing the database afterwards. */
export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const { services, close } = await openServicesFromConfig()
  try {
    return await work(services)
  } finally {
    await close()
  }
}
