/**
 * Notifications bench (issue 11): 20,000 emails for 500 people, queued through the real path and
 * delivered by the real worker to a local SMTP server.
 *
 * The SMTP server (smtp-server) runs in a child process, as a mail server would, so this process's
 * memory is the app's work alone; it reports back the Message-IDs it received. The embedded database
 * is on disk in a temporary directory and is made (initdb and the migrations, the app's first start)
 * by another child process first: this process opens it as a restarted app does.
 *
 * 1. Baseline: the same 20,000 emails (the same text, built by composeEmail) sent straight through
 *    one nodemailer transport (the app's mailer, same pool), with no database.
 * 2. Queue: a partnership and 500 people (the directory's repository), then 20,000 notifications
 *    through queueNotifications inside change() transactions with their audit events, 500 a
 *    transaction (one per person), as a capability that tells people things does.
 * 3. Deliver: the delivery worker (the app's defaults: batches of 50, 5 at a time) until nothing is due.
 *
 * Prints messages per second for each phase and the peak resident memory of this process in each
 * (sampled every 20 ms), with the ratios to the baseline. Exits 1 if any email is lost or sent twice,
 * or if the peak passes 400 MB (NOTIFICATIONS_RSS_LIMIT_MB).
 *
 * `npm run bench:notifications -- --postgres` runs on a throwaway PostgreSQL server instead (as the
 * unit tests start one), and BENCH_DATABASE_URL=postgres://… on a database of yours (the bench adds a
 * partnership to it): then the database's memory is not in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../src/db/database'
import { systemClock } from '../src/domain/clock'
import { composeEmail, createMailer } from '../src/features/notifications/delivery/mailer'
import { startTestSmtpServer } from '../src/features/notifications/delivery/smtpTestServer'
import { queueInOneChange, seedRecipients, taskAssigned } from '../src/features/notifications/delivery/testData'
import { createDeliveryWorker } from '../src/features/notifications/delivery/worker'
import { startPostgres } from '../test/support/postgres'
import { mb, sampleRss } from './support/measure'

const PEOPLE = 500
const MESSAGES = 20_000
const LIMIT_MB = Number(process.env.NOTIFICATIONS_RSS_LIMIT_MB ?? 400)
const BASE_URL = 'https://jtai.example.org'
const FROM = 'JTAI Ready <no-reply@example.org>'
const self = fileURLToPath(import.meta.url)

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-GB', { maximumFractionDigits: digits })

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRss: number }> {
  const rss = sampleRss()
  const started = performance.now()
  const result = await work()
  return { result, seconds: (performance.now() - started) / 1000, peakRss: rss.stop() }
}

/** This file in a child process (node --import tsx), in one of its helper roles. */
function child(role: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', self, role, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

type SinkMessage = { port: number } | { ids: string[] }

/** The child that runs the SMTP server. */
async function startSink() {
  const sink = child('smtp-sink')
  const next = async (): Promise<SinkMessage> => ((await once(sink, 'message')) as [SinkMessage])[0]
  const first = await next()
  if (!('port' in first)) throw new Error('the SMTP server did not start')
  return {
    url: `smtp://127.0.0.1:${first.port}`,
    /** The Message-IDs received since the last call. */
    async takeReceived(): Promise<string[]> {
      sink.send('take')
      const m = await next()
      if (!('ids' in m)) throw new Error('unexpected answer from the SMTP server')
      return m.ids
    },
    async close() {
      sink.send('exit')
      await once(sink, 'exit')
    },
  }
}

async function main(usePostgres: boolean): Promise<number> {
  const problems: string[] = []
  const startRss = process.memoryUsage.rss()
  let stopPostgres: (() => Promise<void>) | undefined
  const sink = await startSink()
  const work = await mkdtemp(join(tmpdir(), 'jtai-bench-notifications-'))
  try {
    // 1. Baseline: nodemailer alone, in a process of its own (so it adds nothing to this one's memory).
    const baselineChild = child('baseline', sink.url)
    const [baseline] = (await once(baselineChild, 'message')) as [
      { seconds: number; peakRss: number; startRss: number },
    ]
    await once(baselineChild, 'exit')
    const baselineArrived = new Set(await sink.takeReceived()).size
    if (baselineArrived !== MESSAGES) problems.push(`baseline: ${baselineArrived} of ${MESSAGES} arrived`)

    // 2. Queue through the real path, on a database a first start made.
    const postgres = usePostgres ? await startPostgres() : undefined
    if (postgres) stopPostgres = () => postgres.stop()
    const databaseUrl = postgres?.url ?? process.env.BENCH_DATABASE_URL
    const dataDir = join(work, 'data')
    if (!databaseUrl) {
      const prepare = child('prepare-db', dataDir)
      const [code] = (await once(prepare, 'exit')) as [number | null]
      if (code !== 0) throw new Error('the database could not be made')
    }
    const handle = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir })
    const idleRss = process.memoryUsage.rss()
    const queue = await timed(async () => {
      const recipients = await seedRecipients(handle.db, systemClock, PEOPLE)
      let queued = 0
      for (let round = 0; round < MESSAGES / PEOPLE; round++) {
        queued += await queueInOneChange(
          handle.db,
          systemClock,
          recipients.partnershipId,
          recipients.people.map((p, i) => taskAssigned(p.id, round * PEOPLE + i)),
        )
      }
      return { recipients, queued }
    })
    if (queue.result.queued !== MESSAGES) problems.push(`queued ${queue.result.queued} emails, not ${MESSAGES}`)

    // 3. Deliver with the real worker.
    const mailer = createMailer({ smtpUrl: sink.url, from: FROM })
    const worker = createDeliveryWorker({ db: handle.db, clock: systemClock, mailer, baseUrl: BASE_URL })
    const deliver = await timed(async () => {
      const total = { sent: 0, retried: 0, failed: 0 }
      for (;;) {
        const r = await worker.deliverDue()
        total.sent += r.sent
        total.retried += r.retried
        total.failed += r.failed
        if (r.sent + r.retried + r.failed === 0) return total
      }
    })
    mailer.close()

    // Every email arrived exactly once, and the outbox says each was sent.
    const outbox = await handle.db
      .selectFrom('outbox_messages')
      .select(['id', 'status'])
      .where('partnership_id', '=', queue.result.recipients.partnershipId)
      .execute()
    await handle.close()
    const arrived = new Map<string, number>()
    for (const id of await sink.takeReceived()) arrived.set(id, (arrived.get(id) ?? 0) + 1)
    const expected = new Set(outbox.map((r) => `${r.id}@example.org`))
    const lost = [...expected].filter((id) => !arrived.has(id)).length
    const twice = [...arrived.values()].filter((n) => n > 1).length
    const strangers = [...arrived.keys()].filter((id) => !expected.has(id)).length
    const notSent = outbox.filter((r) => r.status !== 'sent').length
    if (outbox.length !== MESSAGES) problems.push(`the outbox holds ${outbox.length} emails, not ${MESSAGES}`)
    if (lost) problems.push(`${lost} emails lost`)
    if (twice) problems.push(`${twice} emails sent more than once`)
    if (strangers) problems.push(`${strangers} emails arrived that are not in the outbox`)
    if (notSent) problems.push(`${notSent} outbox rows not marked sent`)
    if (deliver.result.retried || deliver.result.failed)
      problems.push(`${deliver.result.retried} retried and ${deliver.result.failed} failed (expected none)`)

    const peak = Math.max(queue.peakRss, deliver.peakRss)
    if (mb(peak) > LIMIT_MB) problems.push(`peak RSS ${fmt(mb(peak))} MB is over ${LIMIT_MB} MB`)

    const rate = (seconds: number) => MESSAGES / seconds
    const database = databaseUrl ? 'PostgreSQL' : 'PGlite on disk'
    process.stdout.write(
      [
        `Notifications bench: ${fmt(MESSAGES)} emails for ${PEOPLE} people, ${database}, Node ${process.version}`,
        `  baseline, nodemailer alone (its own process, ${fmt(mb(baseline.startRss))} MB at start): ${fmt(rate(baseline.seconds))} emails/s (${fmt(baseline.seconds, 1)} s), peak RSS ${fmt(mb(baseline.peakRss))} MB`,
        `  this process at start (Node, tsx and the modules): RSS ${fmt(mb(startRss))} MB`,
        `  database open, before any work:       RSS ${fmt(mb(idleRss))} MB`,
        `  queue (change + queueNotifications):  ${fmt(rate(queue.seconds))} notifications/s (${fmt(queue.seconds, 1)} s), peak RSS ${fmt(mb(queue.peakRss))} MB`,
        `  deliver (the outbox worker):          ${fmt(rate(deliver.seconds))} emails/s (${fmt(deliver.seconds, 1)} s), peak RSS ${fmt(mb(deliver.peakRss))} MB`,
        `  worker vs baseline: ${fmt(rate(deliver.seconds) / rate(baseline.seconds), 2)}x the rate, ${fmt(deliver.peakRss / baseline.peakRss, 2)}x the peak RSS`,
        `  peak RSS of queueing and delivering: ${fmt(mb(peak))} MB (limit ${LIMIT_MB} MB), ${fmt(mb(peak - idleRss))} MB over the open database`,
        `  delivered ${fmt(arrived.size)} of ${fmt(outbox.length)}; lost ${lost}; sent twice ${twice}`,
        problems.length ? `FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}` : 'OK',
        '',
      ].join('\n'),
    )
  } finally {
    await sink.close()
    await stopPostgres?.()
    await rm(work, { recursive: true, force: true })
  }
  return problems.length ? 1 : 0
}

