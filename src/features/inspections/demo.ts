import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { addDays, dayOfWeek, londonDateOf, WorkingDayCalendar } from '../../domain/calendar'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../frameworks/loadDirectory'
import { insertInspection, setAssignment } from './repository'

/**
 * The demo's practice inspection of the front door, notified on this week's first working day at
 * 09:30, with the multi-agency audit day given to a named person (`givenTo`), so a newcomer sees the
 * timeline, My tasks and "Given to …" at once. Written inside the demo loader's transaction.
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
  const today = londonDateOf(now)
  const monday = addDays(today, -((dayOfWeek(today) + 6) % 7))
  const inspection = await insertInspection(
    db,
    partnershipId,
    {
      frameworkId: framework.id,
      framework,
      frameworkVersionId: null,
      notifiedOn: WorkingDayCalendar.bundled().workingDayOnOrAfter(monday),
      notifiedTime: '09:30',
      practice: true,
      createdBy: null,
    },
    now,
  )
  await setAssignment(db, partnershipId, inspection.id, 'audit-day', givenTo, null, now)
}
