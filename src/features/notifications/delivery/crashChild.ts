/**
 * Run as a child process by crash.test.ts (`node --import tsx crashChild.ts '<json>'`): queues one
 * email per person in one change() transaction, as the app does, and says "committed <n>"; then
 * starts delivering them to a server that takes the connection and never answers, so every message
 * sits claimed ('sending'), says "sending <n>", and waits to be killed.
 */
import { writeSync } from 'node:fs'
import { sql } from 'kysely'
import { openDatabase } from '../../../db/database'
import { systemClock } from '../../../domain/clock'
import { createMailer } from './mailer'
import { queueInOneChange, taskAssigned } from './testData'
import { createDeliveryWorker } from './worker'

export interface CrashChildArgs {
  /** postgres://… for PostgreSQL; otherwise `dataDir` is the embedded database's directory. */
  databaseUrl?: string
  dataDir?: string
  partnershipId: string
  personIds: string[]
  /** The silent server: smtp://127.0.0.1:<port>. */
  smtpUrl: string
  leaseMs: number
}

/** Synchronous, so a line is in the pipe before the process can die. */
const say = (line: string): void => {
  writeSync(1, `${line}\n`)
}

const args = JSON.parse(process.argv[2] ?? '') as CrashChildArgs
const handle = await openDatabase(args.databaseUrl ? { databaseUrl: args.databaseUrl } : { dataDir: args.dataDir })
const made = await queueInOneChange(
  handle.db,
  systemClock,
  args.partnershipId,
  args.personIds.map((id, i) => taskAssigned(id, i)),
)
say(`committed ${made}`)

const worker = createDeliveryWorker({
  db: handle.db,
  clock: systemClock,
  // Time limits far longer than the test: the sends hang until the process is killed.
  mailer: createMailer({
    smtpUrl: args.smtpUrl,
    from: 'no-reply@localhost',
    connectionTimeoutMs: 600_000,
    greetingTimeoutMs: 600_000,
    socketTimeoutMs: 600_000,
  }),
  baseUrl: 'http://localhost:3000',
  leaseMs: args.leaseMs,
})
void worker.deliverDue()

for (;;) {
  const { rows } = await sql<{
    n: number
  }>`select count(*)::int as n from outbox_messages where status = 'sending'`.execute(handle.db)
  if (rows[0]!.n === made) break
  await new Promise((resolve) => setTimeout(resolve, 20))
}
say(`sending ${made}`)
// Wait to be killed (the hanging sends keep the process alive too).
setInterval(() => undefined, 60_000)
