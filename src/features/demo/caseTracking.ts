import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { londonNow, WorkingDayCalendar } from '../../domain/calendar'
import { DEFAULT_RETURN_HOURS, DEFAULT_WORKING_HOURS, returnDeadline } from '../../domain/caseTracking/deadline'
import type { AgencyType } from '../../domain/directory'
import { londonTimeToUtc } from '../../domain/ics'

/** Obviously fictional children: first names with a surname that says so, at the demo's own IDs. */
const CHILDREN = [
  'Ada Example',
  'Ben Sample',
  'Cleo Specimen',
  'Dev Example',
  'Esme Sample',
  'Finn Specimen',
  'Gia Example',
  'Hal Sample',
  'Ivy Specimen',
  'Jay Example',
  'Kit Sample',
  'Lola Specimen',
  'Max Example',
  'Nia Sample',
  'Oscar Specimen',
  'Pia Example',
  'Quinn Sample',
  'Rae Specimen',
  'Sol Example',
  'Tia Sample',
  'Uma Specimen',
  'Vic Example',
  'Wren Sample',
  'Zac Specimen',
] as const

/** The six the inspectors chose for multi-agency audit (positions on the list). */
const CHOSEN_FOR_AUDIT = [2, 5, 9, 14, 18, 23]

/**
 * How each agency in scope answered: `onTime` submitted before the deadline, `late` answered and
 * submitted after it, `notStarted` has not answered at all. `knows` says which children (by
 * position) it knows; `checking` which it is still checking.
 */
const RETURNS: Partial<
  Record<AgencyType, { state: 'onTime' | 'late' | 'notStarted'; knows: (p: number) => boolean; checking?: number[] }>
> = {
  'la-childrens-services': { state: 'onTime', knows: () => true },
  police: { state: 'onTime', knows: (p) => p % 2 === 0 || CHOSEN_FOR_AUDIT.includes(p) },
  'health-icb': { state: 'late', knows: (p) => p % 3 === 0 || CHOSEN_FOR_AUDIT.includes(p) },
  'health-provider': { state: 'onTime', knows: (p) => p % 4 === 1 || CHOSEN_FOR_AUDIT.includes(p), checking: [7, 20] },
  education: { state: 'notStarted', knows: () => false },
}

const PRACTITIONERS = ['Sam Worker', 'Jo Keyworker', 'Robin Nurse', 'Ash Officer', 'Kim Teacher']
const INVOLVEMENT = ['open', 'closed-recently', 'earlier'] as const

/**
 * The demo's case tracking (issue 12), on its practice inspection, as it stands on day 5: the
 * inspectors' 24 children were selected and released to the agencies in scope at 10:00 on day 4 with
 * the default deadline; most agencies returned on time, the ICB answered and submitted late, and
 * Education has not started; this morning the inspectors chose six children for audit. Written
 * inside the demo loader's transaction (its audit event covers it), with the coordinator as the
 * person who released the list and recorded the choice and each agency's lead as its answerer.
 */
export async function addDemoCaseTracking(
  db: Kysely<Database>,
  partnershipId: string,
  coordinatorId: string,
  now: Date,
): Promise<void> {
  const inspection = await db
    .selectFrom('inspections')
    .select(['id', 'notified_on', 'framework'])
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'open')
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  if (!inspection) return
  const framework = inspection.framework as { agenciesInScope?: AgencyType[] }
  const inScope = new Set(framework.agenciesInScope ?? [])
  const calendar = WorkingDayCalendar.bundled()
  const day4 = calendar.dateOfInspectionDay(inspection.notified_on, 4)
  const day5 = calendar.dateOfInspectionDay(inspection.notified_on, 5)
  const releasedAt = londonTimeToUtc(day4, '10:00')
  // Only a demo loaded before day 4's release (not the case once day 5 is today) has nothing to show.
  if (releasedAt.getTime() > now.getTime()) return
  const dueAt = returnDeadline(releasedAt, DEFAULT_RETURN_HOURS, DEFAULT_WORKING_HOURS, calendar)
  const at = (minutesAfterRelease: number) => new Date(releasedAt.getTime() + minutesAfterRelease * 60_000)
  const chosenAt = new Date(Math.min(now.getTime(), londonTimeToUtc(day5, '11:00').getTime()))

  await db
    .insertInto('case_selections')
    .values({
      inspection_id: inspection.id,
      partnership_id: partnershipId,
      released_at: releasedAt,
      released_by: coordinatorId,
      due_at: dueAt,
      audit_chosen_at: chosenAt,
      audit_chosen_by: coordinatorId,
      updated_at: chosenAt,
    })
    .execute()
  const children = await db
    .insertInto('selected_children')
    .values(
      CHILDREN.map((name, i) => ({
        partnership_id: partnershipId,
        inspection_id: inspection.id,
        position: i + 1,
        child_ref: `DEMO-${String(1001 + i)}`,
        name,
        date_of_birth: `${String(2008 + (i % 8))}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
        nhs_number: null,
        address: `${String(i + 1)} Example Street, Anytown`,
        in_register: false,
        source: 'upload',
        chosen_for_audit: CHOSEN_FOR_AUDIT.includes(i + 1),
        added_by: coordinatorId,
        added_at: at(-30),
      })),
    )
    .returning(['id', 'position'])
    .execute()

  const agencies = await db
    .selectFrom('agencies')
    .select(['id', 'type'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('name')
    .execute()
  const leads = await db
    .selectFrom('people')
    .innerJoin('person_roles', 'person_roles.person_id', 'people.id')
    .select(['people.id', 'people.agency_id'])
    .where('people.partnership_id', '=', partnershipId)
    .where('person_roles.role', '=', 'agency-lead')
    .execute()
  const lastContact = londonNow(at(-7 * 24 * 60)).date
  for (const agency of agencies.filter((a) => inScope.has(a.type))) {
    const plan = RETURNS[agency.type] ?? { state: 'notStarted' as const, knows: () => false }
    const lead = leads.find((l) => l.agency_id === agency.id)?.id ?? null
    const late = plan.state === 'late'
    // On time: answered in the first hour and a half; late: from an hour after the deadline.
    const answeredAt = (i: number) => (late ? new Date(dueAt.getTime() + (60 + i * 3) * 60_000) : at(15 + i * 3))
    const answers =
      plan.state === 'notStarted'
        ? []
        : children.map((child, i) => {
            const checking = plan.checking?.includes(child.position) ?? false
            const yes = !checking && plan.knows(child.position)
            return {
              partnership_id: partnershipId,
              inspection_id: inspection.id,
              selected_child_id: child.id,
              agency_id: agency.id,
              known: checking ? ('checking' as const) : yes ? ('yes' as const) : ('no' as const),
              involvement: yes ? INVOLVEMENT[child.position % 3]! : null,
              lead_practitioner: yes ? PRACTITIONERS[child.position % PRACTITIONERS.length]! : null,
              team: yes ? 'Demo team' : null,
              last_contact_on: yes ? lastContact : null,
              note: null,
              framework_answers: JSON.stringify({}),
              version: 1,
              late,
              updated_by: lead,
              updated_at: answeredAt(i),
            }
          })
    if (answers.length) await db.insertInto('return_answers').values(answers).execute()
    const submittedAt = answers.length ? new Date(answeredAt(children.length).getTime() + 5 * 60_000) : null
    await db
      .insertInto('agency_returns')
      .values({
        partnership_id: partnershipId,
        inspection_id: inspection.id,
        agency_id: agency.id,
        submitted_at: submittedAt,
        submitted_by: submittedAt ? lead : null,
        late,
      })
      .execute()
  }
}
