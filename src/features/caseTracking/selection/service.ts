import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../../../db/schema'
import {
  DEFAULT_RETURN_HOURS,
  DEFAULT_WORKING_HOURS,
  returnDeadline,
  workingHoursProblem,
  type WorkingHours,
} from '../../../domain/caseTracking/deadline'
import { clockTime, formatDate, formatDateTime, londonDateOf, londonNow } from '../../../domain/calendar'
import type { Clock } from '../../../domain/clock'
import { frameworkSchema } from '../../../domain/frameworks/schema'
import { requireChildDataAccess, mayReadChildData } from '../../annexA/access'
import type { CalendarService } from '../../calendar/service'
import { listInspections, type InspectionRow } from '../../inspections/repository'
import { queueNotifications } from '../../notifications/queue'
import { change } from '../../../shared/change'
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors'
import { actorOf, type Scope } from '../../../shared/scope'
import type { FileStore, ScratchSpace } from '../../../storage'
import { readInspectorsList, type ListRow, type ReadList } from './listFile'
import * as repo from './repository'

/** What the selection needs of the inspection's framework (a snapshot kept with the inspection). */
const frameworkFacts = z.object({
  title: z.string(),
  agenciesInScope: frameworkSchema.shape.agenciesInScope,
  selection: frameworkSchema.shape.selection,
})
type FrameworkFacts = z.infer<typeof frameworkFacts>

/** The open inspection case tracking is about: the newest real one, else the newest practice one. */
export interface CurrentInspection {
  inspection: InspectionRow
  framework: FrameworkFacts
}

/** A checked upload waiting for the person to confirm it: its rows are in a scratch file, not in memory. */
interface PendingUpload {
  id: string
  partnershipId: string
  personId: string
  inspectionId: string
  fileName: string
  path: string
  remove(): Promise<void>
  at: number
}

/** An upload's findings against the selection as it is now. */
export interface UploadCheck {
  id: string
  fileName: string
  list: ReadList
  /** Rows that will be added, with whether each child is in the register. */
  toAdd: Array<ListRow & { inRegister: boolean }>
  /** Rows whose child is on an earlier row of the file. */
  duplicatesInFile: Array<{ row: number; childRef: string; firstRow: number }>
  /** Rows whose child is already selected. */
  alreadySelected: Array<{ row: number; childRef: string }>
  /** Rows to be added whose child ID is not in the child register. */
  notInRegister: Array<{ row: number; childRef: string }>
  /** How many children are selected already. */
  selectedBefore: number
}

/** Uploads kept waiting at once, across the service; the oldest goes first. */
const MAX_PENDING = 20
/** A check not confirmed within this long is forgotten. */
const PENDING_MS = 60 * 60_000

export interface CaseSelectionServiceDeps {
  db: Kysely<Database>
  clock: Clock
  files: FileStore
  scratch: ScratchSpace
  calendar: Pick<CalendarService, 'calendarFor'>
}

const key = (ref: string) => ref.trim().toLowerCase()

/**
 * The inspectors' selection of children for case tracking: adding children from the child register
 * or the inspectors' list, releasing the list to the agencies in scope with a deadline in working
 * hours, and recording the inspectors' choice for audit. Only the selection managers (administrators,
 * the inspection coordinator, and the leads of the local authority's children's services: the same
 * people as child-level Annex A data) see the children; every page that shows their identifiers is
 * recorded in the audit log, by the children's opaque ids.
 */
