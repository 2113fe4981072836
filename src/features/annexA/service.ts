import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Kysely } from 'kysely'
import { acceptedChildren as loadAcceptedChildren } from './acceptedChildren'
import * as repo from './repository'
import * as inspectionRepo from '../inspections/repository'
import type { Database, QueryReason } from '../../db/schema'
import {
  buildListLibrary,
  RULES,
  type AnnexASpecFile,
  type AnnexAValidationResult,
  type ListLibrary,
  type ListSpec,
  type NormalisedRow,
  type Problem,
  type ValidationProgress,
} from '../../domain/annexA'
import {
  ilacsLibrary,
  loadExtraHeaderAliases,
  specVersionFor,
  writeOfstedWorkbook,
  writeProblemReport,
  type ValidateOptions,
} from './files'
import { findRow, readAllRows } from './files/rowsFile'
import type { Clock } from '../../domain/clock'
import { annexARequestSchema, type AnnexARequest } from '../../domain/frameworks/schema'
import { annexASpecFileSchema } from '../../domain/annexA/specSchema'
import { z } from 'zod'
import type { FileStore } from '../../storage/fileStore'
import type { ScratchSpace } from '../../storage/scratch'
import { requireChildDataAccess } from './access'
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors'
import type { FrameworkService } from '../frameworks/service'
import { actorOf, type Actor, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'
import type { AuditInput } from '../../db/auditLog'
import { londonDateOf } from '../../domain/calendar'

export interface ValidationJob {
  id: string
  partnershipId: string
  /** Set once the file's import is recorded (straight away for a re-validation). */
  importId: string | null
  /** 'queued' while other checks use every worker (see maxConcurrentChecks). */
  state: 'queued' | 'running' | 'done'
  /** While queued: how many checks will start before this one. */
  ahead: number
  rowsRead: number
  list: string | null
  /** 0–100, how much of the file has been read; null until known. */
  percent: number | null
  fileName: string
  startedAt: Date
  /**
   * Why the file was refused (it could not be read: a damaged zip, macros, a password…), or why the
   * check failed. Kept in memory only: a refused file leaves no import row and no stored file.
   */
  refusal: string | null
}

export interface UploadInput {
  file: { key: string; sha256: string; filename: string; size?: number }
  notifiedOn: string
  inspectionId: string | null
}

export interface MappingChoice {
  columnId: string
  spelling: string
  code: string
}

/**
 * Checks a file (validateInWorker in the app), writing its rows for the register to `rowsPath`
 * (writeRowsFile): the result's `rows` is empty, so a large list's rows are not held in memory.
 */
export type Validator = (
  filePath: string,
  options: ValidateOptions,
  onProgress: (p: ValidationProgress) => void,
  rowsPath: string,
) => Promise<AnnexAValidationResult>

/** A check's findings, kept in memory, and its rows, kept in a scratch folder until the findings go. */
interface Checked {
  result: AnnexAValidationResult
  rowsPath: string
  remove(): Promise<void>
}

const RESULTS_KEPT = 4

/** Shown when the check itself failed (not the file's fault); nothing from the file is kept. */
export const CHECK_FAILED =
  'The file could not be checked because something went wrong on our side. Nothing from it has been kept. Upload it again; if this happens again, contact your administrator.'
const JOBS_KEPT_MS = 6 * 3_600_000

/** Errors and queries across the whole file, file-level problems included. */
export function countsOf(result: AnnexAValidationResult): { rowsRead: number; errors: number; queries: number } {
  let errors = 0
  let queries = 0
  for (const p of result.problems) {
    if (p.severity === 'error') errors++
    else queries++
  }
  return { rowsRead: result.lists.reduce((n, l) => n + l.rowsRead, 0), errors, queries }
}

/** The accept form's field for one rule's reason: "reason-period-outside" for period.outside. */
export function queryReasonField(rule: string): string {
  return `reason-${rule.replace(/[^a-z0-9]+/gi, '-')}`
}

/** The ILACS list library a notification date calls for (no theme lists). */
export function libraryFor(notifiedOn: string): ListLibrary {
  return ilacsLibrary(specVersionFor(notifiedOn))
}

/**
 * ILACS plus theme lists (each framework's `annexAThemeLists`). A theme file that cannot be built
 * (e.g. it names a code list that does not exist) is left out rather than stopping every import;
 * the rest of the library still works.
 */
export function libraryWithThemes(notifiedOn: string, themeFiles: AnnexASpecFile[]): ListLibrary {
  let library = libraryFor(notifiedOn)
  for (const file of themeFiles) {
    try {
      library = buildListLibrary(library, [file], loadExtraHeaderAliases())
    } catch {
      // Left out: the framework's own validation reports what it can; the ILACS lists still validate.
    }
  }
  return library
}

/** Where theme lists come from: the partnership's frameworks, or one inspection's framework snapshot. */
export interface ThemeListSource {
  (scope: Scope, inspectionId: string | null): Promise<AnnexASpecFile[]>
}

/**
 * The library for lists already accepted (the register, the Ofsted workbook): ILACS, the theme lists
 * of every framework the partnership has, and those of the latest accepted import's inspection snapshot.
 */
export async function acceptedListsLibrary(
  themes: ThemeListSource,
  scope: Scope,
  latest: { notified_on: string; inspection_id: string | null } | undefined,
  today: string,
): Promise<ListLibrary> {
  const [all, snapshot] = await Promise.all([
    themes(scope, null),
    latest?.inspection_id ? themes(scope, latest.inspection_id) : Promise.resolve([]),
  ])
  return libraryWithThemes(latest?.notified_on ?? today, [...all, ...snapshot])
}

/**
 * Theme lists for a partnership. For an import tied to an inspection, the theme lists of the
 * framework snapshot that inspection began with (so a later upload does not change it); otherwise
 * those of every framework the partnership has (bundled or uploaded).
 */
export function themeListSource(db: Kysely<Database>, frameworks: Pick<FrameworkService, 'list'>): ThemeListSource {
  return async (scope, inspectionId) => {
    if (inspectionId) {
      const inspection = await inspectionRepo.findInspection(db, scope.partnershipId, inspectionId)
      if (inspection) return snapshotPart(inspection.framework, 'annexAThemeLists', themeListsSchema) ?? []
    }
    return (await frameworks.list(scope)).flatMap((f) => f.framework.annexAThemeLists ?? [])
  }
}

const themeListsSchema = z.array(annexASpecFileSchema)

/**
 * One part of an inspection's framework snapshot, read on its own: a snapshot taken before a later change to
 * another part of the framework format (the timeline, say) still gives its Annex A parts. Undefined when
 * the part is absent or not in the expected shape.
 */
function snapshotPart<T>(framework: unknown, key: string, schema: z.ZodType<T>): T | undefined {
  if (typeof framework !== 'object' || framework === null) return undefined
  const parsed = schema.safeParse((framework as Record<string, unknown>)[key])
  return parsed.success ? parsed.data : undefined
}

/** What an inspection's framework asks of Annex A, with the framework's title; null for ILACS behaviour. */
export interface InspectionRequest extends AnnexARequest {
  inspectionId: string
  frameworkTitle: string
  /** The milestone's title in the snapshot's timeline, when it has one. */
  milestoneTitle: string | null
}

/**
 * The Annex A lists an inspection asks for, from the framework snapshot it began with; null without an
 * inspection, or when its framework says nothing about Annex A (then ILACS lists 1–11 are expected).
 */
export async function inspectionRequest(
  db: Kysely<Database>,
  partnershipId: string,
  inspectionId: string | null,
): Promise<InspectionRequest | null> {
  if (!inspectionId) return null
  const inspection = await inspectionRepo.findInspection(db, partnershipId, inspectionId)
  if (!inspection) return null
  const request = snapshotPart(inspection.framework, 'annexA', annexARequestSchema)
  if (!request) return null
  const title = snapshotPart(inspection.framework, 'title', z.string()) ?? 'the inspection framework'
  const milestones = snapshotPart(
    inspection.framework,
    'timeline',
    z.looseObject({ milestones: z.array(z.looseObject({ id: z.string(), title: z.string() })) }),
  )?.milestones
  const milestone = request.producedMilestone ? milestones?.find((m) => m.id === request.producedMilestone) : undefined
  return {
    ...request,
    // A milestone the snapshot's timeline does not have is never marked done.
    producedMilestone: milestone?.id,
    inspectionId: inspection.id,
    frameworkTitle: title,
    milestoneTitle: milestone?.title ?? null,
  }
}

/**
 * Annex A imports: validation runs in a worker thread off the request path, with progress kept in
 * memory by job id; results are kept in memory for the few most recent imports (a result missing
 * after a restart is simply validated again from the stored file). Nothing reaches the child
 * register until a person accepts a file with no errors left, in one transaction.
 */
export interface AnnexAServiceDeps {
  db: Kysely<Database>
  clock: Clock
  files: FileStore
  /** The partnership's frameworks: their Annex A theme lists are checked with ILACS's. */
  frameworks: Pick<FrameworkService, 'list'>
  /** Checks a file off the request path: validateInWorker in the app. */
  validator: Validator
  /** Where the worker's copy of an upload and the workbooks being written live (under DATA_DIR). */
  scratch: ScratchSpace
  /**
   * How many checks run at once (each is a worker holding a file's rows in memory); the rest wait
   * their turn, with their place shown. 2 in the app.
   */
  maxConcurrentChecks: number
}

export function createAnnexAService({
  db,
  clock,
  files,
  frameworks,
  validator,
  scratch,
  maxConcurrentChecks,
}: AnnexAServiceDeps) {
  const themeLists = themeListSource(db, frameworks)
  /** ILACS for the notification date plus the theme lists in force for this import. */
  async function libraryOf(scope: Scope, notifiedOn: string, inspectionId: string | null): Promise<ListLibrary> {
    return libraryWithThemes(notifiedOn, await themeLists(scope, inspectionId))
  }
  const jobs = new Map<string, ValidationJob>()
  const checks = new Map<string, Checked>()

  /** Keeps a check's findings (and rows) for the import, forgetting its earlier ones and the oldest. */
  function keepResult(importId: string, checked: Checked): void {
    const earlier = checks.get(importId)
    if (earlier && earlier !== checked) void earlier.remove()
    checks.delete(importId)
    checks.set(importId, checked)
    while (checks.size > RESULTS_KEPT) {
      const [oldest, gone] = checks.entries().next().value!
      checks.delete(oldest)
      void gone.remove()
    }
  }

  /** The findings kept for an import, if any. */
  const resultOf = (importId: string): AnnexAValidationResult | undefined => checks.get(importId)?.result

  function forgetOldJobs(): void {
    const cutoff = clock.now().getTime() - JOBS_KEPT_MS
    for (const [id, job] of jobs) if (job.state === 'done' && job.startedAt.getTime() < cutoff) jobs.delete(id)
  }

  /** Copies the stored file to a private temporary path the worker can read, and validates it. */
  async function validateStored(
    scope: Scope,
    fileKey: string,
    fileName: string,
    notifiedOn: string,
    inspectionId: string | null,
    job: ValidationJob,
  ): Promise<Checked> {
    const dir = await scratch.folder('annex-a-check')
    const rows = await scratch.folder('annex-a-rows')
    const rowsPath = join(rows.path, 'rows.ndjson')
    try {
      const path = join(dir.path, 'upload')
      await pipeline(await files.open(fileKey), createWriteStream(path, { mode: 0o600 }))
      // The accepted lists' children too, so a List 7 uploaded alone is checked against the accepted List 6.
      const [remembered, library, acceptedChildren, request] = await Promise.all([
        repo.listMappings(db, scope.partnershipId),
        libraryOf(scope, notifiedOn, inspectionId),
        loadAcceptedChildren(db, scope.partnershipId),
        inspectionRequest(db, scope.partnershipId, inspectionId),
      ])
      const result = await validator(
        path,
        {
          notified: notifiedOn,
          remembered,
          fileName,
          now: clock.now(),
          library,
          acceptedChildren,
          ...(request ? { requiredLists: request.requiredLists.map((r) => r.list) } : {}),
        },
        (p) => {
          job.rowsRead = p.rowsRead
          job.list = p.list
          job.percent = p.percent
        },
        rowsPath,
      )
      if (!result.readable) await rows.remove()
      return { result, rowsPath, remove: () => rows.remove() }
    } catch (error) {
      await rows.remove()
      throw error
    } finally {
      await dir.remove()
    }
  }

  function newJob(partnershipId: string, fileName: string, importId: string | null): ValidationJob {
    forgetOldJobs()
    const job: ValidationJob = {
      id: randomUUID(),
      partnershipId,
      importId,
      state: 'queued',
      ahead: 0,
      rowsRead: 0,
      list: null,
      percent: null,
      fileName,
      startedAt: clock.now(),
      refusal: null,
    }
    jobs.set(job.id, job)
    return job
  }

  /** Checks waiting for a worker, oldest first, and how many are running. */
  const waiting: { job: ValidationJob; work: () => Promise<void> }[] = []
  let running = 0

  /** Queues a check off the request path (the page polls the job); it starts when a worker is free. */
  function run(job: ValidationJob, work: () => Promise<void>): void {
    job.state = 'queued'
    waiting.push({ job, work })
    startWaiting()
  }

  function startWaiting(): void {
    while (running < maxConcurrentChecks && waiting.length) {
      const next = waiting.shift()!
      running++
      next.job.state = 'running'
      next.job.ahead = 0
      // A failure still ends the job, so no page waits forever.
      void next
        .work()
        .catch(() => {
          if (!next.job.importId && !next.job.refusal) next.job.refusal = CHECK_FAILED
        })
        .finally(() => {
          next.job.state = 'done'
          running--
          startWaiting()
        })
    }
    waiting.forEach((w, i) => (w.job.ahead = i))
  }

  /** The check of this import that is queued or running, if any: a second request joins it. */
  function checkInFlight(partnershipId: string, importId: string): ValidationJob | undefined {
    for (const job of jobs.values())
      if (job.partnershipId === partnershipId && job.importId === importId && job.state !== 'done') return job
    return undefined
  }

  async function requireImport(scope: Scope, importId: string) {
    const row = await repo.findImport(db, scope.partnershipId, importId)
    if (!row) throw new NotFoundError('Import')
    return row
  }

  /** Writes a read of child-level data to the audit log, in its own transaction like any change. */
  async function recordRead(
    scope: Scope,
    event: { action: string; entityType: string; entityId: string; summary: string; details: Record<string, unknown> },
  ): Promise<void> {
    await change(db, clock, actorOf(scope), async () => ({ result: undefined, audit: event }))
  }

  /**
   * Starts validating the stored file again (after mapping values, or after a restart), unless a
   * check of it is already queued or running, which is answered instead: one check per import.
   */
  async function revalidate(
    scope: Scope,
    importId: string,
    why: 'check-again' | 'mappings-changed' = 'check-again',
  ): Promise<ValidationJob> {
    await requireChildDataAccess(db, scope)
    const imp = await requireImport(scope, importId)
    // New mappings need a check that reads them; anything else joins the check already under way.
    const inFlight = why === 'check-again' ? checkInFlight(scope.partnershipId, imp.id) : undefined
    if (inFlight) return inFlight
    const job = newJob(scope.partnershipId, imp.file_name, imp.id)
    run(job, async () => {
      const checked = await validateStored(scope, imp.file_key, imp.file_name, imp.notified_on, imp.inspection_id, job)
      keepResult(imp.id, checked)
      await repo.updateImportCounts(db, scope.partnershipId, imp.id, countsOf(checked.result))
    })
    return job
  }

  return {
    /** Refuses anyone who may not see child-level data (call before taking an upload). */
    checkAccess: (scope: Scope) => requireChildDataAccess(db, scope),

    /**
     * Records nothing yet: the import is recorded, with its counts, when validation finishes. A file
     * that cannot be read at all is refused: its stored copy is deleted, no import is recorded, the
     * job keeps the reason, and the audit log records the attempt (hashes, size and rule; no contents).
     */
    async startUpload(scope: Scope, input: UploadInput): Promise<ValidationJob> {
      await requireChildDataAccess(db, scope)
      const job = newJob(scope.partnershipId, input.file.filename, null)
      const actor: Actor = actorOf(scope)
      run(job, async () => {
        let checked: Checked
        try {
          checked = await validateStored(
            scope,
            input.file.key,
            input.file.filename,
            input.notifiedOn,
            input.inspectionId,
            job,
          )
        } catch (error) {
          await files.delete(input.file.key)
          throw error
        }
        const result = checked.result
        if (!result.readable) {
          await files.delete(input.file.key)
          const problem = result.problems[0]
          job.refusal =
            problem?.message ??
            'This file could not be read. Save it again as an Excel workbook (.xlsx) or a CSV file and upload that.'
          const rule = problem?.rule ?? 'file.unreadable'
          await change(db, clock, actor, async () => ({
            result: undefined,
            audit: {
              action: 'annex-a.refused',
              entityType: 'annex-a-import',
              summary: `Refused an Annex A file: ${RULES[rule].title}`,
              details: {
                rule,
                size: input.file.size ?? null,
                sha256: input.file.sha256,
                fileNameSha256: createHash('sha256').update(input.file.filename).digest('hex'),
              },
            },
          }))
          return
        }
        const counts = countsOf(result)
        // File first, row second: if the row cannot be written, the stored file goes too.
        const imp = await change(db, clock, actor, async (trx, now) => {
          const row = await repo.insertImport(
            trx,
            scope.partnershipId,
            {
              inspectionId: input.inspectionId,
              notifiedOn: input.notifiedOn,
              fileName: input.file.filename,
              fileKey: input.file.key,
              sha256: input.file.sha256,
              specVersion: result.specVersion || libraryFor(input.notifiedOn).specVersion,
              ...counts,
              uploadedBy: scope.personId,
            },
            now,
          )
          return {
            result: row,
            audit: {
              action: 'annex-a.validated',
              entityType: 'annex-a-import',
              entityId: row.id,
              summary: `Checked Annex A file ${input.file.filename}`,
              details: { ...counts, lists: result.lists.map((l) => l.list), sha256: input.file.sha256 },
            },
          }
        }).catch(async (error: unknown) => {
          await files.delete(input.file.key)
          await checked.remove()
          throw error
        })
        keepResult(imp.id, checked)
        job.importId = imp.id
      })
      return job
    },

    revalidate,

    /**
     * The Annex A lists an inspection's framework asks for, by name ("Referrals (List 3)"), for the upload
     * page; null without an inspection or when its framework does not say (ILACS lists 1–11 are expected).
     */
    async listsAskedFor(
      scope: Scope,
      inspection: { id: string; notified_on: string } | null,
    ): Promise<{ frameworkTitle: string; lists: string[] } | null> {
      await requireChildDataAccess(db, scope)
      if (!inspection) return null
      const request = await inspectionRequest(db, scope.partnershipId, inspection.id)
      if (!request) return null
      const library = await libraryOf(scope, inspection.notified_on, inspection.id)
      return {
        frameworkTitle: request.frameworkTitle,
        lists: request.requiredLists.map((r) => {
          const title = library.lists.find((l) => l.key === r.list)?.title ?? r.list
          const name = /^List \d+$/.test(r.list) ? `${title} (${r.list})` : title
          return r.themeCohort
            ? `${name}: the theme cohort${r.flagColumn ? `, flagged by its “${r.flagColumn}” column` : ''}`
            : name
        }),
      }
    },

    /** The check of this import that is queued or running, if any (a page may show it, never start one). */
    async checkUnderWay(scope: Scope, importId: string): Promise<ValidationJob | undefined> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      return checkInFlight(scope.partnershipId, imp.id)
    },

    async job(scope: Scope, jobId: string): Promise<ValidationJob> {
      await requireChildDataAccess(db, scope)
      const job = jobs.get(jobId)
      if (!job || job.partnershipId !== scope.partnershipId) throw new NotFoundError('Check')
      return job
    },

    /** The import and its latest findings; `result` is null when they must be worked out again. */
    async result(
      scope: Scope,
      importId: string,
    ): Promise<{ import: repo.ImportRow; result: AnnexAValidationResult | null }> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      return { import: imp, result: resultOf(imp.id) ?? null }
    },

    async history(scope: Scope) {
      await requireChildDataAccess(db, scope)
      const [imports, lists] = await Promise.all([
        repo.listImports(db, scope.partnershipId),
        repo.listsOfImports(db, scope.partnershipId),
      ])
      return { imports, lists }
    },

    /**
     * Remembers what each chosen spelling means for its column, for this and every later file,
     * then starts validating the file again. Only values the latest check asked about are taken.
     */
    async mapValues(scope: Scope, importId: string, choices: MappingChoice[]): Promise<ValidationJob> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      const result = resultOf(imp.id)
      if (!result)
        throw new ConflictError(
          'The findings for this file need working out again. Go back to the file and check it again.',
        )
      const allowed = new Map(result.unmapped.map((u) => [`${u.columnId}|${u.normalised}`, u]))
      const accepted: repo.MappingInput[] = []
      for (const c of choices) {
        const group = allowed.get(`${c.columnId}|${c.spelling}`)
        if (!group || !group.codes.includes(c.code)) continue
        if (!accepted.some((a) => a.columnId === c.columnId && a.spelling === c.spelling))
          accepted.push({ columnId: c.columnId, spelling: c.spelling, code: c.code })
      }
      if (!accepted.length) throw new ValidationError({ form: 'Choose a code for at least one value' })
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.upsertMappings(trx, scope.partnershipId, accepted, scope.personId, now)
        return {
          result: undefined,
          audit: {
            action: 'annex-a.values-mapped',
            entityType: 'annex-a-import',
            entityId: imp.id,
            summary: `Mapped ${accepted.length} ${accepted.length === 1 ? 'value' : 'values'} to Ofsted codes`,
            details: { mappings: accepted.map((a) => ({ column: a.columnId, code: a.code })) },
          },
        }
      })
      return revalidate(scope, imp.id, 'mappings-changed')
    },

    /**
     * Writes the file's rows to the child register, all or nothing, in one transaction with its
     * audit event, and only when no errors remain. Each kind of query (each rule) still in the file
     * needs its own reason, kept with the import. Each list in the file replaces the partnership's
     * previous version of that list, which is kept as history. For an import tied to an inspection,
     * once every list its framework asks for has been accepted for it, the framework's "Annex A
     * lists produced" milestone is marked done in the same transaction, with its own audit event.
     */
    async accept(
      scope: Scope,
      importId: string,
      reasons: Record<string, string>,
    ): Promise<{
      rows: number
      lists: string[]
      superseded: string[]
      milestone: string | null
      stillNeeded: string[]
    }> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      if (imp.status !== 'validated') throw new ConflictError('This file has already been accepted.')
      const checked = checks.get(imp.id)
      if (!checked)
        throw new ConflictError(
          'The findings for this file need working out again. Go back to the file and check it again.',
        )
      const result = checked.result
      const counts = countsOf(result)
      if (!result.readable || counts.errors > 0) {
        throw new ValidationError({
          form: `This file still has ${counts.errors} ${counts.errors === 1 ? 'error' : 'errors'}. Correct ${counts.errors === 1 ? 'it' : 'them'} in the file, or map the values, and check it again before accepting`,
        })
      }
      if (!result.lists.length)
        throw new ValidationError({ form: 'This file holds no Annex A lists, so there is nothing to accept' })
      const queriesReasons: QueryReason[] = []
      const missing: Record<string, string> = {}
      for (const r of result.problemsByRule) {
        if (r.severity !== 'query') continue
        const reason = (reasons[r.rule] ?? '').trim()
        if (reason) queriesReasons.push({ rule: r.rule, title: r.title, count: r.count, reason })
        else
          missing[queryReasonField(r.rule)] =
            `Explain why the ${r.count === 1 ? 'query' : `${r.count} queries`} ‘${r.title}’ can be accepted`
      }
      if (Object.keys(missing).length) throw new ValidationError(missing)
      const [library, request, rows] = await Promise.all([
        libraryOf(scope, imp.notified_on, imp.inspection_id),
        inspectionRequest(db, scope.partnershipId, imp.inspection_id),
        readAllRows(checked.rowsPath),
      ])
      const lists = result.lists.map((l) => ({
        list: l.list,
        title: l.title,
        rowsRead: l.rowsRead,
        errors: l.errors,
        queries: l.queries,
      }))
      const outcome = await change(db, clock, actorOf(scope), async (trx, now) => {
        const replaced = await repo.acceptImport(
          trx,
          scope.partnershipId,
          imp.id,
          { lists, rows: childRows(rows, library), acceptedBy: scope.personId, queriesReasons },
          now,
        )
        const audit: AuditInput[] = [
          {
            action: 'annex-a.accepted',
            entityType: 'annex-a-import',
            entityId: imp.id,
            summary: `Accepted Annex A file ${imp.file_name} (${counts.rowsRead} rows)`,
            details: {
              lists: lists.map((l) => l.list),
              rows: rows.length,
              queries: counts.queries,
              queriesReasons: queriesReasons.map((q) => ({ rule: q.rule, count: q.count, reason: q.reason })),
              superseded: replaced,
            },
          },
        ]
        let milestone: string | null = null
        let stillNeeded: string[] = []
        if (request) {
          const accepted = new Set(
            await repo.listsAcceptedForInspection(trx, scope.partnershipId, request.inspectionId),
          )
          stillNeeded = request.requiredLists.map((r) => r.list).filter((l) => !accepted.has(l))
          if (!stillNeeded.length && request.producedMilestone) {
            const marked = await inspectionRepo.insertCompletion(
              trx,
              scope.partnershipId,
              request.inspectionId,
              request.producedMilestone,
              scope.personId,
              now,
            )
            if (marked) {
              milestone = request.milestoneTitle
              audit.push({
                action: 'milestone.completed',
                entityType: 'inspection',
                entityId: request.inspectionId,
                summary: `Marked done: ${request.milestoneTitle ?? request.producedMilestone} (every Annex A list asked for is accepted)`,
                details: { milestoneId: request.producedMilestone, importId: imp.id },
              })
            }
          }
        }
        return { result: { replaced, milestone, stillNeeded }, audit }
      })
      return {
        rows: rows.length,
        lists: lists.map((l) => l.list),
        superseded: outcome.replaced,
        milestone: outcome.milestone,
        stillNeeded: outcome.stillNeeded,
      }
    },

    /**
     * One row of a checked file with its problems, by the spreadsheet's own row number, against the
     * import's whole library (ILACS and its theme lists). Records the read; null when the file has
     * no such row (or its findings need working out again).
     */
    async row(
      scope: Scope,
      importId: string,
      list: string | undefined,
      rowNumber: number,
    ): Promise<{ import: repo.ImportRow; spec: ListSpec; row: NormalisedRow | undefined; problems: Problem[] } | null> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      const checked = checks.get(imp.id)
      if (!checked || !list) return null
      const result = checked.result
      const row = await findRow(checked.rowsPath, list, rowNumber)
      const problems = result.problems.filter((p) => p.list === list && p.row === rowNumber)
      const spec = (await libraryOf(scope, imp.notified_on, imp.inspection_id)).lists.find((l) => l.key === list)
      if (!spec || (!row && !problems.length)) return null
      await recordRead(scope, {
        action: 'annex-a.row-viewed',
        entityType: 'annex-a-import',
        entityId: imp.id,
        summary: `Viewed ${list} row ${rowNumber} of Annex A file ${imp.file_name}`,
        details: { list, row: rowNumber, problems: problems.length },
      })
      return { import: imp, spec, row, problems }
    },

    /**
     * Records that the value-mapping page was shown: it lists cell values with their lists and rows,
     * child-level data like any other, so each showing is a read in the audit log.
     */
    async mappingViewed(scope: Scope, importId: string, shown: { columns: number; values: number }): Promise<void> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      await recordRead(scope, {
        action: 'annex-a.mapping-viewed',
        entityType: 'annex-a-import',
        entityId: imp.id,
        summary: `Viewed ${shown.values} unrecognised values to map in Annex A file ${imp.file_name}`,
        details: shown,
      })
    },

    /** Records that a page of one rule's problems (cell values included) was shown. */
    async problemsViewed(
      scope: Scope,
      importId: string,
      shown: { rule: string; list: string | undefined; page: number; problems: number; total: number },
    ): Promise<void> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      await recordRead(scope, {
        action: 'annex-a.problems-viewed',
        entityType: 'annex-a-import',
        entityId: imp.id,
        summary: `Viewed ${shown.problems} of ${shown.total} problems (${shown.rule}) in Annex A file ${imp.file_name}`,
        details: {
          rule: shown.rule,
          list: shown.list ?? null,
          page: shown.page,
          shown: shown.problems,
          total: shown.total,
        },
      })
    },

    /** Writes the findings as an .xlsx into a temporary folder, recording the download; the caller streams it and calls cleanup. */
    async problemReport(
      scope: Scope,
      importId: string,
    ): Promise<{ path: string; fileName: string; cleanup: () => Promise<void> } | null> {
      await requireChildDataAccess(db, scope)
      const imp = await requireImport(scope, importId)
      const result = resultOf(imp.id)
      if (!result) return null
      const dir = await scratch.folder('annex-a-report')
      const path = join(dir.path, 'report.xlsx')
      try {
        await writeProblemReport(result, path, imp.queries_reasons ?? [])
        const counts = countsOf(result)
        await recordRead(scope, {
          action: 'annex-a.problems-downloaded',
          entityType: 'annex-a-import',
          entityId: imp.id,
          summary: `Downloaded the problem report for Annex A file ${imp.file_name}`,
          details: { errors: counts.errors, queries: counts.queries },
        })
      } catch (error) {
        await dir.remove()
        throw error
      }
      return {
        path,
        fileName: `Annex A problems – ${imp.file_name.replace(/\.[^.]+$/, '')}.xlsx`,
        cleanup: () => dir.remove(),
      }
    },

    /** The current version of every list as an Ofsted-ready workbook, recorded in the audit log. */
    async ofstedWorkbook(scope: Scope): Promise<{ path: string; fileName: string; cleanup: () => Promise<void> }> {
      await requireChildDataAccess(db, scope)
      const current = await repo.currentLists(db, scope.partnershipId)
      if (!current.length) throw new NotFoundError('Accepted Annex A lists')
      const latest = (await repo.listImports(db, scope.partnershipId)).find((i) => i.status === 'accepted')
      const library = await acceptedListsLibrary(themeLists, scope, latest, londonDateOf(clock.now()))
      const rows: NormalisedRow[] = []
      for await (const r of repo.currentRows(db, scope.partnershipId))
        rows.push({ list: r.list, row: r.row, childId: r.child_id, values: r.values, errors: 0, queries: 0 })
      const dir = await scratch.folder('annex-a-export')
      const path = join(dir.path, 'annex-a.xlsx')
      try {
        await writeOfstedWorkbook(rows, library, path)
        await change(db, clock, actorOf(scope), async () => ({
          result: undefined,
          audit: {
            action: 'annex-a.exported',
            entityType: 'annex-a',
            summary: `Downloaded the Ofsted Annex A workbook (${rows.length} rows)`,
            details: { lists: current.map((l) => l.list).sort(), rows: rows.length },
          },
        }))
      } catch (error) {
        await dir.remove()
        throw error
      }
      return { path, fileName: `Annex A ${londonDateOf(clock.now())}.xlsx`, cleanup: () => dir.remove() }
    },

    /** For the file store's sweep: which keys an import still refers to. */
    referencedFileKeys: (keys: string[]) => repo.referencedFileKeys(db, keys),
  }
}

