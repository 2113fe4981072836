import nodemailer from 'nodemailer'
import { isNotificationKind, NOTIFICATION_KINDS } from '../../../domain/notifications'

/** One email as it goes to the mail server. */
export interface OutgoingEmail {
  /** The outbox message's id: the email's Message-ID is made from it, the same at every try. */
  id: string
  to: string
  subject: string
  text: string
}

/** Sends emails; resolves with the server's reply when it accepted one, rejects with nodemailer's error. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<string>
  /** Closes the connections it keeps open. */
  close(): void
}

export interface MailerOptions {
  /** smtp:// or smtps:// (SMTP_URL), checked by the configuration. */
  smtpUrl: string
  /** The From of every email (MAIL_FROM). */
  from: string
  /**
   * Connections kept open to the server, each sending one email at a time. The worker sends as many
   * at once.
   */
  connections?: number
  /** Time limits, in ms, all well below the worker's claim on a message (defaults 10 s, 10 s, 30 s). */
  connectionTimeoutMs?: number
  greetingTimeoutMs?: number
  socketTimeoutMs?: number
}

/**
 * A nodemailer SMTP transport from SMTP_URL: a few pooled connections, so a busy outbox does not
 * open a connection per email, with short time limits so a server that is down or stuck is known
 * within seconds and the worker's claim on a message never runs out while it waits.
 */
export function createMailer(options: MailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.connections ?? 5,
    maxMessages: 1000,
    // The worker retries, and records each try: the pool re-sending on its own could send twice.
    maxRequeues: 0,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.greetingTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
    // nodemailer logs nothing unless given a logger; it would log addresses.
    logger: false,
    debug: false,
  })
  const domain = domainOf(options.from)
  return {
    async send(email) {
      const info = await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        messageId: `<${email.id}@${domain}>`,
        headers: { 'Auto-Submitted': 'auto-generated' },
      })
      return info.response
    },
    close() {
      transport.close()
    },
  }
}

/** The domain of the From address, for Message-IDs ("localhost" for "JTAI Ready <no-reply@localhost>"). */
function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'localhost'
}

/** An outbox message as the worker reads it. */
export interface OutboxEmailContent {
  kind: string
  subject: string
  body: string
  /** An app path, or none. */
  link: string | null
}

/** Where people choose what they are emailed. */
export const EMAIL_SETTINGS_PATH = '/notifications/settings'

/**
 * The text of an email, built at delivery: the body, the page it is about in the app (sign-in is
 * needed there: no email signs anyone in), and a short footer saying why the person gets it and
 * where to change that. The subject is the notification's title. Nothing else is added: a
 * notification's title and body never hold a child's personal data.
 */
export function composeEmail(message: OutboxEmailContent, baseUrl: string): { subject: string; text: string } {
  const base = baseUrl.replace(/\/$/, '')
  const parts = [message.body.trim()]
  if (message.link) parts.push(`Open JTAI Ready: ${base}${message.link}`)
  parts.push(`---\n${reasonFor(message.kind)}\nChange what you are emailed: ${base}${EMAIL_SETTINGS_PATH}`)
  return { subject: oneLine(message.subject), text: `${parts.join('\n\n')}\n` }
}

function reasonFor(kind: string): string {
  if (kind === 'test') return 'You get this because an administrator sent a test email from JTAI Ready.'
  if (kind === 'digest') return 'You get this because you are sent a daily summary of your JTAI Ready notifications.'
  if (isNotificationKind(kind) && NOTIFICATION_KINDS[kind].critical)
    return 'You get this because it needs your action soon. Emails like this cannot be switched off.'
  return 'You get this because you are emailed at once about this kind of JTAI Ready notification.'
}

/** A subject is one line: a line break in it would end the header. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