/** Child role: the baseline, the same emails through nodemailer alone; sends its time and peak RSS. */
async function baselineRun(smtpUrl: string): Promise<void> {
  const startRss = process.memoryUsage.rss()
  const mailer = createMailer({ smtpUrl, from: FROM })
  const { seconds, peakRss } = await timed(async () => {
    let next = 0
    const sendSome = async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        const t = taskAssigned('', i)
        const { subject, text } = composeEmail({ kind: t.kind, subject: t.title, body: t.body, link: t.link }, BASE_URL)
        await mailer.send({ id: `baseline-${i}`, to: `person-${i % PEOPLE}@example.org`, subject, text })
      }
    }
    await Promise.all(Array.from({ length: 5 }, sendSome))
  })
  mailer.close()
  process.send!({ seconds, peakRss, startRss }, undefined, {}, () => process.exit(0))
}

/** Child role: the SMTP server; sends its port, then the Message-IDs received when asked. */
async function smtpSink(): Promise<void> {
  const smtp = await startTestSmtpServer({ keepText: false })
  process.on('message', (m) => {
    if (m === 'take') process.send!({ ids: smtp.received.splice(0).map((r) => r.messageId) })
    if (m === 'exit') void smtp.close().then(() => process.exit(0))
  })
  process.send!({ port: smtp.port })
}

/** Child role: the app's first start on an empty data directory (initdb and the migrations). */
async function prepareDatabase(dataDir: string): Promise<void> {
  const handle = await openDatabase({ dataDir })
  await handle.close()
}

const role = process.argv[2]
if (role === 'smtp-sink') await smtpSink()
else if (role === 'baseline') await baselineRun(process.argv[3]!)
else if (role === 'prepare-db') await prepareDatabase(process.argv[3]!)
else process.exit(await main(process.argv.includes('--postgres')))
