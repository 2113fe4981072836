/**
 * Evidence bench. Generates a 500 MB document in a temporary folder, then, against the real app
 * running as a child process on loopback (bench/evidence/app.ts) with a signed-in session:
 *   1. uploads it through POST /evidence/requirements/:id/upload, twice (two requirements);
 *   2. downloads the 1 GB evidence pack from GET /evidence/pack.zip.
 * Each is compared with `sha256sum` and `cp` of the same bytes, measured in the same run, and the
 * app process's peak RSS (VmHWM) is reported. Exits 1 if that passes 300 MB. Deletes its files.
 *
 * The app runs on PostgreSQL: DATABASE_URL if set, else a throwaway server started here. With
 * EVIDENCE_BENCH_DB=pglite it runs on the embedded database instead, whose WebAssembly heap alone
 * is several hundred MB before any upload, so only the growth over idle is meaningful there.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { currentTotp } from '../src/features/auth/totp'
import { startPostgres } from '../test/support/postgres'

const MB = 1024 * 1024
const FILE_MB = Number(process.env.EVIDENCE_BENCH_MB ?? 500)
const RSS_LIMIT_MB = 300

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

function timeCommand(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint()
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.status !== 0) throw new Error(`${cmd} failed`)
  return seconds(start)
}

async function generate(path: string, megabytes: number): Promise<void> {
  // A PDF header, then incompressible bytes: the type check passes and zip cannot shrink it.
  const block = randomBytes(MB)
  const out = createWriteStream(path)
  out.write('%PDF-1.7\n')
  for (let i = 0; i < megabytes; i++)
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()))
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
}

function peakRssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmHWM:\s+(\d+) kB/.exec(s)?.[1] ?? 0) / 1024)
}
function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+) kB/.exec(s)?.[1] ?? 0) / 1024)
}

/** A tiny cookie-keeping client for the one session cookie. */
class Client {
  cookie = ''
  constructor(readonly base: string) {}
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + path, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookie },
    })
    const set = res.headers.get('set-cookie')
    if (set) this.cookie = set.split(';')[0]!
    return res
  }
  async csrf(path: string): Promise<string> {
    const html = await (await this.send(path)).text()
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
    if (!token) throw new Error(`no CSRF token on ${path}`)
    return token
  }
  async post(path: string, form: Record<string, string>): Promise<Response> {
    return this.send(path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }
}

