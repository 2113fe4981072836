import type { Kysely } from 'kysely'
import type { Database } from '../db/schema'
import type { Clock } from '../domain/clock'
import { auditService } from './auditService'
import { authService } from './authService'
import { calendarService } from './calendarService'
import { demoService } from './demoService'
import { directoryService } from './directoryService'
import { frameworkService } from './frameworkService'
import { inspectionService } from './inspectionService'
import { setupService } from './setupService'

export interface ServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** The bundled frameworks folder; the repository's frameworks/ when omitted. */
  frameworksDirectory?: string
}

/** The composition root: every service, built from the database and the clock. */
export function createServices({ db, clock, frameworksDirectory }: ServiceDeps) {
  const frameworks = frameworkService(db, clock, frameworksDirectory ? { directory: frameworksDirectory } : {})
  const calendar = calendarService(db, clock)
  return {
    db,
    clock,
    audit: auditService(db),
    auth: authService(db, clock),
    demo: demoService(db, clock),
    directory: directoryService(db, clock),
    setup: setupService(db, clock),
    frameworks,
    calendar,
    inspections: inspectionService(db, clock, frameworks, calendar),
    partnerships: {
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
