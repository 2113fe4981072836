/**
 * Email delivery as the real app runs it (`tsx src/main.ts`): emails waiting in the outbox of its data
 * directory are sent to the mail server SMTP_URL names (a real smtp-server started here) as soon as
 * the app listens, with MAIL_FROM and links to its BASE_URL; without SMTP_URL the app says so once in
 * its log and keeps them.
 */
import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openDatabase } from '../../src/db/database'
import { systemClock } from '../../src/domain/clock'
import { startTestSmtpServer, type TestSmtpServer } from '../../src/features/notifications/delivery/smtpTestServer'
import {
  queueInOneChange,
  seedRecipients,
  taskAssigned,
  type Recipients,
} from '../../src/features/notifications/delivery/testData'
import { migratedDataDir, startApp, type RunningApp } from './support/server'

/** A migrated data directory with `count` emails waiting in its outbox, made before the app opens it. */
async function dataDirWithWaitingEmails(count: number): Promise<{ dataDir: string; recipients: Recipients }> {
  const dataDir = migratedDataDir('jtai-e2e-email-')
  const handle = await openDatabase({ dataDir })
  const recipients = await seedRecipients(handle.db, systemClock, count, 'anytown.example')
  await queueInOneChange(
    handle.db,
    systemClock,
    recipients.partnershipId,
    recipients.people.map((p, i) => taskAssigned(p.id, i)),
  )
  await handle.close()
  return { dataDir, recipients }
}

async function outboxOf(dataDir: string) {
  const handle = await openDatabase({ dataDir })
  try {
    return await handle.db.selectFrom('outbox_messages').select(['id', 'status', 'attempts']).execute()
  } finally {
    await handle.close()
  }
}

describe('email from the running app', () => {
  let app: RunningApp | undefined
  let smtp: TestSmtpServer | undefined
  let dataDir: string | undefined

  afterEach(async () => {
    await app?.stop()
    app = undefined
    await smtp?.close()
    smtp = undefined
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    dataDir = undefined
  })

  it('sends the emails waiting in the outbox to the mail server, from MAIL_FROM, linking to BASE_URL', async () => {
    const seeded = await dataDirWithWaitingEmails(3)
    dataDir = seeded.dataDir
    smtp = await startTestSmtpServer()
    app = await startApp({
      dataDir,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Anytown Partnership <jtai@anytown.example>', LOG_LEVEL: 'info' },
    })
    const server = smtp
    await vi.waitFor(() => expect(server.received).toHaveLength(3), { timeout: 30_000, interval: 100 })

    for (const [i, person] of seeded.recipients.people.entries()) {
      const email = server.received.find((m) => m.to[0] === person.email)!
      expect(email.subject).toBe(`You have been given a task: return ${i}`)
      expect(email.headers).toMatch(/^From: Anytown Partnership <jtai@anytown\.example>$/im)
      expect(email.text).toContain(`Open JTAI Ready: ${app.baseUrl}/inspections/task-${i}\n`)
      expect(email.text).toContain(`Change what you are emailed: ${app.baseUrl}/notifications/settings\n`)
    }
    // The log says what was sent in counts, never to whom. The pass logs once it has recorded its
    // outcomes, which can be after the server has the messages.
    await app.waitForOutput(/email: delivery pass/, 30_000)
    const output = app.output()
    expect(output).not.toContain('no mail server configured')
    expect(output).not.toContain('anytown.example')

    await app.stop()
    app = undefined
    const outbox = await outboxOf(dataDir)
    expect(outbox.map((r) => r.status)).toEqual(['sent', 'sent', 'sent'])
    expect(new Set(server.received.map((m) => m.messageId))).toEqual(
      new Set(outbox.map((r) => `${r.id}@anytown.example`)),
    )
  })

  it('without SMTP_URL says once that emails are kept in the outbox, and keeps them', async () => {
    const seeded = await dataDirWithWaitingEmails(2)
    dataDir = seeded.dataDir
    app = await startApp({ dataDir, env: { LOG_LEVEL: 'info' } })
    await app.waitForOutput(/JTAI Ready is running/)
    const said = app.output().match(/email: no mail server configured \(SMTP_URL\); messages are kept in the outbox/g)
    expect(said).toHaveLength(1)

    await app.stop()
    app = undefined
    const outbox = await outboxOf(dataDir)
    expect(outbox.map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ])
  })
})
