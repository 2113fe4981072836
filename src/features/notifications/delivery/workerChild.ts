/**
 * Run as a child process by twoWorkers.test.ts (`node --import tsx workerChild.ts '<json>'`): an app
 * process's email worker on its own connection pool. It waits for "go" on stdin (so two processes
 * start together), delivers until nothing is due, prints "sent <n>" and exits.
 */
import { createInterface } from 'node:readline'
import { openDatabase } from '../../../db/database'
import { systemClock } from '../../../domain/clock'
import { createMailer } from './mailer'
import { createDeliveryWorker } from './worker'

interface WorkerChildArgs {
  databaseUrl: string
  smtpUrl: string
}

const args = JSON.parse(process.argv[2] ?? '') as WorkerChildArgs
const handle = await openDatabase({ databaseUrl: args.databaseUrl })
const mailer = createMailer({ smtpUrl: args.smtpUrl, from: 'no-reply@localhost', connections: 4 })
// Small batches, so the two processes take turns many times.
const worker = createDeliveryWorker({
  db: handle.db,
  clock: systemClock,
  mailer,
  baseUrl: 'http://localhost:3000',
  batchSize: 10,
  concurrency: 4,
})
process.stdout.write('ready\n')
const lines = createInterface({ input: process.stdin })
for await (const line of lines) if (line === 'go') break
lines.close()
let sent = 0
for (;;) {
  const r = await worker.deliverDue()
  if (r.failed + r.retried > 0) throw new Error(`unexpected: ${r.failed} failed, ${r.retried} retried`)
  if (r.sent === 0) break
  sent += r.sent
}
mailer.close()
await handle.close()
process.stdout.write(`sent ${sent}\n`)
