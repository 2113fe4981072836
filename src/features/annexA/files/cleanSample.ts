import { pathToFileURL } from 'node:url'
import { ageInYears, minusMonths } from '../../../domain/annexA/calendarDates'
import type {
  AnnexAValidationResult,
  NormalisedRow,
  NormalisedValue,
  Problem,
} from '../../../domain/annexA/resultModel'
import type { ListLibrary, ListSpec } from '../../../domain/annexA/specSchema'
import { CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED, SAMPLE_WORKBOOK } from './samples'
import { ilacsLibrary, specVersionFor } from './specCache'
import { validateAnnexAFile } from './validateAnnexAFile'
import { writeOfstedWorkbook } from './writeOfstedWorkbook'

/**
 * Writes the cleaned companion of the sample workbook, never by hand: the sample's own rows as the checks
 * read them (Ofsted codes, dates, the saved values of formulas), in the Ofsted layout, corrected by the rules
 * below until the checks find nothing, neither an error nor a query. Each child keeps one date of birth, sex
 * and ethnicity (the first list's); a child on a child protection plan gets the List 6 row every such child
 * has; blank required cells are filled; dates are moved only as far as their rule needs. Throws if anything
 * is left that no rule corrects.
 *
 *   npx tsx src/features/annexA/files/cleanSample.ts   (writes reference/annex-a/samples/Annex_A_sample_cleaned.xlsx)
 */
export async function writeCleanSample(
  outputPath: string = CLEAN_SAMPLE_WORKBOOK,
): Promise<{ result: AnnexAValidationResult; corrections: string[] }> {
  const sample = await validateAnnexAFile(SAMPLE_WORKBOOK, { notified: SAMPLE_NOTIFIED })
  if (!sample.readable)
    throw new Error(`The sample workbook could not be read: ${sample.problems[0]?.message ?? 'no reason given'}`)
  const library = ilacsLibrary(specVersionFor(SAMPLE_NOTIFIED))
  const specs = new Map(library.lists.map((l) => [l.key, l]))
  const rows = sample.rows.map((r) => ({ ...r, values: { ...r.values }, errors: 0, queries: 0 }))
  const corrections: string[] = []
  oneIdentityPerChild(rows, corrections)
  addChildrenInNeed(rows, library, corrections)
  for (let round = 0; round < 6; round++) {
    renumber(rows, library)
    await writeOfstedWorkbook(rows, library, outputPath)
    const check = await validateAnnexAFile(outputPath, { notified: SAMPLE_NOTIFIED })
    if (check.readable && !check.problems.length) return { result: check, corrections }
    for (const p of check.problems) correct(p, rows, specs, corrections)
  }
  const left = await validateAnnexAFile(outputPath, { notified: SAMPLE_NOTIFIED })
  throw new Error(
    `The cleaned sample still has ${left.problems.length} findings:\n${left.problems.map(describe).join('\n')}`,
  )
}

const describe = (p: Problem) => `${p.list ?? 'File'} row ${p.row ?? '-'} ${p.column ?? ''} [${p.rule}] ${p.message}`

/** Rows numbered as writeOfstedWorkbook writes them (from row 2, in order), so findings point back at them. */
function renumber(rows: NormalisedRow[], library: ListLibrary): void {
  for (const list of library.lists) {
    const mine = rows.filter((r) => r.list === list.key).sort((a, b) => a.row - b.row)
    mine.forEach((r, i) => (r.row = i + 2))
  }
}

const IDENTITY = ['date_of_birth', 'gender', 'ethnicity'] as const

/** One date of birth, sex and ethnicity per child: the first list's, wherever another list disagrees or is blank. */
function oneIdentityPerChild(rows: NormalisedRow[], corrections: string[]): void {
  const first = new Map<string, Record<string, NormalisedValue>>()
  for (const r of rows) {
    if (!r.childId) continue
    const known = first.get(r.childId) ?? {}
    for (const id of IDENTITY) if (known[id] == null && r.values[id] != null) known[id] = r.values[id]!
    first.set(r.childId, known)
  }
  for (const r of rows) {
    const known = r.childId ? first.get(r.childId) : undefined
    if (!known) continue
    for (const id of IDENTITY)
      if (id in r.values && known[id] != null && r.values[id] !== known[id]) {
        corrections.push(`${r.list} row ${r.row}: ${id} as in the child's first list`)
        r.values[id] = known[id]!
      }
  }
}

