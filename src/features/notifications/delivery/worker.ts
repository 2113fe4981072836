/**
 * The email delivery worker: sends the outbox (outbox_messages) through the mail server.
 *
 * Why a small outbox table and not a job library: the app's default database is PGlite (in the
 * process, one connection, no server to connect to), and everything must run the same on
 * PostgreSQL. The well-kept PostgreSQL job libraries are built for a server: graphile-worker and
 * pg-boss connect with their own pg pools from a connection string (graphile-worker also listens
 * for new jobs with LISTEN/NOTIFY); pg-boss has no PGlite support, and the one known way to run it
 * there is a hand-written client that pastes the parameters into the SQL text (a user's workaround
 * in pg-boss issue #563), not something to put under every email. Each also brings its own schema,
 * migrations and maintenance loops beside ours. What is needed is small: the email's row written in
 * the transaction of the change that caused it (queueNotifications, inside that change()), and a
 * claim two processes never share. So the outbox is one table of ours and this worker claims a
 * batch at a time with `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …`: on
 * PostgreSQL two app processes never claim the same message; on PGlite (one connection, one
 * process) the same SQL runs. A claim is a lease (status 'sending' until claimed_until): a process
 * killed mid-send leaves its messages to be claimed again when the lease ends, so every committed
 * message is delivered after a restart. What no outbox can promise over SMTP is "never twice" when
 * a process dies after the server accepted a message and before 'sent' was written; each email's
 * Message-ID is made from its outbox id, the same at every try, so a mail system can recognise such
 * a repeat.
 *
 * Outcomes of one try:
 * - accepted: 'sent', with the server's reply (smtp_response) and sent_at.
 * - the server rejects the recipient or the message for good (a 5xx reply to RCPT TO or DATA, or an
 *   address it cannot take): 'failed' at once, with the reply in last_error. Other recipients'
 *   messages go on.
 * - the server refuses for now (a 4xx reply to RCPT TO or DATA): back to 'pending' after a growing
 *   wait (backoff.refusedMs), and 'failed' after maxRefusals tries, with the reply in last_error.
 * - the server cannot be reached or will not talk to us (connection refused, time-outs, TLS,
 *   sign-in, a refusal before any recipient is named, a 421 "closing" reply at any point): back to
 *   'pending', waiting backoff.unreachableMs (1, 2, 5, 10 minutes, then every 10), never 'failed'
 *   for it and not counted as a try, so everything goes once the server is back. The rest of the
 *   batch is not tried: it would fail the same way, each after a time-out.
 *
 * `attempts` counts the tries the server answered for that message; it is the count maxRefusals is
 * checked against. Logs hold ids, counts and error codes only, never an address or a message's
 * text.
 */
import type { Kysely, Updateable } from 'kysely'
import type { Database, OutboxMessagesTable } from '../../../db/schema'
import type { Clock } from '../../../domain/clock'
import type { Logger } from '../../../logger'
import { composeEmail, type Mailer } from './mailer'

/** Waits before the next try, in ms, by how many tries went before; the last one repeats. */
export interface Backoff {
  /** After the n-th refusal (a 4xx reply) of a message. */
  refusedMs: readonly number[]
  /** After the n-th pass in a row that could not reach the mail server. */
  unreachableMs: readonly number[]
}

const MINUTE = 60_000

export const DEFAULT_BACKOFF: Backoff = {
  refusedMs: [1, 5, 15, 30, 60].map((m) => m * MINUTE),
  unreachableMs: [1, 2, 5, 10].map((m) => m * MINUTE),
}

export interface DeliveryWorkerOptions {
  db: Kysely<Database>
  clock: Clock
  /** null when no mail server is configured (no SMTP_URL): messages stay 'pending'. */
  mailer: Mailer | null
  /** BASE_URL, put in front of each email's app link. */
  baseUrl: string
  logger?: Logger
  /** How long a claim holds a message, in ms (default 5 minutes): well above the mailer's time limits. */
  leaseMs?: number
  /** Messages claimed in one pass (default 50). */
  batchSize?: number
  /** Messages sent at once within a pass (default 5, the mailer's connections). */
  concurrency?: number
  /** Refusals (4xx) after which a message is 'failed' (default 5). */
  maxRefusals?: number
  backoff?: Backoff
  /** How often the loop started by start() looks for due messages, in ms (default 5 s). */
  intervalMs?: number
}

export interface DeliveryResult {
  sent: number
  retried: number
  failed: number
}