export function createCaseSelectionService({ db, clock, files, scratch, calendar }: CaseSelectionServiceDeps) {
  const pending = new Map<string, PendingUpload>()

  async function forget(id: string): Promise<void> {
    const upload = pending.get(id)
    if (!upload) return
    pending.delete(id)
    await upload.remove()
  }

  async function forgetStale(): Promise<void> {
    const now = Date.now()
    const byAge = [...pending.values()].sort((a, b) => a.at - b.at)
    for (const [i, upload] of byAge.entries())
      if (now - upload.at > PENDING_MS || byAge.length - i > MAX_PENDING) await forget(upload.id)
  }

  async function current(scope: Pick<Scope, 'partnershipId'>): Promise<CurrentInspection | null> {
    const open = (await listInspections(db, scope.partnershipId)).filter((i) => i.status === 'open')
    const inspection = open.find((i) => !i.practice) ?? open[0]
    if (!inspection) return null
    const parsed = frameworkFacts.safeParse(inspection.framework)
    if (!parsed.success) return null
    return { inspection, framework: parsed.data }
  }

  async function requireCurrent(scope: Scope): Promise<CurrentInspection> {
    const found = await current(scope)
    if (!found) throw new ConflictError('There is no open inspection. Start an inspection first.')
    return found
  }

  async function workingSettings(partnershipId: string): Promise<WorkingHours & { returnHours: number }> {
    const row = await repo.findSettings(db, partnershipId)
    return row
      ? { dayStarts: row.day_starts, dayEnds: row.day_ends, returnHours: row.return_hours }
      : { ...DEFAULT_WORKING_HOURS, returnHours: DEFAULT_RETURN_HOURS }
  }

  /** The deadline a release now would get. */
  async function defaultDeadline(partnershipId: string, at: Date): Promise<Date> {
    const settings = await workingSettings(partnershipId)
    return returnDeadline(at, settings.returnHours, settings, await calendar.calendarFor(partnershipId))
  }

  /** Records that a page showed these children's identifiers: how many and their opaque ids, never who. */
  async function recordRead(scope: Scope, inspectionId: string, page: string, childIds: string[]): Promise<void> {
    if (!childIds.length) return
    await change(db, clock, actorOf(scope), async () => ({
      result: undefined,
      audit: {
        action: 'case-selection.viewed',
        entityType: 'case-selection',
        entityId: inspectionId,
        summary: `Viewed the inspectors’ selection (${childIds.length} ${childIds.length === 1 ? 'child' : 'children'}, ${page})`,
        details: { page, children: childIds.length, childIds },
      },
    }))
  }

  /**
   * After release, children added later join the returns: a return already submitted is open again
   * (the agency answers the new children and submits again), and each in-scope agency's leads and
   * their deputies are told at once (no child's details), once per addition.
   */
  async function tellOfAddition(
    trx: Kysely<Database>,
    scope: Scope,
    found: CurrentInspection,
    selection: repo.SelectionRow | undefined,
    added: string[],
    now: Date,
  ): Promise<{ told: number; reopened: number }> {
    if (!selection?.released_at || !added.length) return { told: 0, reopened: 0 }
    const agencies = await repo.agenciesOfTypes(trx, scope.partnershipId, found.framework.agenciesInScope)
    await repo.insertReturns(
      trx,
      scope.partnershipId,
      found.inspection.id,
      agencies.map((a) => a.id),
    )
    const reopened = new Set(await repo.reopenSubmittedReturns(trx, scope.partnershipId, found.inspection.id))
    const recipients = await repo.returnRecipients(
      trx,
      scope.partnershipId,
      agencies.map((a) => a.id),
    )
    const n = added.length
    const queued = await queueNotifications(
      trx,
      scope.partnershipId,
      now,
      recipients.map((r) => ({
        personId: r.personId,
        kind: 'return-requested' as const,
        title: `The inspectors added ${n === 1 ? 'a child' : `${n} children`} to the list your agency answers for`,
        body:
          `Say whether your agency knows ${n === 1 ? 'them' : 'each of them'} on your agency’s return for the ${found.framework.title} inspection.` +
          (reopened.has(r.agencyId)
            ? ' Your agency’s return is open again: submit it again when you have answered.'
            : ''),
        link: '/case-tracking/return',
        dedupeKey: `return-requested:${found.inspection.id}:added:${added[0]!}`,
      })),
    )
    return { told: queued.length, reopened: reopened.size }
  }

  /** The upload's rows against the selection and the register as they are now. */
  async function compare(
    scope: Scope,
    upload: PendingUpload,
    list: ReadList,
    handle: Kysely<Database> = db,
  ): Promise<UploadCheck> {
    const selected = await repo.listSelectedChildren(handle, scope.partnershipId, upload.inspectionId)
    const already = new Set(selected.map((c) => key(c.child_ref)))
    const register = await repo.registerChildren(
      handle,
      scope.partnershipId,
      list.rows.map((r) => r.childRef),
    )
    const firstRow = new Map<string, number>()
    const check: UploadCheck = {
      id: upload.id,
      fileName: upload.fileName,
      list,
      toAdd: [],
      duplicatesInFile: [],
      alreadySelected: [],
      notInRegister: [],
      selectedBefore: selected.length,
    }
    for (const row of list.rows) {
      const k = key(row.childRef)
      const first = firstRow.get(k)
      if (first !== undefined) {
        check.duplicatesInFile.push({ row: row.row, childRef: row.childRef, firstRow: first })
        continue
      }
      firstRow.set(k, row.row)
      if (already.has(k)) {
        check.alreadySelected.push({ row: row.row, childRef: row.childRef })
        continue
      }
      const inRegister = register.has(k)
      if (!inRegister) check.notInRegister.push({ row: row.row, childRef: row.childRef })
      check.toAdd.push({ ...row, inRegister })
    }
    return check
  }

  async function pendingOf(scope: Scope, id: string | undefined): Promise<{ upload: PendingUpload; list: ReadList }> {
    await forgetStale()
    const upload = id ? pending.get(id) : undefined
    if (!upload || upload.partnershipId !== scope.partnershipId || upload.personId !== scope.personId)
      throw new NotFoundError('Upload')
    const list = JSON.parse(await readFile(join(upload.path, 'list.json'), 'utf8')) as ReadList
    return { upload, list }
  }

  return {
    /** The open inspection case tracking is about, or null. */
    current,

    /** Refuses anyone who may not manage the selection (a police lead passes the route table, not this). */
    requireAccess: (scope: Scope) => requireChildDataAccess(db, scope),

    /** Whether this person manages the selection (for the landing page; routes still call requireAccess). */
    managesSelection: (scope: Scope) => mayReadChildData(scope),

    /** The partnership's working hours and return hours (the defaults when it has not set its own). */
    async settings(scope: Scope) {
      await requireChildDataAccess(db, scope)
      return workingSettings(scope.partnershipId)
    },

    async saveSettings(scope: Scope, input: WorkingHours & { returnHours: number }): Promise<void> {
      await requireChildDataAccess(db, scope)
      const problem = workingHoursProblem(input)
      if (problem) throw new ValidationError({ dayEnds: problem })
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.saveSettings(trx, scope.partnershipId, input, scope.personId, now)
        return {
          result: undefined,
          audit: {
            action: 'case-tracking.settings-changed',
            entityType: 'case-selection',
            summary: `Set working hours for return deadlines: ${input.dayStarts} to ${input.dayEnds}, returns due in ${input.returnHours} working ${input.returnHours === 1 ? 'hour' : 'hours'}`,
            details: { ...input },
          },
        }
      })
    },

    /**
     * The selection of the open inspection, for the people who manage it: its children (the read is
     * recorded), whether and when it was released, and the deadline a release now would get.
     */
    async overview(scope: Scope) {
      await requireChildDataAccess(db, scope)
      const found = await current(scope)
      if (!found) return null
      const { inspection, framework } = found
      const [selection, children, agencies] = await Promise.all([
        repo.findSelection(db, scope.partnershipId, inspection.id),
        repo.listSelectedChildren(db, scope.partnershipId, inspection.id),
        repo.agenciesOfTypes(db, scope.partnershipId, framework.agenciesInScope),
      ])
      await recordRead(
        scope,
        inspection.id,
        'the selection',
        children.map((c) => c.id),
      )
      return {
        inspection,
        framework,
        selection: selection ?? null,
        children,
        agencies,
        chosen: children.filter((c) => c.chosen_for_audit).length,
      }
    },

    /** What an agency's person is told: whether the list is released to their agency, and by when. */
    async forAgency(scope: Scope) {
      const found = await current(scope)
      if (!found || !scope.agencyId) return { inspection: found?.inspection ?? null, inScope: false, selection: null }
      const agencies = await repo.agenciesOfTypes(db, scope.partnershipId, found.framework.agenciesInScope)
      const selection = await repo.findSelection(db, scope.partnershipId, found.inspection.id)
      return {
        inspection: found.inspection,
        inScope: agencies.some((a) => a.id === scope.agencyId),
        selection: selection ?? null,
      }
    },

    /**
     * Adds a child by their child ID. One not in the child register is still added, marked as not in
     * the register (the inspectors may know a child the lists do not). Answers whether it was.
     */
    async addChild(scope: Scope, childRef: string): Promise<{ inRegister: boolean; count: number }> {
      await requireChildDataAccess(db, scope)
      const found = await requireCurrent(scope)
      const { inspection } = found
      const ref = childRef.trim()
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const selected = await repo.listSelectedChildren(trx, scope.partnershipId, inspection.id)
        if (selected.some((c) => key(c.child_ref) === key(ref)))
          throw new ValidationError({ childRef: `Child ${ref} is already selected` })
        const register = (await repo.registerChildren(trx, scope.partnershipId, [ref])).get(key(ref))
        await repo.ensureSelection(trx, scope.partnershipId, inspection.id, now)
        const [id] = await repo.insertSelectedChildren(
          trx,
          scope.partnershipId,
          inspection.id,
          [
            {
              childRef: register?.childId ?? ref,
              name: null,
              dateOfBirth: register?.dob ?? null,
              nhsNumber: null,
              address: null,
              other: {},
              inRegister: register !== undefined,
              source: 'register',
            },
          ],
          scope.personId,
          now,
        )
        const selection = await repo.findSelection(trx, scope.partnershipId, inspection.id)
        const { told, reopened } = await tellOfAddition(trx, scope, found, selection, [id!], now)
        return {
          result: { inRegister: register !== undefined, count: selected.length + 1 },
          audit: {
            action: 'case-selection.child-added',
            entityType: 'case-selection',
            entityId: inspection.id,
            summary: register
              ? 'Added a child to the inspectors’ selection'
              : 'Added a child who is not in the child register to the inspectors’ selection',
            details: { childId: id!, inRegister: register !== undefined, told, returnsReopened: reopened },
          },
        }
      })
    },

    /** Takes a child off the selection; only before it is released to the agencies. */
    async removeChild(scope: Scope, id: string): Promise<{ count: number }> {
      await requireChildDataAccess(db, scope)
      const child = await repo.findSelectedChild(db, scope.partnershipId, id)
      if (!child) throw new NotFoundError('Child')
      const { inspection } = await requireCurrent(scope)
      if (child.inspection_id !== inspection.id)
        throw new ConflictError('This child was selected for an earlier inspection, not the open one.')
      return change(db, clock, actorOf(scope), async (trx) => {
        const selection = await repo.findSelection(trx, scope.partnershipId, inspection.id)
        if (selection?.released_at)
          throw new ConflictError(
            'The list has been released to the agencies, so a child can no longer be taken off it: the agencies may already have answered.',
          )
        await repo.deleteSelectedChild(trx, scope.partnershipId, id)
        const left = await repo.listSelectedChildren(trx, scope.partnershipId, inspection.id)
        return {
          result: { count: left.length },
          audit: {
            action: 'case-selection.child-removed',
            entityType: 'case-selection',
            entityId: inspection.id,
            summary: 'Took a child off the inspectors’ selection',
            details: { childId: id },
          },
        }
      })
    },

    /**
     * Reads an uploaded list (the stored upload is deleted once read) and keeps its rows in a scratch
     * file until the person confirms or cancels. Nothing is added to the selection. Answers the
     * check's id; the reading is recorded in the audit log (rows read, never who).
     */
    async checkUpload(scope: Scope, file: { key: string; filename: string }): Promise<string> {
      try {
        await requireChildDataAccess(db, scope)
        const { inspection } = await requireCurrent(scope)
        await forgetStale()
        const work = await scratch.folder('case-list')
        const id = randomUUID()
        try {
          const path = join(work.path, 'upload')
          await pipeline(await files.open(file.key), createWriteStream(path, { mode: 0o600 }))
          const list = await readInspectorsList(path, file.filename, londonDateOf(clock.now()))
          await writeFile(join(work.path, 'list.json'), JSON.stringify(list), { mode: 0o600 })
          pending.set(id, {
            id,
            partnershipId: scope.partnershipId,
            personId: scope.personId,
            inspectionId: inspection.id,
            fileName: file.filename,
            path: work.path,
            remove: () => work.remove(),
            at: Date.now(),
          })
          await change(db, clock, actorOf(scope), async () => ({
            result: undefined,
            audit: {
              action: 'case-selection.list-checked',
              entityType: 'case-selection',
              entityId: inspection.id,
              summary: list.refusal
                ? 'Checked a list of the inspectors’ children that could not be read'
                : `Checked a list of the inspectors’ children (${list.rows.length} rows read, ${list.unreadable.length} could not be read)`,
              details: { rows: list.rows.length, unreadable: list.unreadable.length, refused: list.refusal !== null },
            },
          }))
          return id
        } catch (error) {
          pending.delete(id)
          await work.remove()
          throw error
        }
      } finally {
        await files.delete(file.key)
      }
    },

    /** A checked upload's findings against the selection as it is now; showing them is a recorded read. */
    async uploadCheck(scope: Scope, id: string | undefined): Promise<UploadCheck> {
      await requireChildDataAccess(db, scope)
      const { upload, list } = await pendingOf(scope, id)
      const check = await compare(scope, upload, list)
      if (list.rows.length || list.unreadable.length)
        await change(db, clock, actorOf(scope), async () => ({
          result: undefined,
          audit: {
            action: 'case-selection.list-viewed',
            entityType: 'case-selection',
            entityId: upload.inspectionId,
            summary: `Viewed a checked list of the inspectors’ children (${list.rows.length + list.unreadable.length} rows)`,
            details: { rows: list.rows.length, unreadable: list.unreadable.length },
          },
        }))
      return check
    },

    /**
     * Adds the checked list's children, all in one transaction: every readable row whose child is not
     * already selected (the first of duplicates in the file), those not in the register marked so.
     */
    async confirmUpload(scope: Scope, id: string | undefined): Promise<{ added: number; count: number }> {
      await requireChildDataAccess(db, scope)
      const { upload, list } = await pendingOf(scope, id)
      const found = await requireCurrent(scope)
      if (found.inspection.id !== upload.inspectionId)
        throw new ConflictError('The open inspection has changed since the list was checked. Upload the list again.')
      if (list.refusal) throw new ConflictError(list.refusal)
      const result = await change(db, clock, actorOf(scope), async (trx, now) => {
        const check = await compare(scope, upload, list, trx)
        await repo.ensureSelection(trx, scope.partnershipId, upload.inspectionId, now)
        const ids = await repo.insertSelectedChildren(
          trx,
          scope.partnershipId,
          upload.inspectionId,
          check.toAdd.map((r) => ({
            childRef: r.childRef,
            name: r.name,
            dateOfBirth: r.dateOfBirth,
            nhsNumber: r.nhsNumber,
            address: r.address,
            other: r.other,
            inRegister: r.inRegister,
            source: 'upload' as const,
          })),
          scope.personId,
          now,
        )
        const count = (await repo.listSelectedChildren(trx, scope.partnershipId, upload.inspectionId)).length
        const selection = await repo.findSelection(trx, scope.partnershipId, upload.inspectionId)
        const { told, reopened } = await tellOfAddition(trx, scope, found, selection, ids, now)
        return {
          result: { added: ids.length, count },
          audit: {
            action: 'case-selection.list-added',
            entityType: 'case-selection',
            entityId: upload.inspectionId,
            summary: `Added ${ids.length} ${ids.length === 1 ? 'child' : 'children'} from the inspectors’ list`,
            details: {
              childIds: ids,
              notInRegister: check.notInRegister.length,
              duplicates: check.duplicatesInFile.length,
              alreadySelected: check.alreadySelected.length,
              unreadable: list.unreadable.length,
              told,
              returnsReopened: reopened,
            },
          },
        }
      })
      await forget(upload.id)
      return result
    },

    /** Forgets a checked upload without adding anything. */
    async discardUpload(scope: Scope, id: string | undefined): Promise<void> {
      await requireChildDataAccess(db, scope)
      const upload = id ? pending.get(id) : undefined
      if (upload && upload.partnershipId === scope.partnershipId && upload.personId === scope.personId)
        await forget(upload.id)
    },

    /** What the release page shows: how many children, the agencies asked, and the deadline a release now gets. */
    async releasePreview(scope: Scope) {
      await requireChildDataAccess(db, scope)
      const { inspection, framework } = await requireCurrent(scope)
      const [selection, children, agencies, settings] = await Promise.all([
        repo.findSelection(db, scope.partnershipId, inspection.id),
        repo.listSelectedChildren(db, scope.partnershipId, inspection.id),
        repo.agenciesOfTypes(db, scope.partnershipId, framework.agenciesInScope),
        workingSettings(scope.partnershipId),
      ])
      return {
        inspection,
        framework,
        selection: selection ?? null,
        count: children.length,
        agencies,
        settings,
        dueAt: await defaultDeadline(scope.partnershipId, clock.now()),
      }
    },

    /**
     * Releases the list to the agencies in scope with a deadline: opens each agency's return and tells
     * each agency's leads and their deputies at once (a critical notification, no child's details),
     * all in one transaction.
     */
    async release(scope: Scope, dueAt: Date): Promise<{ agencies: number; told: number }> {
      await requireChildDataAccess(db, scope)
      const { inspection, framework } = await requireCurrent(scope)
      if (dueAt.getTime() <= clock.now().getTime())
        throw new ValidationError({ dueDate: 'The deadline must be in the future' })
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const selection = await repo.findSelection(trx, scope.partnershipId, inspection.id)
        const children = await repo.listSelectedChildren(trx, scope.partnershipId, inspection.id)
        if (!selection || !children.length)
          throw new ConflictError('Add the inspectors’ children before releasing the list.')
        if (selection.released_at)
          throw new ConflictError(`The list was already released on ${formatDateTime(selection.released_at)}.`)
        const agencies = await repo.agenciesOfTypes(trx, scope.partnershipId, framework.agenciesInScope)
        if (!agencies.length)
          throw new ConflictError(
            'None of the partnership’s agencies is of a type this inspection covers, so there is nobody to release the list to. Add the agencies first.',
          )
        if (!(await repo.markReleased(trx, scope.partnershipId, inspection.id, scope.personId, dueAt, now)))
          throw new ConflictError('The list has just been released by someone else.')
        await repo.insertReturns(
          trx,
          scope.partnershipId,
          inspection.id,
          agencies.map((a) => a.id),
        )
        const recipients = await repo.returnRecipients(
          trx,
          scope.partnershipId,
          agencies.map((a) => a.id),
        )
        const names = new Map(agencies.map((a) => [a.id, a.name]))
        const due = londonNow(dueAt)
        const byWhen =
          due.date === londonDateOf(now) ? clockTime(due.time) : `${clockTime(due.time)} on ${formatDate(due.date)}`
        const n = children.length
        const queued = await queueNotifications(
          trx,
          scope.partnershipId,
          now,
          recipients.map((r) => ({
            personId: r.personId,
            kind: 'return-requested' as const,
            title: `Say which of the inspectors’ ${n} ${n === 1 ? 'child' : 'children'} your agency knows by ${byWhen}`,
            body: `The inspectors have selected ${n} ${n === 1 ? 'child' : 'children'} for the ${framework.title} inspection. Say for each whether ${names.get(r.agencyId) ?? 'your agency'} knows them, by ${formatDateTime(dueAt)}.`,
            link: '/case-tracking/return',
            dedupeKey: `return-requested:${inspection.id}:release`,
          })),
        )
        return {
          result: { agencies: agencies.length, told: queued.length },
          audit: {
            action: 'case-selection.released',
            entityType: 'case-selection',
            entityId: inspection.id,
            summary: `Released the inspectors’ ${n} ${n === 1 ? 'child' : 'children'} to ${agencies.length} ${agencies.length === 1 ? 'agency' : 'agencies'}, due ${formatDateTime(dueAt)}`,
            details: {
              children: n,
              agencies: agencies.map((a) => a.id),
              dueAt: dueAt.toISOString(),
              told: queued.length,
            },
          },
        }
      })
    },

    /**
     * The audit choice page: the selected children (a recorded read), which are chosen, and for each
     * the agencies that answered that they know them.
     */
    async auditChoice(scope: Scope) {
      await requireChildDataAccess(db, scope)
      const { inspection, framework } = await requireCurrent(scope)
      const [selection, children, knowing] = await Promise.all([
        repo.findSelection(db, scope.partnershipId, inspection.id),
        repo.listSelectedChildren(db, scope.partnershipId, inspection.id),
        repo.agenciesKnowing(db, scope.partnershipId, inspection.id),
      ])
      await recordRead(
        scope,
        inspection.id,
        'the choice for audit',
        children.map((c) => c.id),
      )
      return {
        inspection,
        framework,
        selection: selection ?? null,
        children: children.map((c) => ({ ...c, knownBy: knowing.get(c.id) ?? [] })),
      }
    },

    /** Records the inspectors' choice of children for multi-agency audit (exactly those given), and when. */
    async chooseForAudit(scope: Scope, childIds: readonly string[]): Promise<{ chosen: number }> {
      await requireChildDataAccess(db, scope)
      const { inspection } = await requireCurrent(scope)
      return change(db, clock, actorOf(scope), async (trx, now) => {
        const selection = await repo.findSelection(trx, scope.partnershipId, inspection.id)
        if (!selection?.released_at)
          throw new ConflictError('Release the list to the agencies before recording the choice for audit.')
        const children = await repo.listSelectedChildren(trx, scope.partnershipId, inspection.id)
        const ids = new Set(children.map((c) => c.id))
        const chosen = [...new Set(childIds)]
        if (chosen.some((id) => !ids.has(id)))
          throw new ValidationError({ children: 'Choose from the children on the list. Reload the page and try again' })
        await repo.setAuditChoice(trx, scope.partnershipId, inspection.id, chosen, scope.personId, now)
        return {
          result: { chosen: chosen.length },
          audit: {
            action: 'case-selection.audit-chosen',
            entityType: 'case-selection',
            entityId: inspection.id,
            summary: `Recorded the inspectors’ choice of ${chosen.length} ${chosen.length === 1 ? 'child' : 'children'} for multi-agency audit`,
            details: { childIds: chosen },
          },
        }
      })
    },
  }
}
