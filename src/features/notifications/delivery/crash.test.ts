/**
 * A process killed after the commit and before delivery delivers after restart, with a real SIGKILL:
 * a child process (crashChild.ts) queues emails in one transaction, says "committed", and starts
 * sending them to a server that takes the connection and never answers, so each sits claimed
 * ('sending'). It is killed with SIGKILL. Then, on the same database, a new worker with a working
 * SMTP server leaves them while the dead process's claim lasts and delivers every one, exactly once,
 * once it has run out.
 *
 * PGlite runs on a data directory (as the app does with DATA_DIR), which the child opens and the test
 * reopens after the kill, so PGlite's own recovery is part of the test. PostgreSQL uses a fresh
 * database on the test run's throwaway server.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../../db/database'
import { FakeClock, systemClock } from '../../../domain/clock'
import { testDatabases } from '../../../../test/support/databases'
import { migratedSnapshot } from '../../../../test/support/pglite'
import type { CrashChildArgs } from './crashChild'
import { createMailer, type Mailer } from './mailer'
import { startSilentServer, startTestSmtpServer, type TestSmtpServer } from './smtpTestServer'
import { seedRecipients } from './testData'
import { createDeliveryWorker } from './worker'

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const script = fileURLToPath(new URL('./crashChild.ts', import.meta.url))
const PEOPLE = 12
/** The dead process's claim on its messages. */
const LEASE_MS = 5 * 60_000
/** A child process opening PGlite on disk, then the test reopening it, is slow on a busy machine. */
const TEST_TIMEOUT_MS = 120_000

interface Child {
  /** Resolves with the line starting with `stage`, split on spaces; rejects if the child exits first. */
  reached(stage: string): Promise<string[]>
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  process: ChildProcess
}

const running = new Set<ChildProcess>()

/**
 * `node --import tsx`, not the tsx CLI: the CLI runs the script in a second process, so the one we
 * kill would not be the one holding the database.
 */
function runChild(args: CrashChildArgs): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(args)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let stdout = ''
  let stderr = ''
  let exited = false
  const listeners = new Set<() => void>()
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
    for (const l of listeners) l()
  })
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = true
      running.delete(child)
      for (const l of listeners) l()
      resolve({ code, signal })
    }),
  )
  return {
    process: child,
    exit,
    reached: (stage) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = stdout.split('\n').find((l) => l === stage || l.startsWith(`${stage} `))
          if (line) {
            listeners.delete(check)
            resolve(line.split(' '))
          } else if (exited) {
            listeners.delete(check)
            reject(new Error(`the child exited before "${stage}"\n--- stdout ---\n${stdout}--- stderr ---\n${stderr}`))
          }
        }
        listeners.add(check)
        check()
      }),
  }
}

describe.each(testDatabases())('emails queued by a process killed before delivering them, on $name', (database) => {
  let work: string | undefined
  const handles: DatabaseHandle[] = []
  const closers: (() => Promise<void> | void)[] = []

  afterEach(async () => {
    for (const child of running) {
      const gone = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await gone
    }
    for (const close of closers.splice(0).reverse()) await close()
    for (const h of handles.splice(0)) await h.close().catch(() => undefined)
    if (work) await rm(work, { recursive: true, force: true })
    work = undefined
  })

  /** A database the child can open too: a PGlite data directory (closed while the child has it), or a fresh PostgreSQL database. */
  async function sharedDatabase(): Promise<{
    seedHandle: DatabaseHandle
    reopen(): Promise<DatabaseHandle>
    childArgs: Pick<CrashChildArgs, 'databaseUrl' | 'dataDir'>
    releaseForChild(): Promise<void>
  }> {
    if (database.name === 'pglite') {
      work = await mkdtemp(join(tmpdir(), 'jtai-outbox-crash-'))
      const dataDir = join(work, 'data')
      // From the test run's migrated snapshot: much faster than migrating on disk.
      const seedHandle = await openDatabase({ dataDir, loadDataDir: await migratedSnapshot() })
      return {
        seedHandle,
        childArgs: { dataDir },
        releaseForChild: () => seedHandle.close(),
        reopen: async () => {
          const h = await openDatabase({ dataDir })
          handles.push(h)
          return h
        },
      }
    }
    const h = await database.open()
    handles.push(h)
    const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(h.db)
    const url = new URL(inject('postgresUrl'))
    url.pathname = `/${rows[0]!.name}`
    return {
      seedHandle: h,
      childArgs: { databaseUrl: url.toString() },
      releaseForChild: async () => undefined,
      reopen: async () => h,
    }
  }

  it(
    'are all delivered exactly once by the next worker, after the dead claim runs out',
    async () => {
      const shared = await sharedDatabase()
      const recipients = await seedRecipients(shared.seedHandle.db, systemClock, PEOPLE)
      await shared.releaseForChild()
      const silent = await startSilentServer()
      closers.push(() => silent.close())

      const child = runChild({
        ...shared.childArgs,
        partnershipId: recipients.partnershipId,
        personIds: recipients.people.map((p) => p.id),
        smtpUrl: silent.url,
        leaseMs: LEASE_MS,
      })
      expect(await child.reached('committed')).toEqual(['committed', String(PEOPLE)])
      expect(await child.reached('sending')).toEqual(['sending', String(PEOPLE)])
      // The child is connected and waiting for a greeting that never comes.
      await vi.waitFor(() => expect(silent.connections()).toBeGreaterThan(0), { timeout: 10_000, interval: 20 })
      const killedAt = systemClock.now()
      child.process.kill('SIGKILL')
      expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' })

      const h = await shared.reopen()
      const rows = () => h.db.selectFrom('outbox_messages').selectAll().execute()
      const left = await rows()
      expect(left).toHaveLength(PEOPLE)
      for (const r of left) {
        expect(r.status).toBe('sending')
        expect(r.claimed_until!.getTime()).toBeGreaterThan(killedAt.getTime())
      }

      const smtp: TestSmtpServer = await startTestSmtpServer()
      closers.push(() => smtp.close())
      const mailer: Mailer = createMailer({ smtpUrl: smtp.url, from: 'no-reply@localhost' })
      closers.push(() => mailer.close())
      const clock = new FakeClock(killedAt)
      const worker = createDeliveryWorker({
        db: h.db,
        clock,
        mailer,
        baseUrl: 'http://localhost:3000',
        leaseMs: 60_000,
      })

      // While the dead process's claim lasts, the messages are left alone.
      expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
      clock.set(new Date(Math.max(...left.map((r) => r.claimed_until!.getTime())) + 1))
      expect(await worker.deliverDue()).toEqual({ sent: PEOPLE, retried: 0, failed: 0 })
      clock.advance(60 * 60_000)
      expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })

      const ids = smtp.received.map((m) => m.messageId)
      expect(ids).toHaveLength(PEOPLE)
      expect(new Set(ids)).toEqual(new Set(left.map((r) => `${r.id}@localhost`)))
      expect(new Set(smtp.received.map((m) => m.to[0]))).toEqual(new Set(recipients.people.map((p) => p.email)))
      for (const r of await rows()) expect(r).toMatchObject({ status: 'sent', attempts: 1, claimed_until: null })
    },
    TEST_TIMEOUT_MS,
  )
})
