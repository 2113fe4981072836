import { sql, type Kysely, type Selectable } from 'kysely'
import type { AnnexAImportsTable, AnnexAImportListsTable, Database, QueryReason } from '../../db/schema'
import { isUuid } from '../../shared/ids'

type Db = Kysely<Database>

// Every function takes the partnership id first: an id from another partnership is simply not found.

export type ImportRow = Selectable<AnnexAImportsTable> & {
  uploaded_by_name: string | null
  accepted_by_name: string | null
}
export type ImportListRow = Selectable<AnnexAImportListsTable>

export interface NewImport {
  inspectionId: string | null
  notifiedOn: string
  fileName: string
  fileKey: string
  sha256: string
  specVersion: string
  rowsRead: number
  errors: number
  queries: number
  uploadedBy: string | null
}

export async function insertImport(
  db: Db,
  partnershipId: string,
  f: NewImport,
  now: Date,
): Promise<Selectable<AnnexAImportsTable>> {
  return db
    .insertInto('annex_a_imports')
    .values({
      partnership_id: partnershipId,
      inspection_id: f.inspectionId,
      notified_on: f.notifiedOn,
      file_name: f.fileName,
      file_key: f.fileKey,
      sha256: f.sha256,
      spec_version: f.specVersion,
      status: 'validated',
      rows_read: f.rowsRead,
      errors: f.errors,
      queries: f.queries,
      uploaded_by: f.uploadedBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Counts from the latest validation of a file that has not been accepted yet. */
export async function updateImportCounts(
  db: Db,
  partnershipId: string,
  id: string,
  counts: { rowsRead: number; errors: number; queries: number },
): Promise<void> {
  await db
    .updateTable('annex_a_imports')
    .set({ rows_read: counts.rowsRead, errors: counts.errors, queries: counts.queries })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('status', '=', 'validated')
    .execute()
}

function importQuery(db: Db, partnershipId: string) {
  return db
    .selectFrom('annex_a_imports as i')
    .leftJoin('people as u', 'u.id', 'i.uploaded_by')
    .leftJoin('people as a', 'a.id', 'i.accepted_by')
    .selectAll('i')
    .select(['u.name as uploaded_by_name', 'a.name as accepted_by_name'])
    .where('i.partnership_id', '=', partnershipId)
}

export async function findImport(db: Db, partnershipId: string, id: string): Promise<ImportRow | undefined> {
  if (!isUuid(id)) return undefined
  return importQuery(db, partnershipId).where('i.id', '=', id).executeTakeFirst()
}

export async function listImports(db: Db, partnershipId: string): Promise<ImportRow[]> {
  return importQuery(db, partnershipId).orderBy('i.created_at', 'desc').execute()
}

export async function listsOfImports(db: Db, partnershipId: string): Promise<ImportListRow[]> {
  return db.selectFrom('annex_a_import_lists').selectAll().where('partnership_id', '=', partnershipId).execute()
}

export async function currentLists(db: Db, partnershipId: string): Promise<ImportListRow[]> {
  return db
    .selectFrom('annex_a_import_lists')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .execute()
}

export interface ChildRowInput {
  list: string
  theme: boolean
  row: number
  childId: string | null
  dob: string | null
  sex: string | null
  ethnicity: string | null
  disability: string | null
  legalStatus: string | null
  eventDate: string | null
  values: Record<string, string | number | null>
}

export interface ListInput {
  list: string
  title: string
  rowsRead: number
  errors: number
  queries: number
}

const INSERT_BATCH = 500

/**
 * Writes an import's rows and makes its lists the current version: each list it carries replaces
 * the partnership's previous version of that list, which is kept (not current) as history. An
 * earlier import with no current list left becomes 'superseded'. Call inside one transaction.
 * Returns the ids of the imports this one superseded.
 */
export async function acceptImport(
  trx: Db,
  partnershipId: string,
  importId: string,
  input: {
    lists: ListInput[]
    rows: Iterable<ChildRowInput>
    acceptedBy: string | null
    queriesReasons: QueryReason[]
  },
  now: Date,
): Promise<string[]> {
  const listNames = input.lists.map((l) => l.list)
  const replaced: string[] = []
  if (listNames.length) {
    const previous = await trx
      .updateTable('annex_a_import_lists')
      .set({ current: false, superseded_by: importId, superseded_at: now })
      .where('partnership_id', '=', partnershipId)
      .where('current', '=', true)
      .where('list', 'in', listNames)
      .returning('import_id')
      .execute()
    replaced.push(...new Set(previous.map((p) => p.import_id)))
    await trx
      .updateTable('annex_a_children')
      .set({ current: false })
      .where('partnership_id', '=', partnershipId)
      .where('current', '=', true)
      .where('list', 'in', listNames)
      .execute()
    await trx
      .insertInto('annex_a_import_lists')
      .values(
        input.lists.map((l) => ({
          partnership_id: partnershipId,
          import_id: importId,
          list: l.list,
          title: l.title,
          rows_read: l.rowsRead,
          errors: l.errors,
          queries: l.queries,
          current: true,
          superseded_by: null,
          superseded_at: null,
        })),
      )
      .execute()
  }
  let batch: ChildRowInput[] = []
  const flush = async () => {
    if (!batch.length) return
    await trx
      .insertInto('annex_a_children')
      .values(
        batch.map((r) => ({
          partnership_id: partnershipId,
          import_id: importId,
          list: r.list,
          theme: r.theme,
          row: r.row,
          child_id: r.childId,
          dob: r.dob,
          sex: r.sex,
          ethnicity: r.ethnicity,
          disability: r.disability,
          legal_status: r.legalStatus,
          event_date: r.eventDate,
          current: true,
          values: JSON.stringify(r.values),
        })),
      )
      .execute()
    batch = []
  }
  for (const row of input.rows) {
    batch.push(row)
    if (batch.length >= INSERT_BATCH) await flush()
  }
  await flush()
  await trx
    .updateTable('annex_a_imports')
    .set({
      status: 'accepted',
      accepted_by: input.acceptedBy,
      accepted_at: now,
      queries_reasons: input.queriesReasons.length ? JSON.stringify(input.queriesReasons) : null,
    })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', importId)
    .execute()

  const superseded: string[] = []
  for (const id of replaced) {
    const left = await trx
      .selectFrom('annex_a_import_lists')
      .select('list')
      .where('import_id', '=', id)
      .where('current', '=', true)
      .executeTakeFirst()
    if (!left) {
      await trx
        .updateTable('annex_a_imports')
        .set({ status: 'superseded' })
        .where('partnership_id', '=', partnershipId)
        .where('id', '=', id)
        .execute()
      superseded.push(id)
    }
  }
  return superseded
}

/** Every list accepted (now current or since replaced) from files tied to this inspection. */
export async function listsAcceptedForInspection(
  db: Db,
  partnershipId: string,
  inspectionId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('annex_a_import_lists as l')
    .innerJoin('annex_a_imports as i', 'i.id', 'l.import_id')
    .select('l.list')
    .distinct()
    .where('l.partnership_id', '=', partnershipId)
    .where('i.partnership_id', '=', partnershipId)
    .where('i.inspection_id', '=', inspectionId)
    .where('i.status', 'in', ['accepted', 'superseded'])
    .execute()
  return rows.map((r) => r.list)
}

// Remembered value mappings ---------------------------------------------------------------

export async function listMappings(db: Db, partnershipId: string): Promise<Map<string, Map<string, string>>> {
  const rows = await db
    .selectFrom('value_mappings')
    .select(['column_id', 'spelling', 'code'])
    .where('partnership_id', '=', partnershipId)
    .execute()
  const out = new Map<string, Map<string, string>>()
  for (const r of rows) {
    const column = out.get(r.column_id) ?? new Map<string, string>()
    column.set(r.spelling, r.code)
    out.set(r.column_id, column)
  }
  return out
}

export interface MappingInput {
  columnId: string
  spelling: string
  code: string
}

/** Remembers (or changes) what each spelling means for a column, for every later file. */
export async function upsertMappings(
  trx: Db,
  partnershipId: string,
  mappings: MappingInput[],
  createdBy: string | null,
  now: Date,
): Promise<void> {
  if (!mappings.length) return
  await trx
    .insertInto('value_mappings')
    .values(
      mappings.map((m) => ({
        partnership_id: partnershipId,
        column_id: m.columnId,
        spelling: m.spelling,
        code: m.code,
        created_by: createdBy,
        created_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['partnership_id', 'column_id', 'spelling']).doUpdateSet((eb) => ({
        code: eb.ref('excluded.code'),
        created_by: eb.ref('excluded.created_by'),
        created_at: eb.ref('excluded.created_at'),
      })),
    )
    .execute()
}

// The child register ----------------------------------------------------------------------

/** Age bands by whole years at the reference date; 'unknown' when no date of birth was given. */
export const AGE_BANDS = {
  'under-5': [0, 4],
  '5-9': [5, 9],
  '10-15': [10, 15],
  '16-17': [16, 17],
  '18-plus': [18, 200],
} as const satisfies Record<string, readonly [number, number]>
export type AgeBand = keyof typeof AGE_BANDS | 'unknown'

export interface RegisterFilter {
  list?: string | undefined
  legalStatus?: string | undefined
  ageBand?: AgeBand | undefined
  ethnicity?: string | undefined
  disability?: string | undefined
  theme?: boolean | undefined
}

export interface RegisterChild {
  child_id: string
  row_id: string
  lists: string[]
  dob: string | null
  age: number | null
  sex: string | null
  ethnicity: string | null
  disability: string | null
  legal_status: string | null
  first_event: string | null
  latest_event: string | null
}

function registerQuery(db: Db, partnershipId: string, filter: RegisterFilter, refDate: string) {
  let q = db
    .selectFrom('annex_a_children')
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('child_id', 'is not', null)
    .groupBy('child_id')
  if (filter.list) q = q.having(sql<boolean>`bool_or(list = ${filter.list})`)
  if (filter.legalStatus) q = q.having(sql<boolean>`bool_or(legal_status = ${filter.legalStatus})`)
  if (filter.ethnicity) q = q.having(sql<boolean>`bool_or(ethnicity = ${filter.ethnicity})`)
  if (filter.disability) q = q.having(sql<boolean>`bool_or(disability = ${filter.disability})`)
  if (filter.theme) q = q.having(sql<boolean>`bool_or(theme)`)
  if (filter.ageBand === 'unknown') q = q.having(sql<boolean>`max(dob) is null`)
  else if (filter.ageBand) {
    const [lo, hi] = AGE_BANDS[filter.ageBand]
    q = q.having(sql<boolean>`date_part('year', age(cast(${refDate} as date), max(dob))) between ${lo} and ${hi}`)
  }
  return q
}

/** Children across every current list, one row per Child Unique ID, a page at a time. */
export async function listRegister(
  db: Db,
  partnershipId: string,
  filter: RegisterFilter,
  refDate: string,
  page: { limit: number; offset: number },
): Promise<{ rows: RegisterChild[]; total: number }> {
  const base = registerQuery(db, partnershipId, filter, refDate)
  const rows = await base
    .select([
      sql<string>`child_id`.as('child_id'),
      // The opaque id the child's page is reached by: never the child's own id.
      sql<string>`(array_agg(id order by list, row))[1]`.as('row_id'),
      sql<string[]>`array_agg(distinct list)`.as('lists'),
      sql<string | null>`max(dob)`.as('dob'),
      sql<number | null>`date_part('year', age(cast(${refDate} as date), max(dob)))::int`.as('age'),
      sql<string | null>`max(sex)`.as('sex'),
      sql<string | null>`max(ethnicity)`.as('ethnicity'),
      sql<string | null>`max(disability)`.as('disability'),
      sql<string | null>`max(legal_status)`.as('legal_status'),
      sql<string | null>`min(event_date)`.as('first_event'),
      sql<string | null>`max(event_date)`.as('latest_event'),
    ])
    .orderBy('child_id')
    .limit(page.limit)
    .offset(page.offset)
    .execute()
  const total = await db
    .selectFrom(base.select(sql<string>`child_id`.as('child_id')).as('c'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return {
    rows: rows.map((r) => ({
      ...r,
      dob: dateText(r.dob),
      first_event: dateText(r.first_event),
      latest_event: dateText(r.latest_event),
    })),
    total: total.n,
  }
}

/** Values the register's filters can offer (what the current lists actually hold). */
export async function registerFacets(
  db: Db,
  partnershipId: string,
): Promise<{
  lists: string[]
  legalStatuses: string[]
  ethnicities: string[]
  disabilities: string[]
  hasTheme: boolean
}> {
  const distinct = async (column: 'list' | 'legal_status' | 'ethnicity' | 'disability') => {
    const rows = await db
      .selectFrom('annex_a_children')
      .select(sql<string>`${sql.ref(column)}`.as('v'))
      .distinct()
      .where('partnership_id', '=', partnershipId)
      .where('current', '=', true)
      .where('child_id', 'is not', null)
      .where(column, 'is not', null)
      .execute()
    return rows.map((r) => r.v).sort()
  }
  const theme = await db
    .selectFrom('annex_a_children')
    .select('id')
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('theme', '=', true)
    .limit(1)
    .executeTakeFirst()
  return {
    lists: await distinct('list'),
    legalStatuses: await distinct('legal_status'),
    ethnicities: await distinct('ethnicity'),
    disabilities: await distinct('disability'),
    hasTheme: Boolean(theme),
  }
}

export type ChildRow = Selectable<Database['annex_a_children']>

/** One stored row by its opaque id, if it is current. */
export async function findCurrentChildRow(db: Db, partnershipId: string, rowId: string): Promise<ChildRow | undefined> {
  if (!isUuid(rowId)) return undefined
  const row = await db
    .selectFrom('annex_a_children')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', rowId)
    .where('current', '=', true)
    .executeTakeFirst()
  return row && { ...row, dob: dateText(row.dob), event_date: dateText(row.event_date) }
}

/** Every current row for one child, from every list. */
export async function currentRowsOfChild(db: Db, partnershipId: string, childId: string): Promise<ChildRow[]> {
  const rows = await db
    .selectFrom('annex_a_children')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('current', '=', true)
    .where('child_id', '=', childId)
    .orderBy('list')
    .orderBy('row')
    .execute()
  return rows.map((row) => ({ ...row, dob: dateText(row.dob), event_date: dateText(row.event_date) }))
}

/** Every current row, a page at a time (for the Ofsted workbook). */
export async function* currentRows(db: Db, partnershipId: string, pageSize = 2000): AsyncGenerator<ChildRow> {
  let offset = 0
  for (;;) {
    const rows = await db
      .selectFrom('annex_a_children')
      .selectAll()
      .where('partnership_id', '=', partnershipId)
      .where('current', '=', true)
      .orderBy('list')
      .orderBy('row')
      .orderBy('id')
      .limit(pageSize)
      .offset(offset)
      .execute()
    yield* rows
    if (rows.length < pageSize) return
    offset += pageSize
  }
}

/** Which of these stored file keys an import still refers to (for the file store's sweep). */
export async function referencedFileKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (!keys.length) return new Set()
  const rows = await db.selectFrom('annex_a_imports').select('file_key').where('file_key', 'in', keys).execute()
  return new Set(rows.map((r) => r.file_key))
}

/** Aggregates over DATE columns come back as text or Date depending on the driver path; always 'YYYY-MM-DD'. */
function dateText(value: string | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  return value.slice(0, 10)
}
