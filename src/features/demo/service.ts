import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import * as repo from '../directory/repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import type { AgencyType, Role } from '../../domain/directory'
import { hashPassword } from '../auth/passwords'
import { newTotpSecret } from '../auth/totp'
import { change } from '../../shared/change'
import { addDemoInspection } from '../inspections/demo'
import { addDemoCaseTracking } from './caseTracking'
import { queueNotifications, type NotificationInput } from '../notifications/queue'
import type { FileStore, StoredFile } from '../../storage'

export const DEMO_PARTNERSHIP = 'Anytown Safeguarding Children Partnership'

interface DemoAgency {
  key: string
  name: string
  type: AgencyType
  statutory: boolean
}

const AGENCIES: DemoAgency[] = [
  { key: 'la', name: 'Anytown Council Children’s Services', type: 'la-childrens-services', statutory: true },
  { key: 'police', name: 'Anytown Constabulary', type: 'police', statutory: true },
  { key: 'icb', name: 'Anytown Integrated Care Board', type: 'health-icb', statutory: true },
  { key: 'trust', name: 'Anytown Hospitals NHS Trust', type: 'health-provider', statutory: false },
  { key: 'education', name: 'Anytown Schools and Early Years', type: 'education', statutory: false },
  { key: 'yjs', name: 'Anytown Youth Justice Service', type: 'youth-justice', statutory: false },
  { key: 'probation', name: 'Anytown Probation Delivery Unit', type: 'probation', statutory: false },
  { key: 'voluntary', name: 'Anytown Family Support (charity)', type: 'voluntary', statutory: false },
  { key: 'other', name: 'Anytown Housing', type: 'other', statutory: false },
]

interface DemoPerson {
  name: string
  email: string
  jobTitle: string
  agency: string | null
  roles: Role[]
  approverFor?: string
  /** Ofcom's numbers for drama (01632 960xxx, 07700 900xxx): fictional, and never anyone's. */
  phone?: string
}

// Clearly fictional people at the reserved .example domain.
const PEOPLE: DemoPerson[] = [
  {
    name: 'Alex Admin',
    email: 'admin@anytown.example',
    phone: '01632 960 001',
    jobTitle: 'Partnership business manager',
    agency: null,
    roles: ['administrator'],
  },
  {
    name: 'Casey Coordinator',
    email: 'coordinator@anytown.example',
    phone: '01632 960 002',
    jobTitle: 'Inspection manager',
    agency: 'la',
    roles: ['inspection-coordinator'],
  },
  {
    name: 'Dana Director',
    email: 'dcs@anytown.example',
    phone: '01632 960 003',
    jobTitle: 'Director of Children’s Services',
    agency: 'la',
    roles: ['senior-approver'],
    approverFor: 'la',
  },
  {
    name: 'Lee Lead',
    email: 'la.lead@anytown.example',
    phone: '07700 900 004',
    jobTitle: 'Head of Safeguarding',
    agency: 'la',
    roles: ['agency-lead'],
  },
  {
    name: 'Pat Police',
    email: 'police.lead@anytown.example',
    phone: '07700 900 005',
    jobTitle: 'Detective Chief Inspector, Public Protection',
    agency: 'police',
    roles: ['agency-lead'],
  },
  {
    name: 'Morgan Constable',
    email: 'acc@anytown.example',
    phone: '01632 960 006',
    jobTitle: 'Assistant Chief Constable',
    agency: 'police',
    roles: ['senior-approver'],
    approverFor: 'police',
  },
  {
    name: 'Harper Health',
    email: 'icb.lead@anytown.example',
    phone: '07700 900 007',
    jobTitle: 'Designated Nurse for Safeguarding Children',
    agency: 'icb',
    roles: ['agency-lead'],
  },
  {
    name: 'Nico Nursing',
    email: 'nursing@anytown.example',
    phone: '01632 960 008',
    jobTitle: 'ICB Director of Nursing',
    agency: 'icb',
    roles: ['senior-approver'],
    approverFor: 'icb',
  },
  {
    name: 'Taylor Trust',
    email: 'trust.lead@anytown.example',
    jobTitle: 'Named Nurse',
    agency: 'trust',
    roles: ['agency-lead', 'contributor'],
  },
  {
    name: 'Eden Education',
    email: 'education.lead@anytown.example',
    jobTitle: 'Education Safeguarding Lead',
    agency: 'education',
    roles: ['agency-lead'],
  },
  {
    name: 'Jordan Justice',
    email: 'yjs.lead@anytown.example',
    jobTitle: 'Youth Justice Service Manager',
    agency: 'yjs',
    roles: ['agency-lead'],
  },
  {
    name: 'Parker Probation',
    email: 'probation.lead@anytown.example',
    jobTitle: 'Head of Probation Delivery Unit',
    agency: 'probation',
    roles: ['agency-lead'],
  },
  {
    name: 'Val Voluntary',
    email: 'voluntary@anytown.example',
    jobTitle: 'Family Support Manager',
    agency: 'voluntary',
    roles: ['contributor'],
  },
  {
    name: 'Olly Other',
    email: 'housing@anytown.example',
    jobTitle: 'Housing Safeguarding Officer',
    agency: 'other',
    roles: ['contributor'],
  },
  {
    name: 'Charlie Contributor',
    email: 'practitioner@anytown.example',
    jobTitle: 'Social Worker',
    agency: 'la',
    roles: ['contributor'],
  },
  {
    name: 'Iris Inspector',
    email: 'inspector@inspectorate.example',
    jobTitle: 'Lead inspector (demo)',
    agency: null,
    roles: ['inspector'],
  },
]

