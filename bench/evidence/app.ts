/**
 * The app under test for bench/evidence.ts, run as its own process so its memory is measured
 * alone: the real createApp on PostgreSQL (or, without a URL, the embedded database) with a file store in the given folder, one
 * partnership, a police agency and an agency lead who can sign in. Prints one JSON line with the
 * port and the sign-in details; on "approve" from stdin marks every uploaded requirement approved
 * (the bench measures the upload and pack routes, not the approval form).
 */
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createApp } from '../../src/app'
import { openDatabase } from '../../src/db/database'
import * as dir from '../../src/features/directory/repository'
import { systemClock } from '../../src/domain/clock'
import { createLogger } from '../../src/logger'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { createServices } from '../../src/services'
import { hashPassword } from '../../src/features/auth/passwords'
import { newTotpSecret } from '../../src/features/auth/totp'
import { FsFileStore, ScratchSpace } from '../../src/storage'
import { validateInWorker } from '../../src/features/annexA/files'

const filesRoot = process.argv[2]
const maxUploadBytes = Number(process.argv[3])
const databaseUrl = process.argv[4] || undefined
if (!filesRoot || !maxUploadBytes) throw new Error('usage: app.ts <files folder> <max upload bytes> [postgres url]')

const handle = await openDatabase({ databaseUrl })
const db = handle.db
const now = new Date()
const services = createServices({
  db,
  clock: systemClock,
  files: new FsFileStore(filesRoot),
  scratch: new ScratchSpace(join(filesRoot, '..', 'scratch')),
  frameworksDirectory: bundledFrameworksDirectory(),
  signInIpLimit: 50,
  annexAValidator: validateInWorker,
})
const { id: partnershipId } = await db
  .insertInto('partnerships')
  .values({ name: 'Bench partnership' })
  .returning('id')
  .executeTakeFirstOrThrow()
const agency = await dir.insertAgency(
  db,
  partnershipId,
  { name: 'Bench Police', type: 'police', isStatutory: true, seniorApproverId: null },
  now,
)
const password = 'bench password bench password'
const email = 'bench@example.org'
const person = await dir.insertPerson(
  db,
  partnershipId,
  { name: 'Bench lead', email, jobTitle: '', agencyId: agency.id, roles: ['agency-lead'], accessEndsOn: null },
  now,
)
await dir.setPassword(db, person.id, await hashPassword(password), now)
const totpSecret = newTotpSecret()
await dir.setTotp(db, person.id, totpSecret, true, now)
const scope = {
  partnershipId,
  personId: person.id,
  name: person.name,
  roles: ['agency-lead' as const],
  agencyId: agency.id,
}
const requirementIds = (await services.evidence.list(scope)).map((r) => r.id)

const { app } = createApp({
  services,
  db,
  clock: systemClock,
  maxUploadBytes,
  logger: createLogger('warn'),
  sessionSecret: 'bench-secret-bench-secret-bench-secret',
  sessionIdleMs: 60 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  secureCookies: false,
  baseUrl: 'http://127.0.0.1',
})
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  process.stdout.write(`${JSON.stringify({ port, email, password, totpSecret, requirementIds })}\n`)
})

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'approve') return
  // Approval belongs to a version (the pack carries each document's newest approved version), and the
  // requirement's status follows it.
  const now = new Date()
  void db
    .transaction()
    .execute(async (trx) => {
      const uploaded = await trx
        .selectFrom('evidence_requirements')
        .select(['id', 'current_version_id'])
        .where('status', '=', 'uploaded')
        .execute()
      for (const r of uploaded) {
        if (r.current_version_id)
          await trx
            .updateTable('evidence_versions')
            .set({ approved_by: person.id, approved_at: now })
            .where('id', '=', r.current_version_id)
            .execute()
        await trx
          .updateTable('evidence_requirements')
          .set({ status: 'approved', approved_by: person.id, approved_at: now })
          .where('id', '=', r.id)
          .execute()
      }
    })
    .then(() => process.stdout.write('approved\n'))
})
process.stdin.on('end', () => {
  server.close()
  void handle.close().finally(() => process.exit(0))
})