export interface DeliveryWorker {
  /** One pass: claims up to a batch of due messages, sends each and records how it went. */
  deliverDue(): Promise<DeliveryResult>
  /** Starts the loop: a pass every intervalMs, straight after one that took a full batch. */
  start(): void
  /** Ends the loop, waiting for a pass under way (its unsent messages are given back). */
  stop(): Promise<void>
  /** Runs a pass soon (something was just queued). */
  kick(): void
}

type Outcome =
  | { kind: 'sent'; response: string }
  | { kind: 'rejected'; reply: string }
  | { kind: 'refused'; reply: string }
  | { kind: 'unreachable'; reply: string; code: string }

interface Claimed {
  id: string
  kind: string
  to_address: string
  subject: string
  body: string
  link: string | null
  attempts: number
}

interface PassResult extends DeliveryResult {
  claimed: number
  unreachable: boolean
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, clock, mailer, baseUrl, logger } = options
  const leaseMs = options.leaseMs ?? 5 * MINUTE
  const batchSize = options.batchSize ?? 50
  const concurrency = Math.max(1, options.concurrency ?? 5)
  const maxRefusals = options.maxRefusals ?? 5
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  const intervalMs = options.intervalMs ?? 5000

  let unreachablePasses = 0
  let pausedUntil = 0
  let stopping = false

  async function pass(): Promise<PassResult> {
    const result: PassResult = { sent: 0, retried: 0, failed: 0, claimed: 0, unreachable: false }
    if (!mailer) return result
    const now = clock.now()
    const claimedUntil = new Date(now.getTime() + leaseMs)
    const batch: Claimed[] = await db
      .updateTable('outbox_messages')
      .set({ status: 'sending', claimed_until: claimedUntil })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox_messages')
          .select('id')
          .where((w) =>
            w.or([
              w.and([w('status', '=', 'pending'), w('next_attempt_at', '<=', now)]),
              w.and([w('status', '=', 'sending'), w('claimed_until', '<', now)]),
            ]),
          )
          .orderBy('created_at')
          .orderBy('id')
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'kind', 'to_address', 'subject', 'body', 'link', 'attempts'])
      .execute()
    result.claimed = batch.length
    if (!batch.length) return result

    // A message is only started while the claim has at least half its time left (measured on the
    // process's own timer: the clock may be a test's fake one), so none is still being sent when
    // another worker may take it again. Those not started are given back.
    const started = performance.now()
    const queue = [...batch]
    const givenBack: Claimed[] = []
    let unreachable: Extract<Outcome, { kind: 'unreachable' }> | undefined

    /** Writes how a try went, unless the claim has passed to another worker meanwhile. */
    const finish = (message: Claimed, values: Updateable<OutboxMessagesTable>) =>
      db
        .updateTable('outbox_messages')
        .set({ ...values, claimed_until: null })
        .where('id', '=', message.id)
        .where('status', '=', 'sending')
        .where('claimed_until', '=', claimedUntil)
        .execute()

    const record = async (message: Claimed, outcome: Outcome): Promise<void> => {
      const at = clock.now()
      const later = (ms: number) => new Date(at.getTime() + ms)
      switch (outcome.kind) {
        case 'sent':
          result.sent++
          await finish(message, {
            status: 'sent',
            sent_at: at,
            smtp_response: outcome.response,
            attempts: message.attempts + 1,
          })
          return
        case 'rejected':
          result.failed++
          await finish(message, { status: 'failed', last_error: outcome.reply, attempts: message.attempts + 1 })
          return
        case 'refused': {
          const attempts = message.attempts + 1
          const failed = attempts >= maxRefusals
          if (failed) result.failed++
          else result.retried++
          await finish(message, {
            status: failed ? 'failed' : 'pending',
            last_error: outcome.reply,
            attempts,
            next_attempt_at: later(step(backoff.refusedMs, attempts)),
          })
          return
        }
        case 'unreachable':
          result.retried++
          await finish(message, {
            status: 'pending',
            last_error: outcome.reply,
            next_attempt_at: later(step(backoff.unreachableMs, unreachablePasses + 1)),
          })
          return
      }
    }

    // Each outcome is written as soon as it is known, while the next message is being sent. A write
    // that fails is kept and thrown once the sends under way are done (the message stays claimed
    // until its lease ends, and is then sent again).
    const recording: Promise<void>[] = []
    let recordFailed: { error: unknown } | undefined
    const runner = async (): Promise<void> => {
      for (let message = queue.shift(); message; message = queue.shift()) {
        if (unreachable || stopping || performance.now() - started > leaseMs / 2) {
          givenBack.push(message)
          continue
        }
        const outcome = await tryToSend(mailer, message, baseUrl)
        if (outcome.kind === 'unreachable') unreachable ??= outcome
        recording.push(
          record(message, outcome).catch((error: unknown) => {
            recordFailed ??= { error }
          }),
        )
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, runner))
    await Promise.all(recording)
    if (recordFailed) throw recordFailed.error

    if (unreachable) {
      unreachablePasses++
      const wait = step(backoff.unreachableMs, unreachablePasses)
      pausedUntil = clock.now().getTime() + wait
      result.unreachable = true
      logger?.warn(
        { error: unreachable.code, retryInSeconds: Math.round(wait / 1000), waiting: givenBack.length },
        'email: the mail server could not be reached; trying again later',
      )
    } else if (result.sent || result.failed || result.retried) {
      unreachablePasses = 0
    }
    if (givenBack.length) {
      const retryAt = unreachable ? new Date(pausedUntil) : undefined
      await db
        .updateTable('outbox_messages')
        .set({ status: 'pending', claimed_until: null, ...(retryAt ? { next_attempt_at: retryAt } : {}) })
        .where(
          'id',
          'in',
          givenBack.map((m) => m.id),
        )
        .where('status', '=', 'sending')
        .where('claimed_until', '=', claimedUntil)
        .execute()
    }
    if (result.sent || result.failed || result.retried)
      logger?.info({ sent: result.sent, retried: result.retried, failed: result.failed }, 'email: delivery pass')
    return result
  }

  // The loop.
  let running = false
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> | undefined
  let kicked = false

  const schedule = (ms: number) => {
    clearTimeout(timer)
    timer = setTimeout(() => void loop(), ms)
    timer.unref()
  }

  const loop = async (): Promise<void> => {
    timer = undefined
    if (!running || current) return
    current = (async () => {
      try {
        for (;;) {
          kicked = false
          if (clock.now().getTime() < pausedUntil) break
          const r = await pass()
          if (!running || r.unreachable || (r.claimed < batchSize && !kicked)) break
        }
      } catch (error) {
        logger?.error({ err: error }, 'email: a delivery pass failed')
      }
    })()
    await current
    current = undefined
    if (running) schedule(kicked ? 0 : intervalMs)
  }

  return {
    async deliverDue() {
      const { sent, retried, failed } = await pass()
      return { sent, retried, failed }
    },
    start() {
      if (running || !mailer) return
      running = true
      stopping = false
      schedule(0)
    },
    async stop() {
      running = false
      stopping = true
      clearTimeout(timer)
      timer = undefined
      await current
      stopping = false
    },
    kick() {
      if (!running) return
      if (current) kicked = true
      else schedule(0)
    },
  }
}