interface DemoDocument {
  agency: string
  /** The framework document it answers (the library refreshes title and wording from the frameworks). */
  documentId: string
  title: string
  reviewIntervalMonths: number
  filename: string
  text: string
  uploadedBy: string
  /** Approved by (an email): waiting for sign-off. Otherwise waiting for approval. */
  approvedBy?: string
}

// Documents the police have uploaded: two wait for their senior approver (Morgan Constable), so the
// approvals list has something in it at once, and one waits for the business unit's sign-off.
const DOCUMENTS: DemoDocument[] = [
  {
    agency: 'police',
    documentId: 'police-self-evaluation',
    title: 'Self-evaluation',
    reviewIntervalMonths: 6,
    filename: 'Police self-evaluation (demo).txt',
    text: 'Anytown Constabulary self-evaluation (fictional demo document).\n',
    uploadedBy: 'police.lead@anytown.example',
  },
  {
    agency: 'police',
    documentId: 'police-structure-chart',
    title: 'Structure chart',
    reviewIntervalMonths: 6,
    filename: 'Police structure chart (demo).txt',
    text: 'Anytown Constabulary public protection structure chart (fictional demo document).\n',
    uploadedBy: 'police.lead@anytown.example',
  },
  {
    agency: 'police',
    documentId: 'police-performance',
    title: 'Performance information',
    reviewIntervalMonths: 3,
    filename: 'Police performance (demo).txt',
    text: 'Anytown Constabulary performance information (fictional demo document).\n',
    uploadedBy: 'police.lead@anytown.example',
    approvedBy: 'acc@anytown.example',
  },
]

/**
 * A few unread notifications for each demo person, made as the app makes them (queueNotifications,
 * so the emails chosen 'at once' wait in the outbox too), each linking to a real demo page: the
 * practice inspection, the documents waiting for approval, the person a deputy covers for.
 */
