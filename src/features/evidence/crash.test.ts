/**
 * Crash safety of an evidence upload, with a real crash: a child process stores a file through the
 * real file store, runs the real `evidence.addVersion` transaction, and SIGKILLs itself after the
 * evidence_versions INSERT (and the transaction's other writes) and before COMMIT
 * (test/support/crashingUpload.ts). Then, on the same database and file store:
 *   - no evidence_versions row, no audit event and no status change survived;
 *   - the file is on disk as an orphan (nothing references it);
 *   - the real sweeper (startSweeper, as main.ts runs it) leaves it while it is young and removes it
 *     once it is old, and keeps the committed version's file;
 *   - every evidence_versions row points at a file that exists.
 * A control run lets the same child commit, to show the same assertions see a committed row.
 *
 * PGlite runs on a data directory (as the app does with DATA_DIR), which the child opens and the test
 * reopens after the crash, so PGlite's own recovery is part of the test. PostgreSQL uses a fresh
 * database on the test run's throwaway server.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../db/database'
import * as dir from '../directory/repository'
import * as repo from './repository'
import { systemClock } from '../../domain/clock'
import { type Framework } from '../../domain/frameworks'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../frameworks/loadDirectory'
import { createEvidenceService } from './service'
import { features } from '..'
import { fileReferences } from '../fileReferences'
import type { Scope } from '../../shared/scope'
import { FileNotFoundError, FsFileStore, startSweeper } from '../../storage'
import type { CrashingUploadArgs } from '../../../test/support/crashingUpload'
import { testDatabases } from '../../../test/support/databases'
import { migratedSnapshot } from '../../../test/support/pglite'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const script = fileURLToPath(new URL('../../../test/support/crashingUpload.ts', import.meta.url))
/** The grace period main.ts gives the sweeper: younger files may belong to an upload in flight. */
const SWEEP_GRACE_MS = 60 * 60_000
const APPLICATION_NAME = 'jtai-crashing-upload'
/** A child process opening PGlite on disk, then the test reopening it, is slow on a busy machine. */
const TEST_TIMEOUT_MS = 300_000

let frameworks: Framework[]
beforeAll(async () => {
  frameworks = (await loadFrameworksFromDirectory(bundledFrameworksDirectory())).frameworks
})

interface Child {
  /** Resolves with the line starting with `stage` (e.g. "stored"), split on spaces; rejects if the child exits first. */
  reached(stage: string): Promise<string[]>
  go(): void
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output(): string
}

/** Children still running, ended by afterEach if a test fails half way. */
const running = new Set<ChildProcess>()

/**
 * Spawns test/support/crashingUpload.ts with this Node and the repo's tsx. `node --import tsx` rather
 * than the tsx CLI (as src/storage/fsFileStore.test.ts does): the CLI runs the script in a second
 * process, so the process that kills itself would not be the one we spawned, and we would see the
 * CLI's exit code 137 instead of the signal.
 */
function runChild(args: CrashingUploadArgs): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  const listeners = new Set<() => void>()
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    for (const l of listeners) l()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  let exited = false
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true
      running.delete(child)
      for (const l of listeners) l()
      resolve({ code, signal })
    }),
  )
  const output = () => `--- stdout ---\n${stdout}--- stderr ---\n${stderr}`
  return {
    reached: (stage) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = stdout.split('\n').find((l) => l === stage || l.startsWith(`${stage} `))
          if (line) {
            listeners.delete(check)
            resolve(line.split(' '))
          } else if (exited) {
            listeners.delete(check)
            reject(new Error(`the child exited before "${stage}"\n${output()}`))
          }
        }
        listeners.add(check)
        check()
      }),
    go: () => child.stdin.write('go\n'),
    exit,
    output,
  }
}

