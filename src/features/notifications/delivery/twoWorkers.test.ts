/**
 * Two app processes on one PostgreSQL never send the same message: two workers, each on its own
 * Kysely and pg pool, take 300 messages from one outbox at the same time; every message reaches the
 * SMTP server exactly once and is recorded once as sent. Once in this process, and once as two real
 * child processes (workerChild.ts).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../../db/database'
import { systemClock } from '../../../domain/clock'
import { testDatabases } from '../../../../test/support/databases'
import { createMailer, type Mailer } from './mailer'
import { startTestSmtpServer, type TestSmtpServer } from './smtpTestServer'
import { queueInOneChange, seedRecipients, taskAssigned } from './testData'
import { createDeliveryWorker, type DeliveryWorker } from './worker'

const postgres = testDatabases().find((d) => d.name === 'postgres')
const MESSAGES = 300
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const workerScript = fileURLToPath(new URL('./workerChild.ts', import.meta.url))

/** Starts workerChild.ts; `go()` lets it begin; `sent` resolves with how many it sent. */
function workerProcess(databaseUrl: string, smtpUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, JSON.stringify({ databaseUrl, smtpUrl })], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr.on('data', (d: Buffer) => (err += d.toString()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('ready\n')) resolve()
    })
    child.on('exit', () => reject(new Error(`worker process ended before it was ready: ${err}`)))
  })
  const sent = new Promise<number>((resolve, reject) =>
    child.on('exit', (code) => {
      const m = /sent (\d+)/.exec(out)
      if (code === 0 && m) resolve(Number(m[1]))
      else reject(new Error(`worker process ended with code ${String(code)}: ${err}`))
    }),
  )
  return { ready, sent, go: () => child.stdin.write('go\n') }
}

/** A second connection string to the database a test handle opened (its own database on the test server). */
async function urlOf(handle: DatabaseHandle): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(handle.db)
  const url = new URL(inject('postgresUrl'))
  url.pathname = `/${rows[0]!.name}`
  return url.toString()
}

describe.skipIf(!postgres)('two workers on one PostgreSQL', () => {
  const handles: DatabaseHandle[] = []
  const mailers: Mailer[] = []
  let smtp: TestSmtpServer | undefined

  afterEach(async () => {
    for (const m of mailers.splice(0)) m.close()
    await smtp?.close()
    // The second handle first: the first one's close drops the database.
    for (const h of handles.splice(0).reverse()) await h.close()
  })

  it('deliver 300 messages between them, each exactly once', async () => {
    const first = await postgres!.open()
    handles.push(first)
    const second = await openDatabase({ databaseUrl: await urlOf(first) })
    handles.push(second)

    const recipients = await seedRecipients(first.db, systemClock, 30)
    // 300 messages in 10 transactions of 30, as 10 changes would make them.
    for (let round = 0; round < MESSAGES / recipients.people.length; round++) {
      await queueInOneChange(
        first.db,
        systemClock,
        recipients.partnershipId,
        recipients.people.map((p, i) => taskAssigned(p.id, round * 100 + i)),
      )
    }
    smtp = await startTestSmtpServer()

    const workerOn = (handle: DatabaseHandle): DeliveryWorker => {
      const mailer = createMailer({ smtpUrl: smtp!.url, from: 'no-reply@localhost', connections: 4 })
      mailers.push(mailer)
      // Small batches, so the two take turns many times over the 300.
      return createDeliveryWorker({
        db: handle.db,
        clock: systemClock,
        mailer,
        baseUrl: 'http://localhost:3000',
        batchSize: 10,
        concurrency: 4,
      })
    }
    const drain = async (worker: DeliveryWorker): Promise<number> => {
      let sent = 0
      for (;;) {
        const r = await worker.deliverDue()
        expect(r.failed + r.retried).toBe(0)
        if (r.sent === 0) return sent
        sent += r.sent
      }
    }
    const [a, b] = await Promise.all([drain(workerOn(first)), drain(workerOn(second))])

    expect(a + b).toBe(MESSAGES)
    // Both did part of the work: they really ran side by side.
    expect(a).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(0)
    const ids = smtp.received.map((m) => m.messageId)
    expect(ids).toHaveLength(MESSAGES)
    expect(new Set(ids).size).toBe(MESSAGES)
    const outbox = await first.db.selectFrom('outbox_messages').select(['id', 'status', 'attempts']).execute()
    expect(outbox).toHaveLength(MESSAGES)
    for (const row of outbox) expect(row).toMatchObject({ status: 'sent', attempts: 1 })
    expect(new Set(ids)).toEqual(new Set(outbox.map((r) => `${r.id}@localhost`)))
  })
  it('as two real processes, deliver 300 messages between them, each exactly once', async () => {
    const handle = await postgres!.open()
    handles.push(handle)
    const recipients = await seedRecipients(handle.db, systemClock, 30)
    for (let round = 0; round < MESSAGES / recipients.people.length; round++)
      await queueInOneChange(
        handle.db,
        systemClock,
        recipients.partnershipId,
        recipients.people.map((p, i) => taskAssigned(p.id, round * 100 + i)),
      )
    smtp = await startTestSmtpServer()
    const url = await urlOf(handle)
    const processes = [workerProcess(url, smtp.url), workerProcess(url, smtp.url)]
    await Promise.all(processes.map((p) => p.ready))
    for (const p of processes) p.go()
    const [a, b] = await Promise.all(processes.map((p) => p.sent))

    expect(a! + b!).toBe(MESSAGES)
    const ids = smtp.received.map((m) => m.messageId)
    expect(ids).toHaveLength(MESSAGES)
    expect(new Set(ids).size).toBe(MESSAGES)
    const outbox = await handle.db.selectFrom('outbox_messages').select(['status', 'attempts']).execute()
    expect(outbox).toHaveLength(MESSAGES)
    for (const row of outbox) expect(row).toMatchObject({ status: 'sent', attempts: 1 })
  }, 120_000)
})