async function addDemoNotifications(
  trx: Kysely<Database>,
  partnershipId: string,
  now: Date,
  requirementIds: readonly string[],
): Promise<void> {
  const inspection = await trx
    .selectFrom('inspections')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  const people = new Map<string, string>()
  for (const p of PEOPLE) {
    const found = await repo.findPersonByEmail(trx, p.email)
    if (found) people.set(p.email, found.id)
  }
  const id = (email: string) => people.get(email)!
  const timeline = inspection ? `/inspections/${inspection.id}` : '/inspections'
  const requirement = (i: number) => (requirementIds[i] ? `/evidence/requirements/${requirementIds[i]}` : '/evidence')
  const inputs: NotificationInput[] = []
  for (const p of PEOPLE) {
    inputs.push(
      p.roles.includes('inspector')
        ? {
            personId: id(p.email),
            kind: 'task-due',
            title: 'The practice inspection’s timeline is ready',
            body: 'Anytown’s practice inspection, on its day 5 today, has its milestones worked out in working days.',
            link: timeline,
          }
        : {
            personId: id(p.email),
            kind: 'task-due',
            title: 'Your tasks for the practice inspection',
            body: 'The practice inspection, on its day 5 today, has milestones for you or your agency. See what is due and when.',
            link: inspection ? `${timeline}/my-tasks` : timeline,
          },
    )
  }
  inputs.push(
    {
      personId: id('dcs@anytown.example'),
      kind: 'task-assigned',
      title: 'The multi-agency audit day is given to you',
      body: 'You are named for the multi-agency audit day of the practice inspection.',
      link: timeline,
    },
    {
      personId: id('la.lead@anytown.example'),
      kind: 'deputy-covering',
      title: 'You are covering for Dana Director',
      body: 'Dana Director is unavailable. Their tasks and approvals are yours until they are back.',
      link: `/people/${id('dcs@anytown.example')}`,
    },
    ...[0, 1].map((i): NotificationInput => ({
      personId: id('acc@anytown.example'),
      kind: 'approval-requested',
      title: `${DOCUMENTS[i]!.title} waits for your approval`,
      body: `Anytown Constabulary uploaded its ${DOCUMENTS[i]!.title.toLowerCase()}. It needs a senior approver’s approval.`,
      link: requirement(i),
    })),
    ...['admin@anytown.example', 'coordinator@anytown.example'].map((email): NotificationInput => ({
      personId: id(email),
      kind: 'approval-waiting',
      title: `${DOCUMENTS[2]!.title} waits for sign-off`,
      body: 'Anytown Constabulary’s senior approver approved it. The business unit signs it off.',
      link: requirement(2),
    })),
  )
  await queueNotifications(trx, partnershipId, now, inputs)
}

export interface DemoCredential {
  name: string
  email: string
  roles: Role[]
  password: string
  totpSecret: string
}

export interface DemoServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** Where the demo evidence documents are stored; without one the demo has no evidence documents. */
  files?: FileStore
}

