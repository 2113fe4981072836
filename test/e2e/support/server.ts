import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inject } from 'vitest'

/** The repository root (this file is test/e2e/support/server.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * How long the app may take to answer GET /health with 200: a hang guard, not a speed check. In CI the
 * first start compiles the whole app with tsx on a cold cache while the unit runs use both cores, and
 * once took more than 60 s before printing anything.
 */
export const START_TIMEOUT_MS = 180_000

/** The first-run set-up link the app prints on stdout. */
export const SETUP_LINK_PATTERN = /https?:\/\/(?:localhost|127\.0\.0\.1):\d+\/setup\/[^\s"'<>)\]]+/

export interface StartAppOptions {
  /** Extra environment for the app (e.g. DATABASE_URL from inject('postgresUrl')); undefined removes a variable. */
  env?: Record<string, string | undefined>
  /** Use this data directory instead of a fresh temporary one (it is then not deleted on stop). */
  dataDir?: string
  /**
   * Start on a fresh temporary data directory that already holds the migrated, empty database (as
   * the app's first start leaves it; see migratedDataDir()) instead of an empty one. For tests whose
   * subject is not the first start: it saves initdb and the migrations.
   */
  migrated?: boolean
  timeoutMs?: number
}

export interface RunningApp {
  /** e.g. http://localhost:41234 (localhost, not 127.0.0.1, to match the links the app prints). */
  baseUrl: string
  port: number
  dataDir: string
  /** Everything the app printed so far, stdout and stderr interleaved. */
  output(): string
  /** Resolves with the first match in the output (past or future); rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** The first-run set-up link printed on stdout: http://localhost:<port>/setup/<token>. */
  setupLink(timeoutMs?: number): Promise<string>
  /** Ends the app (SIGTERM, then SIGKILL after 10 s) and removes its temporary data directory. */
  stop(): Promise<void>
}

/** Settings the app reads (see .env.example): only what startApp sets or `env` gives reaches the app. */
const APP_SETTINGS = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'BASE_URL',
  'DATA_DIR',
  'DATABASE_URL',
  'SESSION_SECRET',
  'SESSION_IDLE_MINUTES',
  'SESSION_ABSOLUTE_HOURS',
  'LOG_LEVEL',
  'MAX_UPLOAD_MB',
  'SECURE_COOKIES',
  'SMTP_URL',
  'MAIL_FROM',
]

const running = new Set<ChildProcess>()
let exitHookInstalled = false

/**
 * Starts the real app as a child process (`tsx src/main.ts`) on a free port, with a fresh data
 * directory, NODE_ENV=test, a random SESSION_SECRET, HOST=127.0.0.1 and BASE_URL=http://localhost:<port>,
 * and waits until GET /health answers 200. The app's other settings are not inherited from the test's
 * environment: the app uses PGlite unless `env.DATABASE_URL` is given.
 */
