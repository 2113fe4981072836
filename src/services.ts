import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import * as calendarRepository from './features/calendar/repository'
import type { Database } from './db/schema'
import type { Clock } from './domain/clock'
import { FsFileStore, type FileStore } from './storage'
import { annexAService } from './features/annexA/service'
import { auditService } from './features/audit/service'
import { authService } from './features/auth/service'
import { calendarService } from './features/calendar/service'
import { childRegisterService } from './features/register/service'
import { demoService } from './features/demo/service'
import { directoryService } from './features/directory/service'
import { evidenceService } from './features/evidence/service'
import { fileReferences } from './features/fileReferences'
import { frameworkService } from './features/frameworks/service'
import { inspectionService } from './features/inspections/service'
import { setupService } from './features/auth/setupService'

export interface ServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** The bundled frameworks folder; the repository's frameworks/ when omitted. */
  frameworksDirectory?: string
  /** Where uploaded files live (DATA_DIR/files in the app); a fresh temporary folder when omitted (tests). */
  files?: FileStore
  /** Largest evidence upload accepted, in bytes (MAX_UPLOAD_MB); 100 MB when omitted. */
  maxUploadBytes?: number
  /** Failed sign-ins allowed from one IP address in 15 minutes (SIGN_IN_IP_LIMIT); 50 when omitted. */
  signInIpLimit?: number
}

/** The composition root: every service, built from the database and the clock. */
export function createServices({ db, clock, frameworksDirectory, files = new FsFileStore(join(tmpdir(), `jtai-files-${randomUUID()}`)), maxUploadBytes = 100 * 1024 * 1024, signInIpLimit }: ServiceDeps) {
  const frameworks = frameworkService(db, clock, frameworksDirectory ? { directory: frameworksDirectory } : {})
  const calendar = calendarService(db, clock)
  const auth = authService(db, clock, signInIpLimit ? { ipLimit: signInIpLimit } : {})
  return {
    db,
    clock,
    audit: auditService(db),
    auth,
    demo: demoService(db, clock),
    directory: directoryService(db, clock),
    setup: setupService(db, clock),
    frameworks,
    calendar,
    inspections: inspectionService(db, clock, frameworks, calendar),
    files,
    /** For the file store's sweep: every table that keeps a file key is asked. */
    isFileReferenced: fileReferences(db),
    evidence: {
      ...evidenceService({ db, clock, files, frameworks: async (scope) => (await frameworks.list(scope)).map((f) => f.framework), checkCode: auth.checkCode }),
      maxUploadBytes,
    },
    annexA: annexAService(db, clock, files),
    register: childRegisterService(db, clock),
    partnerships: {
      /** Every partnership's id, oldest first. */
      ids: () => calendarRepository.partnershipIds(db),
      async name(id: string): Promise<string | undefined> {
        const row = await db.selectFrom('partnerships').select('name').where('id', '=', id).executeTakeFirst()
        return row?.name
      },
    },
    async health(): Promise<boolean> {
      await db.selectNoFrom((eb) => eb.lit(1).as('ok')).execute()
      return true
    },
  }
}

export type Services = ReturnType<typeof createServices>