export function createDemoService({ db, clock, files }: DemoServiceDeps) {
  return {
    /**
     * Loads the fictional Anytown partnership, or refreshes its demo credentials if it is already
     * there. Returns each demo person's sign-in details (demo data only).
     */
    async load(): Promise<{ created: boolean; credentials: DemoCredential[] }> {
      const existing = await db
        .selectFrom('partnerships')
        .select('id')
        .where('name', '=', DEMO_PARTNERSHIP)
        .executeTakeFirst()
      const credentials: (DemoCredential & { hash: string })[] = []
      for (const p of PEOPLE) {
        const password = `demo-${randomBytes(6).toString('hex')}`
        credentials.push({
          name: p.name,
          email: p.email,
          roles: p.roles,
          password,
          totpSecret: newTotpSecret(),
          hash: await hashPassword(password),
        })
      }
      const accessEndsOn = new Date(clock.now().getTime() + 90 * 86_400_000).toISOString().slice(0, 10)
      // File first, row second: the documents are stored before the transaction, and deleted again if it fails.
      const stored: StoredFile[] = []
      if (!existing && files)
        for (const d of DOCUMENTS)
          stored.push(await files.put(Readable.from([Buffer.from(d.text)]), { maxBytes: 1024 * 1024 }))
      try {
        await change(
          db,
          clock,
          (r: { partnershipId: string }) => ({ partnershipId: r.partnershipId, personId: null, name: 'Demo loader' }),
          async (trx, now) => {
            let partnershipId = existing?.id
            const created = !partnershipId
            if (!partnershipId) {
              partnershipId = (
                await trx
                  .insertInto('partnerships')
                  .values({ name: DEMO_PARTNERSHIP, created_at: now })
                  .returning('id')
                  .executeTakeFirstOrThrow()
              ).id
              const agencyIds = new Map<string, string>()
              for (const a of AGENCIES) {
                agencyIds.set(
                  a.key,
                  (
                    await repo.insertAgency(
                      trx,
                      partnershipId,
                      { name: a.name, type: a.type, isStatutory: a.statutory, seniorApproverId: null },
                      now,
                    )
                  ).id,
                )
              }
              for (const p of PEOPLE) {
                const agencyId = p.agency ? agencyIds.get(p.agency)! : null
                const person = await repo.insertPerson(
                  trx,
                  partnershipId,
                  {
                    name: p.name,
                    email: p.email,
                    jobTitle: p.jobTitle,
                    phone: p.phone ?? null,
                    agencyId,
                    roles: p.roles,
                    accessEndsOn: p.roles.includes('inspector') ? accessEndsOn : null,
                  },
                  now,
                )
                if (p.approverFor)
                  await trx
                    .updateTable('agencies')
                    .set({ senior_approver_id: person.id })
                    .where('id', '=', agencyIds.get(p.approverFor)!)
                    .execute()
              }
              const lead = await repo.findPersonByEmail(trx, 'la.lead@anytown.example')
              const dcs = await repo.findPersonByEmail(trx, 'dcs@anytown.example')
              await repo.setAvailability(trx, partnershipId, dcs!.id, false, lead!.id, now)
              // A practice inspection with the multi-agency audit day given to the Director by name.
              await addDemoInspection(trx, partnershipId, dcs!.id, now)
              // Its case tracking as on day 5: 24 children released, most returns in, 6 chosen for audit.
              const coordinator = await repo.findPersonByEmail(trx, 'coordinator@anytown.example')
              await addDemoCaseTracking(trx, partnershipId, coordinator!.id, now)
              const requirementIds: string[] = []
              for (const [i, file] of stored.entries()) {
                const d = DOCUMENTS[i]!
                const uploader = (await repo.findPersonByEmail(trx, d.uploadedBy))!.id
                const approver = d.approvedBy ? (await repo.findPersonByEmail(trx, d.approvedBy))!.id : null
                const requirement = await trx
                  .insertInto('evidence_requirements')
                  .values({
                    partnership_id: partnershipId,
                    agency_id: agencyIds.get(d.agency)!,
                    document_id: d.documentId,
                    title: d.title,
                    description: '',
                    review_interval_months: d.reviewIntervalMonths,
                    status: approver ? 'approved' : 'uploaded',
                    approved_by: approver,
                    approved_at: approver ? now : null,
                    created_at: now,
                    updated_at: now,
                  })
                  .returning('id')
                  .executeTakeFirstOrThrow()
                requirementIds.push(requirement.id)
                const version = await trx
                  .insertInto('evidence_versions')
                  .values({
                    partnership_id: partnershipId,
                    requirement_id: requirement.id,
                    version: 1,
                    file_key: file.key,
                    filename: d.filename,
                    mime: 'text/plain',
                    size: file.size,
                    sha256: file.sha256,
                    uploaded_by: uploader,
                    uploaded_at: now,
                    approved_by: approver,
                    approved_at: approver ? now : null,
                    approval_step_up_at: approver ? now : null,
                  })
                  .returning('id')
                  .executeTakeFirstOrThrow()
                await trx
                  .updateTable('evidence_requirements')
                  .set({ current_version_id: version.id })
                  .where('id', '=', requirement.id)
                  .execute()
              }
              await addDemoNotifications(trx, partnershipId, now, requirementIds)
            }
            for (const c of credentials) {
              const person = await repo.findPersonByEmail(trx, c.email)
              if (!person || person.partnership_id !== partnershipId)
                throw new Error(`The demo email ${c.email} is already used outside the demo partnership`)
              await repo.setPassword(trx, person.id, c.hash, now)
              await repo.setTotp(trx, person.id, c.totpSecret, true, now)
            }
            return {
              result: { partnershipId },
              audit: {
                action: created ? 'demo.loaded' : 'demo.credentials-refreshed',
                entityType: 'partnership',
                entityId: partnershipId,
                summary: created ? 'Loaded the Anytown demo partnership' : 'Refreshed the demo sign-in details',
                details: { people: PEOPLE.length, agencies: AGENCIES.length, documents: stored.length },
              },
            }
          },
        )
      } catch (error) {
        for (const file of stored) await files?.delete(file.key).catch(() => undefined)
        throw error
      }
      return { created: !existing, credentials: credentials.map(({ hash: _h, ...c }) => c) }
    },
  }
}
