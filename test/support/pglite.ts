import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { migrate, type DatabaseHandle } from '../../src/db/database'
import { PGliteDialect } from '../../src/db/pgliteDialect'
import type { Database } from '../../src/db/schema'

/**
 * Test databases are in-memory PGlite instances with every migration applied, reused within a test
 * process: starting a PGlite costs seconds of CPU (unpacking a snapshot of its data directory into
 * its in-memory file system, or running initdb and the migrations), emptying one takes milliseconds.
 *
 * openTestPglite() lends an idle instance (or starts one: the first in a process is migrated from
 * empty, the others start from a snapshot of it), wrapped in its own Kysely over the app's
 * PGliteDialect, exactly as openDatabase() builds it. The handle's close() revokes it (a query
 * through it afterwards fails, as on a closed database, so work left running by one test cannot
 * write into the next test's database), empties every table and takes the instance back, unless
 * its schema is no longer the migrated one (a test that ran a migration down, disabled a trigger):
 * then the instance is closed for good. So a borrower always gets an empty, freshly migrated schema.
 */
const idle: PGlite[] = []
let first: Promise<{ snapshot: Blob | File; fingerprint: string }> | undefined

/** Everything about the public schema a test could change: columns (in order), defaults, constraints, indexes, triggers (enabled or not), functions. */
const FINGERPRINT = `
  select md5(coalesce(string_agg(x, E'\\n' order by x), '')) as fingerprint from (
    select 'col ' || c.relname || '.' || a.attnum || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') as x
      from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
    union all select 'rel ' || c.relname || ' ' || c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
    union all select 'con ' || conname || ' ' || pg_get_constraintdef(oid) from pg_constraint where connamespace = 'public'::regnamespace
    union all select 'idx ' || indexname || ' ' || indexdef from pg_indexes where schemaname = 'public'
    union all select 'trg ' || t.tgname || ' ' || t.tgenabled::text || ' ' || pg_get_triggerdef(t.oid) from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
    union all select 'fn ' || p.proname || ' ' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace
    union all select 'mig ' || name from kysely_migration
  ) s`

async function fingerprint(pglite: PGlite): Promise<string> {
  const { rows } = await pglite.query<{ fingerprint: string }>(FINGERPRINT)
  return rows[0]!.fingerprint
}

/** The first instance in this process: migrated from empty; its snapshot starts the others. */
function firstInstance() {
  first ??= (async () => {
    const pglite = new PGlite()
    await withKysely(pglite, migrate)
    const base = { snapshot: await pglite.dumpDataDir('none'), fingerprint: await fingerprint(pglite) }
    idle.push(pglite)
    return base
  })()
  return first
}

async function withKysely<T>(pglite: PGlite, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  // A Kysely that leaves the instance open when it is destroyed.
  const db = new Kysely<Database>({ dialect: new PGliteDialect(lend(pglite, async () => undefined).pglite) })
  try {
    return await work(db)
  } finally {
    await db.destroy()
  }
}

/**
 * What the dialect sees: the instance, until close(), which revokes it and calls `onClose` once.
 * Only the members PGliteDialect uses are passed through.
 */
function lend(pglite: PGlite, onClose: () => Promise<void>): { pglite: PGlite; revoked(): boolean } {
  let revoked = false
  let closing: Promise<void> | undefined
  const lent = {
    get waitReady() {
      return pglite.waitReady
    },
    get closed() {
      return revoked
    },
    query(...args: Parameters<PGlite['query']>) {
      if (revoked) return Promise.reject(new Error('PGlite is closed'))
      return pglite.query(...args)
    },
    close() {
      revoked = true
      closing ??= onClose()
      return closing
    },
  }
  return { pglite: lent as unknown as PGlite, revoked: () => revoked }
}

async function takeBack(pglite: PGlite, expected: string): Promise<void> {
  try {
    // A transaction a failed test left open would otherwise swallow the clean-up.
    await pglite.query('rollback').catch(() => undefined)
    await pglite.query('discard all')
    if ((await fingerprint(pglite)) !== expected) throw new Error('schema changed')
    await emptyPglite(pglite)
    idle.push(pglite)
  } catch {
    await pglite.close().catch(() => undefined)
  }
}

async function emptyPglite(pglite: PGlite): Promise<void> {
  const { rows } = await pglite.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_migration%'`,
  )
  if (rows.length === 0) return
  await pglite.query(`truncate table ${rows.map((r) => `"${r.tablename}"`).join(', ')} restart identity cascade`)
}

/**
 * The migrated, empty database as PGlite's data-directory tarball (made once per test process), for
 * tests that need a database on disk: `openDatabase({ dataDir, loadDataDir: await migratedSnapshot() })`
 * starts one in a fraction of the time initdb and the migrations take on disk.
 */
export async function migratedSnapshot(): Promise<Blob | File> {
  return (await firstInstance()).snapshot
}

/**
 * An empty in-memory PGlite with every migration applied (see the comment above). Close it when the
 * test is done with it; it is then emptied and lent to the next test in this process.
 */
export async function openTestPglite(): Promise<DatabaseHandle> {
  const base = await firstInstance()
  const real = idle.pop() ?? new PGlite({ loadDataDir: base.snapshot })
  // Ready before it is lent (openDatabase's migration check waits for it too): PGlite's dumpDataDir()
  // on an instance still loading its snapshot never returns.
  await real.waitReady
  const lent = lend(real, () => takeBack(real, base.fingerprint))
  const db = new Kysely<Database>({ dialect: new PGliteDialect(lent.pglite) })
  return {
    db,
    kind: 'pglite',
    async close() {
      await db.destroy()
      // Kysely leaves a driver it never used alone: take the instance back here as well (once).
      await lent.pglite.close()
    },
    dump: () => (lent.revoked() ? Promise.reject(new Error('PGlite is closed')) : real.dumpDataDir('none')),
  }
}

/**
 * Empties every table the migrations made (they start empty), keeping the schema: a fresh database for the
 * next test in about a hundredth of the time of starting another PGlite. TRUNCATE fires no row triggers, so
 * the audit log's append-only trigger does not stand in the way.
 */
export async function emptyTestDatabase(handle: DatabaseHandle): Promise<void> {
  const { rows } = await sql<{
    tablename: string
  }>`select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_migration%'`.execute(
    handle.db,
  )
  if (rows.length === 0) return
  await sql`truncate table ${sql.join(rows.map((r) => sql.table(r.tablename)))} restart identity cascade`.execute(
    handle.db,
  )
}
