import type { Kysely } from 'kysely'
import * as repo from '../annexA/repository'
import * as registerRepo from './repository'
import type { Database } from '../../db/schema'
import type { ListLibrary, ListSpec } from '../../domain/annexA'
import { londonDateOf } from '../../domain/calendar'
import type { Clock } from '../../domain/clock'
import { requireChildDataAccess } from '../annexA/access'
import { acceptedListsLibrary, themeListSource } from '../annexA/service'
import type { FrameworkService } from '../frameworks/service'
import { NotFoundError } from '../../shared/errors'
import { actorOf, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'

export interface JourneyEvent {
  date: string
  list: string
  listTitle: string
  what: string
}

export interface ChildView {
  rowId: string
  childId: string
  memberships: { list: string; title: string; rows: number }[]
  facts: {
    dob: string | null
    age: number | null
    sex: string | null
    ethnicity: string | null
    disability: string | null
    legalStatus: string | null
  }
  events: JourneyEvent[]
}

const PAGE_SIZE = 50

/** Sorts 'List 2' before 'List 10', theme lists after the numbered ones. */
export function byListNumber(a: string, b: string): number {
  const n = (s: string) => Number(/^List (\d+)$/.exec(s)?.[1] ?? 1000)
  return n(a) - n(b) || a.localeCompare(b)
}

function ageOn(dob: string | null, on: string): number | null {
  if (!dob) return null
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number]
  const [Y, M, D] = on.split('-').map(Number) as [number, number, number]
  return Y - y - (M < m || (M === m && D < d) ? 1 : 0)
}

/**
 * The child register: every child across the current version of each list, by Child Unique ID.
 * Each view of a child is written to the audit log as a read, with the opaque row id, never the
 * child's own id.
 */
export interface ChildRegisterServiceDeps {
  db: Kysely<Database>
  clock: Clock
  frameworks: Pick<FrameworkService, 'list'>
}

export function createChildRegisterService({ db, clock, frameworks }: ChildRegisterServiceDeps) {
  const themes = themeListSource(db, frameworks)
  /** ILACS plus the theme lists, so theme lists have their titles and dates on the register. */
  async function library(scope: Scope): Promise<ListLibrary> {
    const latest = (await repo.listImports(db, scope.partnershipId)).find((i) => i.status === 'accepted')
    return acceptedListsLibrary(themes, scope, latest, londonDateOf(clock.now()))
  }

  return {
    pageSize: PAGE_SIZE,

    /** Refuses anyone who may not see child-level data (a police lead passes the route table, not this). */
    requireAccess: (scope: Scope) => requireChildDataAccess(db, scope),

    /** One page of the register; records the read (filters and counts, no child ids) in the audit log. */
    async list(scope: Scope, filter: registerRepo.RegisterQuery, page: number) {
      await requireChildDataAccess(db, scope)
      const today = londonDateOf(clock.now())
      const [{ rows, total }, facets, lib] = await Promise.all([
        registerRepo.listRegister(db, scope.partnershipId, filter, today, {
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        }),
        repo.registerFacets(db, scope.partnershipId),
        library(scope),
      ])
      // A read of child-level data: record the filters and how many children were shown, never who.
      // A filter value the register does not offer is recorded as such, not as typed.
      const known = (value: string | undefined, offered: string[]) =>
        value === undefined ? undefined : offered.includes(value) ? value : 'not recognised'
      const filters = Object.fromEntries(
        Object.entries({
          list: known(filter.list, facets.lists),
          legalStatus: known(filter.legalStatus, facets.legalStatuses),
          ethnicity: known(filter.ethnicity, facets.ethnicities),
          disability: known(filter.disability, facets.disabilities),
          ageBand: filter.ageBand,
          theme: filter.theme ? 'yes' : undefined,
          // That someone searched by ID, never the ID they typed.
          childId: filter.childId?.trim() ? 'searched' : undefined,
        }).filter((e): e is [string, string] => e[1] !== undefined),
      )
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'register.viewed',
          entityType: 'child-register',
          summary: `Viewed the child register (${rows.length} of ${total} ${total === 1 ? 'child' : 'children'})`,
          details: { filters, page, shown: rows.length, total },
        },
      }))
      return {
        rows: rows.map((r) => ({ ...r, lists: [...r.lists].sort(byListNumber) })),
        total,
        facets: { ...facets, lists: facets.lists.sort(byListNumber) },
        library: lib,
      }
    },

    /** A child's memberships, key facts and journey; records the view in the audit log. */
    async view(scope: Scope, rowId: string): Promise<ChildView & { library: ListLibrary }> {
      await requireChildDataAccess(db, scope)
      const row = await repo.findCurrentChildRow(db, scope.partnershipId, rowId)
      if (!row?.child_id) throw new NotFoundError('Child')
      const rows = await repo.currentRowsOfChild(db, scope.partnershipId, row.child_id)
      const lib = await library(scope)
      const specs = new Map<string, ListSpec>(lib.lists.map((l) => [l.key, l]))
      const memberships = new Map<string, { list: string; title: string; rows: number }>()
      const events: JourneyEvent[] = []
      const first = <K extends 'dob' | 'sex' | 'ethnicity' | 'disability' | 'legal_status'>(k: K) =>
        rows.find((r) => r[k])?.[k] ?? null
      for (const r of rows) {
        const spec = specs.get(r.list)
        const title = spec?.title ?? r.list
        const m = memberships.get(r.list) ?? { list: r.list, title, rows: 0 }
        m.rows++
        memberships.set(r.list, m)
        for (const column of spec?.columns ?? []) {
          const value = r.values[column.id]
          if (
            column.type !== 'date' ||
            column.id === 'date_of_birth' ||
            typeof value !== 'string' ||
            !/^\d{4}-\d{2}-\d{2}$/.test(value)
          )
            continue
          events.push({ date: value, list: r.list, listTitle: title, what: column.label })
        }
      }
      events.sort((a, b) => a.date.localeCompare(b.date) || byListNumber(a.list, b.list))
      const dob = first('dob')
      await change(db, clock, actorOf(scope), async () => ({
        result: undefined,
        audit: {
          action: 'child.viewed',
          entityType: 'child',
          entityId: row.id,
          summary: 'Viewed a child’s Annex A record',
          details: { lists: [...memberships.keys()].sort(byListNumber) },
        },
      }))
      return {
        rowId: row.id,
        childId: row.child_id,
        memberships: [...memberships.values()].sort((a, b) => byListNumber(a.list, b.list)),
        facts: {
          dob,
          age: ageOn(dob, londonDateOf(clock.now())),
          sex: first('sex'),
          ethnicity: first('ethnicity'),
          disability: first('disability'),
          legalStatus: first('legal_status'),
        },
        events,
        library: lib,
      }
    },
  }
}
