import type { Kysely } from 'kysely'
import type { Holiday } from '../../domain/calendar'
import type { Database } from '../../db/schema'

type Db = Kysely<Database>

// Imported bank holidays and closure days are kept per partnership (see calendarService).

export async function importedHolidays(db: Db, partnershipId: string): Promise<(Holiday & { imported_at: Date })[]> {
  return db
    .selectFrom('imported_holidays')
    .select(['date', 'title', 'imported_at'])
    .where('partnership_id', '=', partnershipId)
    .orderBy('date')
    .execute()
}

/** Replaces the partnership's imported list with `holidays` (a gov.uk file is always the full list). */
export async function replaceImportedHolidays(
  db: Db,
  partnershipId: string,
  holidays: readonly Holiday[],
  importedBy: string | null,
  now: Date,
): Promise<void> {
  await db.deleteFrom('imported_holidays').where('partnership_id', '=', partnershipId).execute()
  const rows = holidays.map((h) => ({
    partnership_id: partnershipId,
    date: h.date,
    title: h.title,
    imported_by: importedBy,
    imported_at: now,
  }))
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('imported_holidays')
      .values(rows.slice(i, i + 500))
      .execute()
}

export interface ClosureRow extends Holiday {
  created_by_name: string | null
  created_at: Date
}

export async function closureDays(db: Db, partnershipId: string): Promise<ClosureRow[]> {
  return db
    .selectFrom('closure_days as c')
    .leftJoin('people as p', 'p.id', 'c.created_by')
    .select(['c.date', 'c.title', 'c.created_at', 'p.name as created_by_name'])
    .where('c.partnership_id', '=', partnershipId)
    .orderBy('c.date')
    .execute()
}

export async function findClosureDay(db: Db, partnershipId: string, date: string): Promise<Holiday | undefined> {
  return db
    .selectFrom('closure_days')
    .select(['date', 'title'])
    .where('partnership_id', '=', partnershipId)
    .where('date', '=', date)
    .executeTakeFirst()
}

export async function insertClosureDay(
  db: Db,
  partnershipId: string,
  day: Holiday,
  createdBy: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('closure_days')
    .values({ partnership_id: partnershipId, date: day.date, title: day.title, created_by: createdBy, created_at: now })
    .execute()
}

export async function deleteClosureDay(db: Db, partnershipId: string, date: string): Promise<void> {
  await db.deleteFrom('closure_days').where('partnership_id', '=', partnershipId).where('date', '=', date).execute()
}

/** Every partnership's id, for the command line's import (which has no signed-in partnership). */