/** Key columns the register filters on, by the spec's stable column ids. */
const KEY_COLUMNS = {
  dob: 'date_of_birth',
  sex: 'gender',
  ethnicity: 'ethnicity',
  disability: 'does_the_child_have_a_disability',
  legalStatus: 'child_s_legal_status',
} as const

function* childRows(rows: NormalisedRow[], library: ListLibrary): Generator<repo.ChildRowInput> {
  const specs = new Map(library.lists.map((l) => [l.key, l]))
  for (const r of rows) {
    const spec = specs.get(r.list)
    const text = (id: string) => {
      const v = r.values[id]
      return v === null || v === undefined ? null : String(v)
    }
    const eventColumn = spec?.columns.find((c) => c.type === 'date' && c.id !== KEY_COLUMNS.dob && r.values[c.id])
    yield {
      list: r.list,
      theme: spec ? spec.number === null : false,
      row: r.row,
      childId: r.childId,
      dob: text(KEY_COLUMNS.dob),
      sex: text(KEY_COLUMNS.sex),
      ethnicity: text(KEY_COLUMNS.ethnicity),
      disability: text(KEY_COLUMNS.disability),
      legalStatus: text(KEY_COLUMNS.legalStatus),
      eventDate: eventColumn ? text(eventColumn.id) : null,
      values: r.values,
    }
  }
}