/** The n-th wait of a schedule (n from 1); past its end, the last. */
function step(schedule: readonly number[], n: number): number {
  return schedule[Math.min(n, schedule.length) - 1] ?? 0
}

async function tryToSend(mailer: Mailer, message: Claimed, baseUrl: string): Promise<Outcome> {
  const { subject, text } = composeEmail(message, baseUrl)
  try {
    const response = await mailer.send({ id: message.id, to: message.to_address, subject, text })
    return { kind: 'sent', response }
  } catch (error) {
    return classify(error)
  }
}

/** What nodemailer's error says about this message (see the comment at the top). */
function classify(error: unknown): Outcome {
  const e = (error ?? {}) as {
    code?: unknown
    command?: unknown
    response?: unknown
    responseCode?: unknown
    message?: unknown
  }
  const code = typeof e.code === 'string' ? e.code : 'ERROR'
  const command = typeof e.command === 'string' ? e.command : ''
  const reply = typeof e.response === 'string' ? e.response.trim() : ''
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : 0
  const message = typeof e.message === 'string' ? e.message : String(error)
  // 421: the server is closing the connection (shutting down, too busy), whatever was asked of it.
  if (reply && responseCode && responseCode !== 421 && (command === 'RCPT TO' || command === 'DATA')) {
    return responseCode >= 500 ? { kind: 'rejected', reply } : { kind: 'refused', reply }
  }
  // An address the server could never take, found before anything was sent (nodemailer's own check).
  if ((code === 'EENVELOPE' && command === 'API') || (code === 'EMESSAGE' && !responseCode)) {
    return { kind: 'rejected', reply: message }
  }
  return {
    kind: 'unreachable',
    code,
    reply: reply ? `The mail server is not taking email: ${reply}` : `The mail server could not be reached: ${message}`,
  }
}
