/**
 * The delivery worker against a real SMTP server (smtp-server, started here on a free port), on
 * PGlite and PostgreSQL: delivery, a server that refuses (4xx: retried with backoff, then failed), a
 * recipient it rejects (5xx: only that one fails), a server that is down for a while and comes back,
 * no mail server at all, the loop, and what the worker logs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DatabaseHandle } from '../../../db/database'
import { FakeClock } from '../../../domain/clock'
import { createLogger } from '../../../logger'
import { testDatabases } from '../../../../test/support/databases'
import { createMailer, type Mailer } from './mailer'
import { startTestSmtpServer, type TestSmtpServer } from './smtpTestServer'
import { queueInOneChange, seedRecipients, taskAssigned } from './testData'
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from './worker'

const BASE_URL = 'https://jtai.example.test'
const SECOND = 1000
const MINUTE = 60 * SECOND

describe.each(testDatabases())('email delivery on $name', (database) => {
  let handle: DatabaseHandle | undefined
  let smtp: TestSmtpServer | undefined
  const mailers: Mailer[] = []
  const workers: DeliveryWorker[] = []

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop()
    for (const m of mailers.splice(0)) m.close()
    await smtp?.close()
    smtp = undefined
    await handle?.close()
    handle = undefined
  })

  async function setUp(people: number, options: Partial<DeliveryWorkerOptions> = {}) {
    handle = await database.open()
    smtp = await startTestSmtpServer()
    const clock = new FakeClock('2026-03-02T09:00:00Z')
    const recipients = await seedRecipients(handle.db, clock, people)
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'JTAI Ready <no-reply@localhost>' })
    mailers.push(mailer)
    const logLines: string[] = []
    const worker = createDeliveryWorker({
      db: handle.db,
      clock,
      mailer,
      baseUrl: BASE_URL,
      logger: createLogger('debug', { write: (line: string) => void logLines.push(line) }),
      maxRefusals: 3,
      backoff: { refusedMs: [1 * MINUTE, 2 * MINUTE], unreachableMs: [1, 2, 5, 10].map((m) => m * MINUTE) },
      ...options,
    })
    workers.push(worker)
    const db = handle.db
    const server = smtp
    const rows = () =>
      db.selectFrom('outbox_messages').selectAll().orderBy('created_at').orderBy('to_address').execute()
    return { db, clock, recipients, worker, server, rows, logLines }
  }

  it('delivers each queued message once, with its subject, the app link with BASE_URL and nothing else', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(3)
    const [a, b, c] = recipients.people
    const made = await queueInOneChange(db, clock, recipients.partnershipId, [
      taskAssigned(a!.id, 1),
      taskAssigned(b!.id, 2),
      taskAssigned(c!.id, 3),
      taskAssigned(a!.id, 4),
    ])
    expect(made).toBe(4)
    clock.advance(5 * SECOND)

    expect(await worker.deliverDue()).toEqual({ sent: 4, retried: 0, failed: 0 })
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })

    const sent = await rows()
    expect(sent.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent'])
    for (const r of sent) {
      expect(r.smtp_response).toMatch(/^250 /)
      expect(r.attempts).toBe(1)
      expect(r.sent_at).toEqual(clock.now())
      expect(r.claimed_until).toBeNull()
      expect(r.last_error).toBeNull()
    }
    // Each arrived once, to its person, as the outbox row says.
    expect(server.received).toHaveLength(4)
    expect(new Set(server.received.map((m) => m.messageId))).toEqual(new Set(sent.map((r) => `${r.id}@localhost`)))
    const first = server.received.find(
      (m) => m.messageId === `${sent.find((r) => r.link === '/inspections/task-1')!.id}@localhost`,
    )!
    expect(first.to).toEqual([a!.email])
    expect(first.subject).toBe('You have been given a task: return 1')
    expect(first.text).toBe(
      [
        'Send the agency return 1 for the inspection of Deliverton by 4pm on Thursday.',
        '',
        `Open JTAI Ready: ${BASE_URL}/inspections/task-1`,
        '',
        '---',
        'You get this because you are emailed at once about this kind of JTAI Ready notification.',
        `Change what you are emailed: ${BASE_URL}/notifications/settings`,
        '',
      ].join('\n'),
    )
    // Plain text only: no HTML part, no attachment.
    expect(first.headers).toMatch(/^Content-Type: text\/plain; charset=utf-8$/im)
    expect(first.headers).not.toMatch(/multipart|text\/html/i)
    expect(first.headers).toMatch(/^From: JTAI Ready <no-reply@localhost>$/im)
  })

  it('retries a message the server refuses for now (4xx) after the backoff, and fails it after the limit with the reply', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(3)
    const refused = recipients.people[1]!
    server.refuse = (address) =>
      address === refused.email ? { code: 451, message: '4.7.1 Try again later' } : undefined
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.map((p, i) => taskAssigned(p.id, i)),
    )

    expect(await worker.deliverDue()).toEqual({ sent: 2, retried: 1, failed: 0 })
    const firstTry = clock.now()
    let row = (await rows()).find((r) => r.to_address === refused.email)!
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: '451 4.7.1 Try again later' })
    expect(row.next_attempt_at).toEqual(new Date(firstTry.getTime() + 1 * MINUTE))

    // Not again before its time.
    clock.advance(59 * SECOND)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(server.rcptCount(refused.email)).toBe(1)

    clock.advance(1 * SECOND)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 })
    row = (await rows()).find((r) => r.to_address === refused.email)!
    expect(row).toMatchObject({ status: 'pending', attempts: 2 })
    expect(row.next_attempt_at).toEqual(new Date(clock.now().getTime() + 2 * MINUTE))

    clock.advance(2 * MINUTE)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 1 })
    row = (await rows()).find((r) => r.to_address === refused.email)!
    expect(row).toMatchObject({ status: 'failed', attempts: 3, last_error: '451 4.7.1 Try again later', sent_at: null })

    clock.advance(60 * MINUTE)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(server.rcptCount(refused.email)).toBe(3)
    // The others went at the first try, once.
    expect(server.received.map((m) => m.to[0]).sort()).toEqual(
      recipients.people.filter((p) => p !== refused).map((p) => p.email),
    )
  })

  it('fails a recipient the server rejects (5xx) at once, and delivers everyone else', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(4)
    const rejected = recipients.people[0]!
    server.refuse = (address) =>
      address === rejected.email ? { code: 550, message: '5.1.1 No such mailbox' } : undefined
    // The rejected one is first in the queue: it holds up nobody.
    await queueInOneChange(db, clock, recipients.partnershipId, [taskAssigned(rejected.id, 0)])
    clock.advance(SECOND)
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.slice(1).map((p, i) => taskAssigned(p.id, i + 1)),
    )

    expect(await worker.deliverDue()).toEqual({ sent: 3, retried: 0, failed: 1 })
    const all = await rows()
    expect(all.find((r) => r.to_address === rejected.email)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: '550 5.1.1 No such mailbox',
      sent_at: null,
    })
    expect(all.filter((r) => r.status === 'sent')).toHaveLength(3)
    expect(server.received.map((m) => m.to[0]).sort()).toEqual(recipients.people.slice(1).map((p) => p.email))

    clock.advance(24 * 60 * MINUTE)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(server.rcptCount(rejected.email)).toBe(1)
  })

  it('keeps retrying while the server is down, never failing a message for it, and delivers everything once it is back', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(8)
    await server.down()
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.map((p, i) => taskAssigned(p.id, i)),
    )

    // Waits of 1, 2, 5 and 10 minutes, then every 10 minutes, for as long as it is down.
    const waits = [1, 2, 5, 10, 10, 10, 10].map((m) => m * MINUTE)
    for (const [i, wait] of waits.entries()) {
      const r = await worker.deliverDue()
      expect(r.sent, `pass ${i}`).toBe(0)
      expect(r.failed, `pass ${i}`).toBe(0)
      expect(r.retried, `pass ${i}`).toBeGreaterThan(0)
      const now = clock.now().getTime()
      for (const row of await rows()) {
        expect(row.status).toBe('pending')
        // Not a try the server answered: an outage uses up nothing.
        expect(row.attempts).toBe(0)
        expect(row.claimed_until).toBeNull()
        expect(row.next_attempt_at).toEqual(new Date(now + wait))
      }
      // Nothing is tried before its time.
      clock.advance(wait - SECOND)
      expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
      clock.advance(SECOND)
    }
    const tried = (await rows()).filter((r) => r.last_error !== null)
    expect(tried.length).toBeGreaterThan(0)
    for (const r of tried) expect(r.last_error).toMatch(/^The mail server could not be reached: .*ECONNREFUSED/)

    await server.up()
    let sent = 0
    for (let pass = 0; pass < 5 && sent < 8; pass++) sent += (await worker.deliverDue()).sent
    expect(sent).toBe(8)
    expect((await rows()).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true)
    expect(server.received).toHaveLength(8)
    expect(new Set(server.received.map((m) => m.messageId)).size).toBe(8)
    clock.advance(60 * MINUTE)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    expect(server.received).toHaveLength(8)
  })

  it('takes a 421 reply (the server is closing) as the server being unavailable, not as a refusal of the message', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(1)
    server.refuse = () => ({ code: 421, message: '4.3.2 Service shutting down' })
    await queueInOneChange(db, clock, recipients.partnershipId, [taskAssigned(recipients.people[0]!.id, 1)])
    for (const wait of [1, 2, 5, 10, 10].map((m) => m * MINUTE)) {
      expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 })
      clock.advance(wait)
    }
    const [row] = await rows()
    expect(row).toMatchObject({ status: 'pending', attempts: 0 })
    expect(row!.last_error).toBe('The mail server is not taking email: 421 4.3.2 Service shutting down')
    server.refuse = () => undefined
    expect(await worker.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 })
  })

  it('sends nothing without a mail server: messages stay pending', async () => {
    const { db, clock, recipients, rows } = await setUp(2)
    const worker = createDeliveryWorker({ db, clock, mailer: null, baseUrl: BASE_URL })
    workers.push(worker)
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.map((p, i) => taskAssigned(p.id, i)),
    )
    clock.advance(60 * MINUTE)
    expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 })
    worker.start()
    worker.kick()
    await worker.stop()
    const all = await rows()
    expect(all).toHaveLength(2)
    for (const r of all)
      expect(r).toMatchObject({ status: 'pending', attempts: 0, claimed_until: null, last_error: null })
  })

  it('runs by itself once started: a kick after queueing sends at once, and stop() ends it', async () => {
    const { db, clock, recipients, worker, server, rows } = await setUp(5, { intervalMs: 60 * MINUTE, batchSize: 2 })
    worker.start()
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.map((p, i) => taskAssigned(p.id, i)),
    )
    worker.kick()
    // Batches of 2: the loop goes on straight after a full batch, so all 5 go without waiting an interval.
    await vi.waitFor(() => expect(server.received).toHaveLength(5), { timeout: 20_000, interval: 20 })
    await worker.stop()
    expect((await rows()).every((r) => r.status === 'sent')).toBe(true)

    // Stopped: nothing more is sent.
    await queueInOneChange(db, clock, recipients.partnershipId, [taskAssigned(recipients.people[0]!.id, 9)])
    worker.kick()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(server.received).toHaveLength(5)
  })

  it('logs counts and codes only, never an address or what an email says', async () => {
    const { db, clock, recipients, worker, server, logLines } = await setUp(3)
    server.refuse = (address) =>
      address === recipients.people[0]!.email
        ? { code: 550, message: `5.1.1 <${address}> No such mailbox` }
        : address === recipients.people[1]!.email
          ? { code: 451, message: `4.2.2 <${address}> Mailbox full` }
          : undefined
    await queueInOneChange(
      db,
      clock,
      recipients.partnershipId,
      recipients.people.map((p, i) => taskAssigned(p.id, i)),
    )
    await worker.deliverDue()
    await server.down()
    clock.advance(5 * MINUTE)
    await worker.deliverDue()

    const log = logLines.join('')
    expect(log).toContain('"sent":1')
    expect(log).toContain('"error":"ESOCKET"')
    expect(log).not.toMatch(/example\.org|redacted email/)
    expect(log).not.toContain('agency return')
    expect(log).not.toContain('Mailbox')
  })
})
