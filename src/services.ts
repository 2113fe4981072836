import type { Kysely } from 'kysely'
import type { Database } from './db/schema'
import type { Clock } from './domain/clock'
import { checkDatabase } from './db/database'
import { createAnnexAService, type Validator } from './features/annexA'
import { createAuditService } from './features/audit'
import { createAuthService, createSetupService } from './features/auth'
import { createCalendarService } from './features/calendar'
import { createDemoService } from './features/demo'
import { createDirectoryService } from './features/directory'
import { createEvidenceService } from './features/evidence'
import { createFrameworkService } from './features/frameworks'
import { createInspectionService } from './features/inspections'
import { createCaseAuditService } from './features/caseAudit'
import { createNotificationService } from './features/notifications'
import { createChildRegisterService } from './features/register'
import { createCaseReturnsService } from './features/caseTracking/returns/service'
import { createCaseSelectionService } from './features/caseTracking'
import { createReminderService } from './features/notifications/reminders/service'
import type { FileStore, ScratchSpace } from './storage'

/** Annex A checks running at once: each worker can hold a large file's rows (see bench:annex-a). */
const MAX_CONCURRENT_ANNEX_A_CHECKS = 2

/** What every service is built from. Nothing is optional: main.ts, the CLI and tests each say what they use. */
export interface ServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** Where uploaded files live (DATA_DIR/files in the app; a test's own temporary folder). */
  files: FileStore
  /** Working files of one piece of work (DATA_DIR/scratch in the app), cleared at start-up. */
  scratch: ScratchSpace
  /** The bundled frameworks folder (the repository's frameworks/, from bundledFrameworksDirectory()). */
  frameworksDirectory: string
  /** Failed sign-ins allowed from one IP address in 15 minutes (SIGN_IN_IP_LIMIT). */
  signInIpLimit: number
  /**
   * Checks an Annex A file: validateInWorker (a worker thread, off the web server's event loop) in
   * the app; route tests may check in-process (validateInProcess), the worker having its own tests.
   */
  annexAValidator: Validator
}

/** The composition root: each service built once, from explicit dependencies, in dependency order. */
export function createServices({
  db,
  clock,
  files,
  scratch,
  frameworksDirectory,
  signInIpLimit,
  annexAValidator,
}: ServiceDeps) {
  const auth = createAuthService({ db, clock, signInIpLimit })
  const frameworks = createFrameworkService({ db, clock, directory: frameworksDirectory })
  const calendar = createCalendarService({ db, clock })
  const inspections = createInspectionService({ db, clock, frameworks, calendar })
  return {
    clock,
    files,
    auth,
    setup: createSetupService({ db, clock }),
    demo: createDemoService({ db, clock, files }),
    audit: createAuditService({ db }),
    directory: createDirectoryService({ db, clock }),
    frameworks,
    calendar,
    inspections,
    evidence: createEvidenceService({
      db,
      clock,
      files,
      frameworks: async (scope) => (await frameworks.list(scope)).map((f) => f.framework),
      checkCode: (personId, code, ip) => auth.checkCode(personId, code, ip),
    }),
    annexA: createAnnexAService({
      db,
      clock,
      files,
      frameworks,
      validator: annexAValidator,
      scratch,
      maxConcurrentChecks: MAX_CONCURRENT_ANNEX_A_CHECKS,
    }),
    register: createChildRegisterService({ db, clock, frameworks }),
    caseSelection: createCaseSelectionService({ db, clock, files, scratch, calendar }),
    caseReturns: createCaseReturnsService({ db, clock }),
    caseAudit: createCaseAuditService({
      db,
      clock,
      milestoneDate: async (scope, inspectionId, milestoneId) => {
        try {
          const t = await inspections.timeline(scope, inspectionId)
          return t.milestones.find((m) => m.id === milestoneId)?.date ?? null
        } catch {
          return null
        }
      },
      checkCode: (personId, code, ip) => auth.checkCode(personId, code, ip),
    }),
    notifications: createNotificationService({ db, clock }),
    reminders: createReminderService({ db, clock, inspections, calendar }),
    /** For /health: the database answers. */
    health: () => checkDatabase(db),
  }
}

export type Services = ReturnType<typeof createServices>
