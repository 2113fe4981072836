import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { londonDateOf, WorkingDayCalendar } from '../../domain/calendar'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../frameworks/loadDirectory'
import { insertInspection, setAssignment } from './repository'

/**
 * The demo's practice inspection of the front door, notified at 09:30 four working days before today
 * (before the last working day, at a weekend or on a holiday), so today is its day 5: the inspectors
 * have selected their children and the agencies have made their returns (the demo's case tracking),
 * and the children for audit are chosen today. The multi-agency audit day is given to a named person
 * (`givenTo`), so a newcomer sees the timeline, My tasks and "Given to …" at once. Written inside the
 * demo loader's transaction.
 */
export async function addDemoInspection(
  db: Kysely<Database>,
  partnershipId: string,
  givenTo: string,
  now: Date,
): Promise<void> {
  const { frameworks } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
  const framework = frameworks.find((f) => f.id === 'front-door')
  if (!framework) return
  const calendar = WorkingDayCalendar.bundled()
  const today = londonDateOf(now)
  const day5 = calendar.isWorkingDay(today) ? today : calendar.previousWorkingDay(today)
  const inspection = await insertInspection(
    db,
    partnershipId,
    {
      frameworkId: framework.id,
      framework,
      frameworkVersionId: null,
      notifiedOn: calendar.addWorkingDays(day5, -4),
      notifiedTime: '09:30',
      practice: true,
      createdBy: null,
    },
    now,
  )
  await setAssignment(db, partnershipId, inspection.id, 'audit-day', givenTo, null, now)
}
