import type { Kysely } from 'kysely'
import { appendAuditEvent } from '../../db/auditLog'
import * as repo from './repository'
import { partnershipIds } from '../directory/repository'
import type { Database } from '../../db/schema'
import type { Clock } from '../../domain/clock'
import {
  isIsoDate,
  parseGovUkBankHolidays,
  WorkingDayCalendar,
  type ClosureDay,
  type Holiday,
} from '../../domain/calendar'
import { ValidationError } from '../../shared/errors'
import { actorOf, type Scope } from '../../shared/scope'
import { change } from '../../shared/change'

export type ImportResult = { ok: true; count: number; years: number[] } | { ok: false; problems: string[] }

/** "2024–2026" from an import's years (never empty: a list with no bank holidays is refused). */
export function yearSpan(years: readonly number[]): string {
  return `${years[0]!}–${years.at(-1)!}`
}

/**
 * The working-day calendar for a partnership: bundled England and Wales bank holidays, replaced
 * year by year by any gov.uk list the partnership has loaded ("loaded dates win"), plus its own
 * closure days.
 *
 * Imported holidays are kept per partnership rather than system-wide: an administrator of one
 * partnership can then never move another partnership's deadlines, every query filters by
 * partnership like the rest of the app, and each import lands in that partnership's audit trail.
 * The command line, which has no signed-in partnership, imports into every partnership (or the one
 * it is told) and records it in each one's audit trail.
 */
export interface CalendarServiceDeps {
  db: Kysely<Database>
  clock: Clock
}

export function createCalendarService({ db, clock }: CalendarServiceDeps) {
  /** The partnership's calendar; `extraClosures` adds closure days not stored yet (to see what adding one would move). */
  async function calendarFor(
    partnershipId: string,
    handle: Kysely<Database> = db,
    extraClosures: readonly ClosureDay[] = [],
  ): Promise<WorkingDayCalendar> {
    const [importedHolidays, closures] = await Promise.all([
      repo.importedHolidays(handle, partnershipId),
      repo.closureDays(handle, partnershipId),
    ])
    return new WorkingDayCalendar({ importedHolidays, closures: [...closures, ...extraClosures] })
  }

  function summarise(holidays: readonly Holiday[]): number[] {
    return [...new Set(holidays.map((h) => Number(h.date.slice(0, 4))))].sort((a, b) => a - b)
  }

  return {
    calendarFor,
    importedHolidays: (scope: Scope) => repo.importedHolidays(db, scope.partnershipId),
    closureDays: (scope: Scope) => repo.closureDays(db, scope.partnershipId),

    /** Loads gov.uk's bank-holidays.json for the signed-in partnership; problems are returned, nothing stored. */
    async importHolidays(scope: Scope, text: string, sourceName: string): Promise<ImportResult> {
      const parsed = parseGovUkBankHolidays(text)
      if (!parsed.ok) return parsed
      const years = summarise(parsed.holidays)
      await change(db, clock, actorOf(scope), async (trx, now) => {
        await repo.replaceImportedHolidays(trx, scope.partnershipId, parsed.holidays, scope.personId, now)
        return {
          result: undefined,
          audit: {
            action: 'holidays.imported',
            entityType: 'calendar',
            summary: `Loaded ${parsed.holidays.length} bank holidays (${yearSpan(years)})`,
            details: { count: parsed.holidays.length, years, sourceName },
          },
        }
      })
      return { ok: true, count: parsed.holidays.length, years }
    },

    /**
     * The command line's import: into the given partnerships (every one when omitted), all in one
     * transaction, with an audit event in each partnership's trail.
     */
    async importHolidaysForPartnerships(
      text: string,
      sourceName: string,
      only?: string[],
    ): Promise<ImportResult & { partnerships?: number }> {
      const parsed = parseGovUkBankHolidays(text)
      if (!parsed.ok) return parsed
      const years = summarise(parsed.holidays)
      const ids = only ?? (await partnershipIds(db))
      const now = clock.now()
      await db.transaction().execute(async (trx) => {
        for (const partnershipId of ids) {
          await repo.replaceImportedHolidays(trx, partnershipId, parsed.holidays, null, now)
          await appendAuditEvent(
            trx,
            { partnershipId, personId: null, name: 'Command line (jtai holidays import)' },
            {
              action: 'holidays.imported',
              entityType: 'calendar',
              summary: `Loaded ${parsed.holidays.length} bank holidays (${yearSpan(years)})`,
              details: { count: parsed.holidays.length, years, sourceName },
            },
            now,
          )
        }
      })
      return { ok: true, count: parsed.holidays.length, years, partnerships: ids.length }
    },

    async addClosureDay(scope: Scope, date: string, title: string): Promise<void> {
      if (!isIsoDate(date)) throw new ValidationError({ date: 'Enter a real date' })
      await change(db, clock, actorOf(scope), async (trx, now) => {
        const existing = await repo.findClosureDay(trx, scope.partnershipId, date)
        if (existing) throw new ValidationError({ date: `${date} is already a closure day (${existing.title})` })
        await repo.insertClosureDay(trx, scope.partnershipId, { date, title }, scope.personId, now)
        return {
          result: undefined,
          audit: {
            action: 'closure-day.added',
            entityType: 'calendar',
            entityId: date,
            summary: `Added closure day ${date} (${title})`,
            details: { date, title },
          },
        }
      })
    },

    /** Removes a closure day; false when there was none on that date (so the route answers 404). */
    async removeClosureDay(scope: Scope, date: string): Promise<boolean> {
      if (!isIsoDate(date)) return false
      return change(db, clock, actorOf(scope), async (trx) => {
        const existing = await repo.findClosureDay(trx, scope.partnershipId, date)
        if (!existing) return { result: false, audit: [] }
        await repo.deleteClosureDay(trx, scope.partnershipId, date)
        return {
          result: true,
          audit: {
            action: 'closure-day.removed',
            entityType: 'calendar',
            entityId: date,
            summary: `Removed closure day ${date} (${existing.title})`,
            details: { date, title: existing.title },
          },
        }
      })
    },
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>
