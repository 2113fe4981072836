import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, Migrator, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrationProvider } from './migrations'
import { PGliteDialect } from './pgliteDialect'
import type { Database } from './schema'

export type Db = Kysely<Database>

export interface DatabaseHandle {
  db: Db
  kind: 'pglite' | 'postgres'
  close(): Promise<void>
  /** PGlite only: the whole database as a tarball. */
  dump?: () => Promise<Blob | File>
}

export interface DatabaseOptions {
  /** postgres://… to use PostgreSQL; otherwise the embedded database. */
  databaseUrl?: string | undefined
  /** Directory for the embedded database; omit for an in-memory one (tests). */
  dataDir?: string | undefined
  /** Start an in-memory database from a dump (tests use a migrated snapshot to save time). */
  loadDataDir?: Blob | File | undefined
  /** A logger for pool errors (PostgreSQL restarts) so they never crash the process. */
  onPoolError?: (error: Error) => void
}

/**
 * Opens the database and brings its schema up to date. PostgreSQL when a URL is given, else PGlite;
 * both speak the same SQL, and DATE columns come back as 'YYYY-MM-DD' strings on both so no time zone
 * can shift a calendar date.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let handle: DatabaseHandle
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      types: {
        getTypeParser: (oid, format) =>
          oid === pg.types.builtins.DATE
            ? (v: string) => v
            : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
      },
    })
    // Without a listener an idle client's error (e.g. the server restarting) would crash the process.
    pool.on('error', (error) => options.onPoolError?.(error))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    handle = { db, kind: 'postgres', close: () => db.destroy() }
  } else {
    let dataPath: string | undefined
    if (options.dataDir) {
      dataPath = join(options.dataDir, 'db')
      mkdirSync(dataPath, { recursive: true })
    }
    // PostgreSQL's default 128 MB of shared buffers is memory the embedded database takes from the app
    // process at once (the open database was 346–422 MB); 32 MB keeps bench:notifications under its
    // 400 MB limit. Pages not in the buffers come from the operating system's file cache.
    const pglite = new PGlite(dataPath, {
      postgresqlconf: ['shared_buffers = 32MB'],
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    })
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
    handle = { db, kind: 'pglite', close: () => db.destroy(), dump: () => pglite.dumpDataDir('none') }
  }
  await migrate(handle.db)
  return handle
}

/** Whether the database answers a trivial query (for /health); throws when it does not. */
export async function checkDatabase(db: Kysely<Database>): Promise<true> {
  await db.selectNoFrom((eb) => eb.lit(1).as('ok')).execute()
  return true
}

/** Runs every pending migration; a failure is thrown with the migration's name. */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${describeFailure(error)}`)
  }
}

/** What a migration threw: an Error's message, or the thrown value itself as text. */
function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