/** A child on a child protection plan (List 7) is a child in need: add a List 6 row for each one missing. */
function addChildrenInNeed(rows: NormalisedRow[], library: ListLibrary, corrections: string[]): void {
  const cin = library.lists.find((l) => l.number === 6)!
  const inCin = new Set(rows.filter((r) => r.list === cin.key).map((r) => r.childId))
  let next = Math.max(0, ...rows.filter((r) => r.list === cin.key).map((r) => r.row)) + 1
  for (const cp of rows.filter((r) => r.list === 'List 7' && r.childId && !inCin.has(r.childId))) {
    inCin.add(cp.childId)
    const values: Record<string, NormalisedValue> = {}
    for (const c of cin.columns) values[c.id] = cp.values[c.id] ?? null
    values.cin_start_date = cp.values.child_protection_plan_start_date ?? null
    values.primary_need_code = 'N1 - Abuse or neglect'
    values.case_status = 'b) Child Protection plan'
    rows.push({ list: cin.key, row: next++, childId: cp.childId, values, errors: 0, queries: 0 })
    corrections.push(`List 6: added child ${cp.childId ?? ''}, on a child protection plan in List 7`)
  }
}

/** What fills a blank required cell, by column id (text) or type. */
const TEXT_FILLS: Record<string, string> = {
  allocated_team: 'Sample team',
  allocated_worker: 'Sample worker',
  allocated_personal_advisor: 'Sample personal advisor',
  placement_location: 'Inside the local authority',
}

function correct(p: Problem, rows: NormalisedRow[], specs: Map<string, ListSpec>, corrections: string[]): void {
  const spec = p.list ? specs.get(p.list) : undefined
  const row = rows.find((r) => r.list === p.list && r.row === p.row)
  const column = spec?.columns.find((c) => c.label === p.column)
  if (!spec || !row) throw new Error(`No rule corrects ${describe(p)}`)
  const at = `${spec.key} row ${row.row}`
  const set = (id: string, value: NormalisedValue, why: string) => {
    row.values[id] = value
    corrections.push(`${at}: ${id} ${why}`)
  }
  const dob = typeof row.values.date_of_birth === 'string' ? row.values.date_of_birth : null
  switch (p.rule) {
    case 'cell.required': {
      if (!column) break
      const sameChild = rows.find((r) => r.childId === row.childId && r !== row && r.values[column.id] != null)
      const value =
        sameChild?.values[column.id] ??
        (column.type === 'code'
          ? (column.codeList?.entries[0]?.code ?? null)
          : column.type === 'postcode'
            ? 'ZZ99 3CZ'
            : column.type === 'date'
              ? SAMPLE_NOTIFIED
              : column.type === 'integer'
                ? 0
                : (TEXT_FILLS[column.id] ?? 'Sample'))
      return set(column.id, value, 'filled in')
    }
    case 'date.after-notification':
      if (column) return set(column.id, SAMPLE_NOTIFIED, 'moved back to the notification date')
      break
    case 'date.before-birth':
      if (column && dob) return set(column.id, dob, 'moved to the date of birth')
      break
    case 'age.mismatch':
      if (column && dob) return set(column.id, ageInYears(dob, SAMPLE_NOTIFIED), 'worked out from the date of birth')
      break
    case 'period.outside':
      return intoPeriod(row, spec, corrections, at)
  }
  throw new Error(`No rule corrects ${describe(p)}`)
}

/** Moves a row's dates (never its date of birth) forward by whole months until its latest is in the list's period. */
function intoPeriod(row: NormalisedRow, spec: ListSpec, corrections: string[], at: string): void {
  const start = minusMonths(SAMPLE_NOTIFIED, spec.period?.months ?? 6)
  const dates = spec.columns.filter(
    (c) => c.type === 'date' && c.id !== 'date_of_birth' && typeof row.values[c.id] === 'string',
  )
  const latest = dates
    .map((c) => row.values[c.id] as string)
    .sort()
    .at(-1)
  if (!latest) throw new Error(`${at} has no date to move into the period`)
  let months = 0
  while (minusMonths(latest, -months) < start) months++
  for (const c of dates) row.values[c.id] = minusMonths(row.values[c.id] as string, -months)
  corrections.push(`${at}: dates moved ${months} months later, into the ${spec.period?.months ?? 6}-month period`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { corrections } = await writeCleanSample()
  console.log(`Wrote ${CLEAN_SAMPLE_WORKBOOK} (${corrections.length} corrections)`)
}
