import type { Kysely } from 'kysely'
import * as repo from './repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import { formatFrameworkProblem, frameworkSchema, parseFramework, type Framework, type FrameworkProblem } from '../../domain/frameworks'
import { loadFrameworksFromDirectory } from './loadDirectory'
import { NotFoundError } from '../../shared/errors'
import { actorOf, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'

/** A framework as a partnership sees it: the bundled file, or its own newest upload of that id. */
export interface EffectiveFramework {
  framework: Framework
  source: 'bundled' | 'uploaded'
  /** The framework_versions row when uploaded. */
  versionId: string | null
  /** 1, 2 … for uploads; 0 for the bundled file. */
  versionNumber: number
  uploadedBy: string | null
  uploadedAt: Date | null
}

/** Raised at start-up when a bundled framework file is broken; the message names every file, path and problem. */
export class FrameworkLoadError extends Error {
  constructor(readonly problems: FrameworkProblem[]) {
    super(`The framework files in frameworks/ have problems, so JTAI Ready cannot start:\n${problems.map((p) => `  ${formatFrameworkProblem(p)}`).join('\n')}`)
    this.name = 'FrameworkLoadError'
  }
}

export interface FrameworkServiceDeps {
  db: Kysely<Database>
  clock: Clock
  /** The folder of bundled framework files (the repository's frameworks/, or a test's own). */
  directory: string
}

/**
 * Frameworks as data. The bundled files are read once when the services are built; a broken file
 * makes {@link ready} (awaited by main.ts before it listens) reject, so start-up fails fast with
 * the file, the path inside it and the problem. Partnerships can upload new or revised frameworks;
 * each upload is validated exactly as the bundled files are and stored as a new version.
 */
export function createFrameworkService({ db, clock, directory }: FrameworkServiceDeps) {
  const loading = loadFrameworksFromDirectory(directory).then(({ frameworks, errors }) => {
    if (errors.length) throw new FrameworkLoadError(errors)
    return frameworks
  })
  // Observed here so a broken file is not an unhandled rejection before someone awaits it.
  loading.catch(() => undefined)

  function fromRow(row: repo.FrameworkVersionRow): EffectiveFramework {
    return {
      // Stored content was validated on upload; parsing again applies defaults and guards old rows.
      framework: frameworkSchema.parse(row.content),
      source: 'uploaded',
      versionId: row.id,
      versionNumber: row.version,
      uploadedBy: row.uploaded_by_name,
      uploadedAt: row.created_at,
    }
  }

  async function list(scope: Scope): Promise<EffectiveFramework[]> {
    const [bundled, uploaded] = await Promise.all([loading, repo.latestVersions(db, scope.partnershipId)])
    const byId = new Map<string, EffectiveFramework>()
    for (const framework of bundled) byId.set(framework.id, { framework, source: 'bundled', versionId: null, versionNumber: 0, uploadedBy: null, uploadedAt: null })
    for (const row of uploaded) byId.set(row.framework_id, fromRow(row))
    return [...byId.values()].sort((a, b) => a.framework.title.localeCompare(b.framework.title))
  }

  async function get(scope: Scope, id: string): Promise<EffectiveFramework> {
    const found = (await list(scope)).find((f) => f.framework.id === id)
    if (!found) throw new NotFoundError('Framework')
    return found
  }

  return {
    /** Resolves once the bundled frameworks are loaded; rejects with {@link FrameworkLoadError}. */
    async ready(): Promise<void> {
      await loading
    },
    list,
    get,
    /** Uploaded versions of one framework, newest first, and whether a bundled file exists for it. */
    async history(scope: Scope, id: string) {
      const bundled = (await loading).find((f) => f.id === id)
      return { bundled: bundled ?? null, uploads: await repo.versionsOf(db, scope.partnershipId, id) }
    },
    /**
     * Validates an uploaded framework file (JSON, or YAML by its name) and stores it as the next
     * version. Returns every problem instead when it is not valid; nothing is stored then.
     */
    async upload(scope: Scope, text: string, sourceName: string): Promise<{ ok: true; framework: Framework; version: number } | { ok: false; errors: FrameworkProblem[] }> {
      const parsed = parseFramework(text, sourceName)
      if (!parsed.ok) return parsed
      const framework = parsed.framework
      const row = await change(db, clock, actorOf(scope), async (trx, now) => {
        const inserted = await repo.insertVersion(trx, scope.partnershipId, { frameworkId: framework.id, content: framework, sourceName, uploadedBy: scope.personId }, now)
        return {
          result: inserted,
          audit: {
            action: 'framework.uploaded',
            entityType: 'framework',
            entityId: framework.id,
            summary: `Uploaded ${framework.title} (version ${inserted.version})`,
            details: { frameworkId: framework.id, version: inserted.version, frameworkVersion: framework.version, sourceName },
          },
        }
      })
      return { ok: true, framework, version: row.version }
    },
  }
}

export type FrameworkService = ReturnType<typeof createFrameworkService>
