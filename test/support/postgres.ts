import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunningPostgres {
  url: string
  stop(): Promise<void>
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) {
    throw new Error('PostgreSQL is not installed: run `bash scripts/install-test-deps.sh` (Debian package postgresql).')
  }
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error(`No initdb found under ${root}`)
  return join(root, versions[0]!, 'bin')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

/** Starts a private PostgreSQL server on loopback in a temporary directory. */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = findBinDir()
  const dir = mkdtempSync(join(tmpdir(), 'jtai-pg-'))
  const asRoot = process.getuid?.() === 0
  // PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user.
  const wrap = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
  if (asRoot) chownSync(dir, uidOf('postgres'), gidOf('postgres'))
  const dataDir = join(dir, 'data')
  const [initCmd, initArgs] = wrap(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'jtai',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
  ])
  execFileSync(initCmd, initArgs, { stdio: 'ignore' })
  const port = await freePort()
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`
  const [cmd, args] = wrap(join(bin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-l',
    join(dir, 'log'),
    '-o',
    opts,
    '-w',
    '-t',
    '60',
    'start',
  ])
  execFileSync(cmd, args, { stdio: 'ignore' })
  const url = `postgres://jtai@127.0.0.1:${port}/postgres`
  return {
    url,
    async stop() {
      const [stopCmd, stopArgs] = wrap(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'])
      execFileSync(stopCmd, stopArgs, { stdio: 'ignore' })
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim())
}
function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim())
}
