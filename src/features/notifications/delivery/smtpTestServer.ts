/**
 * Real SMTP servers for the delivery tests and the benchmark (never a mock transport): an
 * smtp-server on a free local port that keeps what it receives and can refuse recipients, be taken
 * down and brought back on the same port; and a server that accepts connections and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** An email as the server received it, decoded enough to check. */
export interface ReceivedEmail {
  /** The envelope's recipients. */
  to: string[]
  /** The Message-ID header, without < >. */
  messageId: string
  subject: string
  /** The text body, decoded. */
  text: string
  /** The header block, as received. */
  headers: string
}

/** A reply to RCPT TO that refuses the recipient: `{ code: 451, message: '4.7.1 Try again later' }`. */
export interface SmtpRefusal {
  code: number
  message: string
}

export interface TestSmtpServer {
  /** smtp://127.0.0.1:<port> */
  url: string
  port: number
  /** Everything accepted, in order. */
  received: ReceivedEmail[]
  /** How many RCPT TO commands each address was sent, accepted or not. */
  rcptCount(address: string): number
  /** Answers RCPT TO for an address: a refusal, or undefined to accept. */
  refuse: (address: string) => SmtpRefusal | undefined
  /** Takes the server down: nothing listens on the port; open connections are dropped. */
  down(): Promise<void>
  /** Brings it back on the same port. */
  up(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts an SMTP server on 127.0.0.1 (a free port unless `port` is given), without TLS or sign-in.
 * `keepText: false` (the benchmark) keeps only the envelope and the Message-ID of each email.
 */
export async function startTestSmtpServer(
  options: { port?: number; keepText?: boolean } = {},
): Promise<TestSmtpServer> {
  const keepText = options.keepText ?? true
  const rcpts = new Map<string, number>()
  let server: SMTPServer | undefined
  const self: TestSmtpServer = {
    url: '',
    port: options.port ?? 0,
    received: [],
    rcptCount: (address) => rcpts.get(address.toLowerCase()) ?? 0,
    refuse: () => undefined,
    async down() {
      const s = server
      server = undefined
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    async up() {
      if (server) return
      server = newServer()
      const s = server
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject)
        s.listen(self.port, '127.0.0.1', () => {
          s.off('error', reject)
          resolve()
        })
      })
      const address = s.server.address()
      if (address && typeof address === 'object') self.port = address.port
      self.url = `smtp://127.0.0.1:${self.port}`
    },
    close: () => self.down(),
  }

  function newServer(): SMTPServer {
    const s = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // When taken down, open connections are dropped at once rather than after 30 s.
      closeTimeout: 50,
      size: 1024 * 1024,
      onRcptTo(address, _session, callback) {
        const key = address.address.toLowerCase()
        rcpts.set(key, (rcpts.get(key) ?? 0) + 1)
        const refusal = self.refuse(address.address)
        if (!refusal) return callback()
        const error = new Error(refusal.message) as Error & { responseCode: number }
        error.responseCode = refusal.code
        callback(error)
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          self.received.push(parseEmail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo, keepText))
          callback()
        })
      },
    })
    // A dropped client connection is an error event on the server; the tests expect those.
    s.on('error', () => undefined)
    return s
  }

  await self.up()
  return self
}

function parseEmail(raw: string, rcptTo: readonly { address: string }[], keepText: boolean): ReceivedEmail {
  const split = raw.indexOf('\r\n\r\n')
  const headers = split < 0 ? raw : raw.slice(0, split)
  const to = rcptTo.map((r) => r.address)
  const unfolded = headers.replace(/\r\n[ \t]+/g, ' ')
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? ''
  const messageId = header('Message-ID').replace(/[<>]/g, '')
  if (!keepText) return { to, messageId, subject: '', text: '', headers: '' }
  const body = split < 0 ? '' : raw.slice(split + 4)
  const encoding = header('Content-Transfer-Encoding').toLowerCase()
  return { to, messageId, subject: decodeWords(header('Subject')), text: decodeBody(body, encoding), headers }
}

function decodeBody(body: string, encoding: string): string {
  const text =
    encoding === 'quoted-printable'
      ? quotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body
  return text.replace(/\r\n/g, '\n')
}

function quotedPrintable(text: string): string {
  return Buffer.from(qpBytes(text.replace(/=\r?\n/g, ''))).toString('utf8')
}

function qpBytes(text: string): number[] {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    const hex = text.slice(i + 1, i + 3)
    if (c === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(c, 'utf8'))
  }
  return bytes
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=), as nodemailer writes a subject that is not ASCII. */
function decodeWords(value: string): string {
  const word = /=\?utf-8\?([qb])\?([^?]*)\?=/gi
  let out = ''
  let pending: Buffer[] = []
  let last = 0
  for (const m of value.matchAll(word)) {
    const between = value.slice(last, m.index)
    // White space between two encoded words is not part of the text; a word's bytes may run on into the next.
    if (!(pending.length && /^\s*$/.test(between))) {
      out += Buffer.concat(pending).toString('utf8') + between
      pending = []
    }
    const data = m[2]!
    pending.push(
      m[1]!.toLowerCase() === 'b' ? Buffer.from(data, 'base64') : Buffer.from(qpBytes(data.replace(/_/g, ' '))),
    )
    last = m.index + m[0].length
  }
  return out + Buffer.concat(pending).toString('utf8') + value.slice(last)
}

/** A server that takes connections and never says a word: a sender waits for its greeting. */
export async function startSilentServer(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  let total = 0
  const server: Server = createServer((socket) => {
    total++
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = address && typeof address === 'object' ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    connections: () => total,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
