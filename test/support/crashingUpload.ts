/**
 * Run as a child process by test/repositories/evidenceCrash.test.ts (`node node_modules/.bin/tsx
 * test/support/crashingUpload.ts '<json>'`): uploads one evidence version the way the app does and,
 * in "crash" mode, SIGKILLs itself inside the version's transaction after the evidence_versions row
 * (and the rest of the transaction's writes) went in and before COMMIT.
 *
 * It reports each stage on stdout, one line each, so the parent knows exactly how far it got:
 *   opened                       the database is open (and migrated)
 *   stored <key> <size> <sha256> the file is durably in the store (FsFileStore.put resolved)
 *   inserted <versionId> <n>     the evidence_versions INSERT … RETURNING came back inside the transaction
 *   before-commit                the transaction's last write (its audit event) came back; COMMIT is next
 * then waits for a line on stdin (so the parent can look at the database while the transaction is
 * open), and either kills itself ("crash") or lets the commit happen and prints "committed <n>"
 * ("commit", the control that shows the parent's assertions can fail).
 *
 * The hook is a Kysely plugin on the database handed to the real services (createServices →
 * evidence.addVersion), so the real transaction, repository and audit code run unchanged.
 */
import { join } from 'node:path'
import { writeSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import {
  InsertQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely'
import { openDatabase } from '../../src/db/database'
import { systemClock } from '../../src/domain/clock'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { createServices } from '../../src/services'
import type { Scope } from '../../src/shared/scope'
import { FsFileStore, ScratchSpace } from '../../src/storage'
import { validateInWorker } from '../../src/features/annexA/files'

export interface CrashingUploadArgs {
  /** postgres://… for PostgreSQL; otherwise `dataDir` is the embedded database's directory. */
  databaseUrl?: string
  dataDir?: string
  /** The file store's root (DATA_DIR/files in the app). */
  filesRoot: string
  scope: Scope
  requirementId: string
  /** The file's bytes, as UTF-8 text. */
  content: string
  mode: 'crash' | 'commit'
}

/** Synchronous, so a line is in the pipe before the process can die. */
const say = (line: string): void => {
  writeSync(1, `${line}\n`)
}

const args = JSON.parse(process.argv[2] ?? '') as CrashingUploadArgs

const stdinLines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
async function waitForParent(): Promise<void> {
  const next = await stdinLines.next()
  if (next.done) throw new Error('the parent closed stdin before saying go')
}

function insertedTable(node: RootOperationNode): string | undefined {
  return InsertQueryNode.is(node) ? node.into?.table.identifier.name : undefined
}

/** Watches the queries the service runs; see the file comment. */
class CrashBeforeCommit implements KyselyPlugin {
  private readonly inserts = new WeakMap<QueryId, string>()
  private versionInserted = false

  transformQuery(query: PluginTransformQueryArgs): RootOperationNode {
    const table = insertedTable(query.node)
    if (table) this.inserts.set(query.queryId, table)
    return query.node
  }

  async transformResult(query: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const table = this.inserts.get(query.queryId)
    if (table === 'evidence_versions') {
      const row = query.result.rows[0]
      say(`inserted ${String(row?.id)} ${String(row?.version)}`)
      this.versionInserted = true
    } else if (table === 'audit_events' && this.versionInserted) {
      // appendAuditEvent is the last thing change() runs before Kysely sends COMMIT.
      say('before-commit')
      await waitForParent()
      if (args.mode === 'crash') process.kill(process.pid, 'SIGKILL')
    }
    return query.result
  }
}

const handle = await openDatabase(args.databaseUrl ? { databaseUrl: args.databaseUrl } : { dataDir: args.dataDir })
say('opened')
const files = new FsFileStore(args.filesRoot)
const services = createServices({
  db: handle.db.withPlugin(new CrashBeforeCommit()),
  clock: systemClock,
  files,
  scratch: new ScratchSpace(join(args.filesRoot, '..', 'scratch')),
  frameworksDirectory: bundledFrameworksDirectory(),
  signInIpLimit: 50,
  annexAValidator: validateInWorker,
})

const stored = await files.put(Readable.from([Buffer.from(args.content, 'utf8')]), { maxBytes: 1024 * 1024 })
say(`stored ${stored.key} ${stored.size} ${stored.sha256}`)

const { version } = await services.evidence.addVersion(args.scope, args.requirementId, {
  ...stored,
  filename: 'policy.txt',
  mime: 'text/plain',
})
await handle.close()
say(`committed ${version}`)
process.exit(0)