describe.each(testDatabases())('an evidence upload killed before commit on $name', (database) => {
  let work: string | undefined
  const handles: DatabaseHandle[] = []

  afterEach(async () => {
    for (const child of running) {
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await gone
    }
    for (const h of handles.splice(0)) await h.close().catch(() => undefined)
    if (work) await rm(work, { recursive: true, force: true })
    work = undefined
  })

  /**
   * A database the child can open too: a PGlite data directory (closed while the child has it, as
   * PGlite is one process's), or a fresh PostgreSQL database and its URL.
   */
  async function sharedDatabase(): Promise<{
    open(): Promise<DatabaseHandle>
    childArgs: Pick<CrashingUploadArgs, 'databaseUrl' | 'dataDir'>
    exclusive: boolean
  }> {
    work = await mkdtemp(join(tmpdir(), 'jtai-crash-'))
    if (database.name === 'pglite') {
      const dataDir = join(work, 'data')
      // Start the data directory from the test run's migrated snapshot: much faster than migrating on disk.
      let snapshot: Blob | File | undefined = await migratedSnapshot()
      const open = async () => {
        const h = await openDatabase({ dataDir, loadDataDir: snapshot })
        snapshot = undefined
        return h
      }
      return { open, childArgs: { dataDir }, exclusive: true }
    }
    const h = await database.open()
    handles.push(h)
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(h.db)
    const url = new URL(inject('postgresUrl'))
    url.pathname = `/${rows[0]!.name}`
    url.searchParams.set('application_name', APPLICATION_NAME)
    return { open: async () => h, childArgs: { databaseUrl: url.toString() }, exclusive: false }
  }

  /** A partnership, a police agency, a contributor in it, one requirement with a committed version 1. */
  async function seed(h: DatabaseHandle, files: FsFileStore) {
    const now = systemClock.now()
    const partnershipId = (
      await h.db.insertInto('partnerships').values({ name: 'Crashford' }).returning('id').executeTakeFirstOrThrow()
    ).id
    const agency = await dir.insertAgency(
      h.db,
      partnershipId,
      { name: 'Crashford Police', type: 'police', isStatutory: true, seniorApproverId: null },
      now,
    )
    const person = await dir.insertPerson(
      h.db,
      partnershipId,
      {
        name: 'Casey Contributor',
        email: `casey-${randomUUID()}@example.org`,
        jobTitle: '',
        agencyId: agency.id,
        roles: ['contributor'],
        accessEndsOn: null,
      },
      now,
    )
    const scope: Scope = {
      partnershipId,
      personId: person.id,
      name: person.name,
      roles: ['contributor'],
      agencyId: agency.id,
    }
    const service = createEvidenceService({
      db: h.db,
      clock: systemClock,
      files,
      frameworks: async () => frameworks,
      checkCode: async () => 'ok',
    })
    const [requirement] = await service.list(scope)
    if (!requirement) throw new Error('the bundled frameworks ask the police for no documents')
    const first = await files.put(Readable.from([Buffer.from('version one, committed')]), { maxBytes: 1024 })
    expect(
      await service.addVersion(scope, requirement.id, { ...first, filename: 'v1.txt', mime: 'text/plain' }),
    ).toEqual({ version: 1 })
    return { scope, requirementId: requirement.id, committedKey: first.key }
  }

  async function storedKeys(files: FsFileStore): Promise<string[]> {
    const keys: string[] = []
    for await (const key of files.listKeys()) keys.push(key)
    return keys.sort()
  }

  /** Moves a stored file's modification time back, as if the crash happened that long ago. */
  async function age(root: string, key: string, ms: number): Promise<void> {
    const then = new Date(Date.now() - ms)
    await utimes(join(root, key.slice(0, 2), key), then, then)
  }

  /** PostgreSQL: the child's server backend, while its transaction is open and after it has gone. */
  async function childBackends(h: DatabaseHandle): Promise<{ state: string | null }[]> {
    const { rows } = await sql<{
      state: string | null
    }>`select state from pg_stat_activity where application_name = ${APPLICATION_NAME} and datname = current_database()`.execute(
      h.db,
    )
    return rows
  }

  /** Runs the child up to just before COMMIT, checking each stage; returns what it reported. */
  async function uploadUntilCommit(
    shared: Awaited<ReturnType<typeof sharedDatabase>>,
    args: Omit<CrashingUploadArgs, 'databaseUrl' | 'dataDir'>,
  ) {
    const child = runChild({ ...shared.childArgs, ...args })
    try {
      await child.reached('opened')
      const [, key, size, sha256] = await child.reached('stored')
      const [, versionId, version] = await child.reached('inserted')
      await child.reached('before-commit')
      return { child, key: key!, size: Number(size), sha256: sha256!, versionId: versionId!, version: Number(version) }
    } catch (error) {
      child.go()
      throw error
    }
  }

  /** A seeded database the child can share, with version 1 committed; an exclusive (PGlite) handle is closed for the child. */
  async function prepare() {
    const shared = await sharedDatabase()
    const filesRoot = join(work!, 'files')
    const files = new FsFileStore(filesRoot)
    const handle = await shared.open()
    if (shared.exclusive) handles.push(handle)
    const seeded = await seed(handle, files)
    if (shared.exclusive) await handle.close()
    return { shared, handle, filesRoot, files, ...seeded }
  }

  it(
    'leaves no row, leaves the file as an orphan, and the sweeper removes it',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const prepared = await prepare()
      const { shared, filesRoot, files, scope, requirementId, committedKey } = prepared
      let h = prepared.handle

      const upload = await uploadUntilCommit(shared, {
        filesRoot,
        scope,
        requirementId,
        content: 'version two, never committed',
        mode: 'crash',
      })
      expect(upload.version).toBe(2)
      // The file is durable and whole before the row goes in.
      expect(await storedKeys(files)).toEqual([committedKey, upload.key].sort())
      expect(await files.stat(upload.key)).toMatchObject({ size: upload.size })
      if (!shared.exclusive) {
        // The child really is inside its transaction, and its row is invisible from outside it.
        expect(await childBackends(h)).toEqual([{ state: 'idle in transaction' }])
        expect(await repo.listVersions(h.db, scope.partnershipId, requirementId)).toHaveLength(1)
      }
      upload.child.go()
      expect(await upload.child.exit, upload.child.output()).toEqual({ code: null, signal: 'SIGKILL' })
      expect(upload.child.output()).not.toContain('committed')

      if (shared.exclusive) {
        // PGlite: reopen the data directory the child was killed holding.
        h = await shared.open()
        handles.push(h)
      } else {
        // PostgreSQL: wait until the server has noticed the dead client and rolled its transaction back.
        await vi.waitFor(async () => expect(await childBackends(h)).toEqual([]), { timeout: 15_000, interval: 100 })
      }

      // No row, no audit event, no status change: the whole transaction is gone.
      expect(
        await h.db.selectFrom('evidence_versions').select('id').where('id', '=', upload.versionId).execute(),
      ).toEqual([])
      expect(
        await h.db.selectFrom('evidence_versions').select('id').where('file_key', '=', upload.key).execute(),
      ).toEqual([])
      expect(
        (await repo.listVersions(h.db, scope.partnershipId, requirementId)).map((v) => [v.version, v.file_key]),
      ).toEqual([[1, committedKey]])
      expect(await repo.findRequirement(h.db, scope.partnershipId, requirementId)).toMatchObject({
        status: 'uploaded',
        version_number: 1,
      })
      const uploads = await h.db
        .selectFrom('audit_events')
        .select('summary')
        .where('partnership_id', '=', scope.partnershipId)
        .where('action', '=', 'evidence.upload')
        .execute()
      expect(uploads.map((e) => e.summary)).toEqual([expect.stringContaining('version 1 ')])

      // The file is still on disk, and nothing references it: an orphan.
      const isReferenced = fileReferences(h.db, features)
      expect(await storedKeys(files)).toContain(upload.key)
      expect(await isReferenced([upload.key, committedKey])).toEqual(new Set([committedKey]))
      expect(await readdir(join(filesRoot, 'tmp'))).toEqual([])

      // The sweep main.ts runs at start-up leaves a young file alone: it could be an upload in flight.
      expect(await files.sweep({ isReferenced, olderThanMs: SWEEP_GRACE_MS })).toEqual({
        tempFilesRemoved: 0,
        orphansRemoved: 0,
        filesChecked: 0,
      })
      expect(await storedKeys(files)).toContain(upload.key)

      // An hour later the periodic sweeper removes the orphan and keeps the committed version's file.
      for (const key of [upload.key, committedKey]) await age(filesRoot, key, 2 * SWEEP_GRACE_MS)
      const logger = { info: vi.fn(), error: vi.fn() }
      const stop = startSweeper(files, isReferenced, { intervalMs: 20, olderThanMs: SWEEP_GRACE_MS, logger })
      try {
        await vi.waitFor(() => expect(logger.info).toHaveBeenCalled(), { timeout: 10_000 })
      } finally {
        await stop()
      }
      expect(logger.error).not.toHaveBeenCalled()
      expect(logger.info.mock.calls[0]?.[0]).toEqual({ tempFilesRemoved: 0, orphansRemoved: 1, filesChecked: 2 })
      expect(await storedKeys(files)).toEqual([committedKey])
      await expect(files.stat(upload.key)).rejects.toBeInstanceOf(FileNotFoundError)

      // The database never points at a missing file.
      const rows = await h.db.selectFrom('evidence_versions').select('file_key').execute()
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) await expect(files.stat(row.file_key)).resolves.toMatchObject({ key: row.file_key })
    },
  )

  it(
    'control: the same child, allowed to commit, leaves a row the sweeper keeps',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      const prepared = await prepare()
      const { shared, filesRoot, files, scope, requirementId, committedKey } = prepared
      let h = prepared.handle

      const upload = await uploadUntilCommit(shared, {
        filesRoot,
        scope,
        requirementId,
        content: 'version two, committed',
        mode: 'commit',
      })
      upload.child.go()
      expect(await upload.child.exit, upload.child.output()).toEqual({ code: 0, signal: null })
      expect(upload.child.output()).toContain('committed 2')
      if (shared.exclusive) {
        h = await shared.open()
        handles.push(h)
      }

      expect(
        (await repo.listVersions(h.db, scope.partnershipId, requirementId)).map((v) => [
          v.id,
          v.version,
          v.file_key,
          v.sha256,
        ]),
      ).toEqual([
        [upload.versionId, 2, upload.key, upload.sha256],
        [expect.any(String), 1, committedKey, expect.any(String)],
      ])
      for (const key of [upload.key, committedKey]) await age(filesRoot, key, 2 * SWEEP_GRACE_MS)
      const report = await files.sweep({ isReferenced: fileReferences(h.db, features), olderThanMs: SWEEP_GRACE_MS })
      expect(report).toEqual({ tempFilesRemoved: 0, orphansRemoved: 0, filesChecked: 2 })
      expect(await storedKeys(files)).toEqual([committedKey, upload.key].sort())
    },
  )
})