/** Streams a file as multipart/form-data with node:http, so nothing is buffered on our side either. */
function uploadFile(
  base: string,
  path: string,
  cookie: string,
  csrf: string,
  file: string,
  size: number,
): Promise<number> {
  const boundary = `----bench${randomBytes(8).toString('hex')}`
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return new Promise((resolve, reject) => {
    const req = request(
      base + path,
      {
        method: 'POST',
        headers: {
          cookie,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.write(head)
    const source = createReadStream(file)
    source.pipe(req, { end: false })
    source.on('end', () => req.end(tail))
    source.on('error', reject)
  })
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'jtai-evidence-bench-'))
  const pglite = process.env.EVIDENCE_BENCH_DB === 'pglite'
  const postgres = pglite || process.env.DATABASE_URL ? undefined : await startPostgres()
  const databaseUrl = pglite ? '' : (process.env.DATABASE_URL ?? postgres!.url)
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./evidence/app.ts', import.meta.url)),
      join(work, 'store'),
      String((FILE_MB + 1) * MB),
      databaseUrl,
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  try {
    await mkdir(join(work, 'store'), { recursive: true })
    const lines = createInterface({ input: child.stdout })
    const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve))
    const source = join(work, 'document.pdf')
    process.stdout.write(`Generating a ${FILE_MB} MB document…\n`)
    const [ready] = await Promise.all([nextLine(), generate(source, FILE_MB)])
    const info = JSON.parse(ready) as {
      port: number
      email: string
      password: string
      totpSecret: string
      requirementIds: string[]
    }
    const size = (await stat(source)).size
    const base = `http://127.0.0.1:${info.port}`
    const idleRss = await rssMb(child.pid!)

    // Sign in through the real pages: password, then a TOTP code.
    const client = new Client(base)
    await client.post('/sign-in', { _csrf: await client.csrf('/sign-in'), email: info.email, password: info.password })
    const codeToken = await client.csrf('/sign-in/code')
    const signedIn = await client.post('/sign-in/code', {
      _csrf: codeToken,
      code: currentTotp(info.totpSecret, new Date()),
    })
    if (signedIn.status !== 303) throw new Error(`sign-in failed (${signedIn.status})`)
    const csrf = await client.csrf('/evidence')

    // Baselines on the same bytes, in this run.
    const sha1 = timeCommand('sha256sum', [source])
    const cp1 = timeCommand('cp', [source, join(work, 'copy.pdf')])
    await rm(join(work, 'copy.pdf'))

    const uploadTimes: number[] = []
    for (const id of info.requirementIds.slice(0, 2)) {
      const start = process.hrtime.bigint()
      const status = await uploadFile(base, `/evidence/requirements/${id}/upload`, client.cookie, csrf, source, size)
      uploadTimes.push(seconds(start))
      if (status !== 303) throw new Error(`upload answered ${status}`)
    }
    const uploadRss = await peakRssMb(child.pid!)

    child.stdin.write('approve\n')
    if ((await nextLine()) !== 'approved') throw new Error('could not approve')

    // The pack holds both copies: 2 × FILE_MB. Baselines on the same 1 GB: the file twice.
    const sha2 = timeCommand('sh', ['-c', `cat "${source}" "${source}" | sha256sum`])
    const cp2 = timeCommand('sh', ['-c', `cp "${source}" "${work}/a" && cp "${source}" "${work}/b"`])
    await rm(join(work, 'a'))
    await rm(join(work, 'b'))
    const packStart = process.hrtime.bigint()
    const res = await client.send('/evidence/pack.zip')
    if (res.status !== 200 || !res.body) throw new Error(`pack answered ${res.status}`)
    let packBytes = 0
    await pipeline(
      res.body,
      new Writable({
        write(chunk: Buffer, _e, done) {
          packBytes += chunk.length
          done()
        },
      }),
    )
    const packTime = seconds(packStart)
    // Stored, not compressed: a pack much smaller than its documents means they were left out.
    if (packBytes < 2 * size)
      throw new Error(
        `the pack held ${(packBytes / MB).toFixed(0)} MB, less than the ${((2 * size) / MB).toFixed(0)} MB of approved documents: they were not all in it`,
      )
    const peak = await peakRssMb(child.pid!)

    const mbps = (bytes: number, s: number) => bytes / MB / s
    const upload = Math.min(...uploadTimes)
    const rows: [string, string][] = [
      ['database', pglite ? 'embedded (PGlite)' : 'PostgreSQL'],
      ['document', `${(size / MB).toFixed(0)} MB`],
      ['sha256sum (same file)', `${mbps(size, sha1).toFixed(0)} MB/s`],
      ['cp (same file)', `${mbps(size, cp1).toFixed(0)} MB/s`],
      [
        'upload through POST /evidence/…/upload (best of 2)',
        `${mbps(size, upload).toFixed(0)} MB/s = ${(sha1 / upload).toFixed(2)} × sha256sum, ${(cp1 / upload).toFixed(2)} × cp`,
      ],
      ['evidence pack', `${(packBytes / MB).toFixed(0)} MB zip of ${((2 * size) / MB).toFixed(0)} MB of documents`],
      [
        'sha256sum / cp (same 2 files)',
        `${mbps(2 * size, sha2).toFixed(0)} MB/s / ${mbps(2 * size, cp2).toFixed(0)} MB/s`,
      ],
      [
        'pack through GET /evidence/pack.zip',
        `${mbps(2 * size, packTime).toFixed(0)} MB/s = ${(sha2 / packTime).toFixed(2)} × sha256sum, ${(cp2 / packTime).toFixed(2)} × cp`,
      ],
      [
        'app RSS idle / peak after uploads / peak overall',
        `${idleRss.toFixed(0)} MB / ${uploadRss.toFixed(0)} MB / ${peak.toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB; growth over idle ${(peak - idleRss).toFixed(0)} MB)`,
      ],
    ]
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(52)} ${v}\n`)
    if (peak > RSS_LIMIT_MB) {
      process.stdout.write(`FAIL: the app's peak RSS ${peak.toFixed(0)} MB is over ${RSS_LIMIT_MB} MB\n`)
      process.exitCode = 1
    }
  } finally {
    child.stdin.end()
    await new Promise((r) => setTimeout(r, 200))
    if (child.exitCode === null) child.kill()
    await postgres?.stop()
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exitCode = 1
})