export async function startApp(options: StartAppOptions = {}): Promise<RunningApp> {
  ensureAssetsBuilt()
  const port = await freePort()
  const baseUrl = `http://localhost:${port}`
  const ownDataDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? (options.migrated ? migratedDataDir() : mkdtempSync(join(tmpdir(), 'jtai-e2e-')))
  const timeoutMs = options.timeoutMs ?? START_TIMEOUT_MS

  const env: NodeJS.ProcessEnv = { ...process.env }
  // The app's own settings (src/config.ts, .env.example) never leak in from the test's environment.
  for (const key of APP_SETTINGS) delete env[key]
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    TZ: process.env.TZ ?? 'Europe/London',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  })
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key]
    else env[key] = value
  }

  // The same Node as the tests run on, whatever `node` is first on PATH.
  const child = spawn(process.execPath, [join(repoRoot, 'node_modules', '.bin', 'tsx'), 'src/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() also ends tsx's child process
  })
  running.add(child)
  installExitHook()

  let out = ''
  const listeners = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    out += chunk.toString('utf8')
    for (const l of listeners) l()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  let exited: string | undefined
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${String(code)}`
      running.delete(child)
      for (const l of listeners) l()
      resolve()
    })
    child.on('error', (err) => {
      out += `\n[spawn error] ${err.message}\n`
      exited ??= `spawn error: ${err.message}`
      running.delete(child)
      for (const l of listeners) l()
      resolve()
    })
  })

  const output = () => out
  const describe = () =>
    `\n--- app output (port ${port}, data ${dataDir}) ---\n${out || '(nothing)'}\n--- end of app output ---`

  const waitForOutput = (pattern: RegExp, waitMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const re = new RegExp(pattern.source, pattern.flags.replace('g', ''))
      const check = () => {
        const m = out.match(re)
        if (m) return done(() => resolve(m))
        if (exited !== undefined)
          done(() => reject(new Error(`The app exited (${exited ?? '?'}) before printing ${String(re)}${describe()}`)))
      }
      const done = (fn: () => void) => {
        listeners.delete(check)
        clearTimeout(timer)
        fn()
      }
      const timer = setTimeout(
        () => done(() => reject(new Error(`The app did not print ${String(re)} within ${waitMs} ms${describe()}`))),
        waitMs,
      )
      listeners.add(check)
      check()
    })

  let stopped = false
  const stop = async () => {
    if (!stopped) {
      stopped = true
      if (exited === undefined) {
        killGroup(child, 'SIGTERM')
        const killed = await Promise.race([exitPromise.then(() => true), sleep(10_000).then(() => false)])
        if (!killed) {
          killGroup(child, 'SIGKILL')
          await Promise.race([exitPromise, sleep(5_000)])
        }
      }
      // tsx's own child may outlive it: make sure nothing of the group is left.
      killGroup(child, 'SIGKILL')
      if (ownDataDir && !process.env.KEEP_E2E_DATA) rmSync(dataDir, { recursive: true, force: true })
    }
  }

  try {
    await waitForHealth(baseUrl, timeoutMs, () => exited)
  } catch (err) {
    await stop()
    throw new Error(`${(err as Error).message}${describe()}`)
  }

  return {
    baseUrl,
    port,
    dataDir,
    output,
    waitForOutput,
    async setupLink(waitMs = 30_000) {
      const m = await waitForOutput(SETUP_LINK_PATTERN, waitMs)
      return m[0].replace(/[.,;:]+$/, '')
    },
    stop,
  }
}

/**
 * A new temporary data directory holding the embedded database as the app's first start leaves it
 * (every migration, no rows), copied from the one test/e2e/support/globalSetup.ts made for this run.
 * Delete it when done (startApp does, for one it made).
 */
export function migratedDataDir(prefix = 'jtai-e2e-'): string {
  const template = inject('e2eMigratedDataDir')
  const dataDir = mkdtempSync(join(tmpdir(), prefix))
  cpSync(template, dataDir, { recursive: true })
  return dataDir
}

async function waitForHealth(baseUrl: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer yet'
  while (Date.now() < deadline) {
    const why = exited()
    if (why !== undefined)
      throw new Error(`The app exited (${why}) before GET ${baseUrl}/health answered 200 (last: ${last})`)
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000), redirect: 'manual' })
      await res.arrayBuffer().catch(() => undefined)
      if (res.status === 200) return
      last = `HTTP ${res.status}`
    } catch (err) {
      last = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message
    }
    await sleep(200)
  }
  throw new Error(`GET ${baseUrl}/health did not answer 200 within ${timeoutMs} ms (last: ${last})`)
}

let assetsChecked = false
/**
 * `npm start` builds the front-end assets before it starts the app; the tests start the app
 * directly, so build them here when they are missing (scripts/test-all.sh builds them once for a
 * whole run).
 */
function ensureAssetsBuilt(): void {
  if (assetsChecked) return
  assetsChecked = true
  const script = join(repoRoot, 'scripts', 'build-assets.ts')
  if (!existsSync(script) || existsSync(join(repoRoot, 'public'))) return
  const res = spawnSync(process.execPath, [join(repoRoot, 'node_modules', '.bin', 'tsx'), script], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (res.status !== 0) {
    throw new Error(
      `scripts/build-assets.ts failed (${res.error?.message ?? `exit ${String(res.status)}`}):\n${res.stdout}\n${res.stderr}`,
    )
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // If the test process ends without stop() (a crash, a forgotten afterAll), end the apps with it.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL')
  })
}

/** A TCP port that was free a moment ago on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
