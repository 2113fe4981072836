import type { MappingMethod } from './codeMatcher'
import type { RuleId, Severity } from './rules'

/** One finding. `list` is null for problems with the file itself; `row` is the spreadsheet's own row number. */
export interface Problem {
  rule: RuleId
  severity: Severity
  list: string | null
  row: number | null
  /** The column's label in the spec (or the header as written, for unmatched headers). */
  column: string | null
  value: string | null
  message: string
}

export interface ListSummary {
  list: string
  title: string
  /** The sheet (or CSV file name) the list was read from. */
  sheet: string
  headerRow: number
  rowsRead: number
  /** Rows with no errors (queries do not block). */
  rowsAccepted: number
  rowsWithProblems: number
  errors: number
  queries: number
}

export interface RuleSummary {
  rule: RuleId
  severity: Severity
  title: string
  count: number
}

/** Values a person needs to map once per column; the importer stores their answer as a remembered mapping. */
export interface UnmappedValueGroup {
  list: string
  columnId: string
  column: string
  /** The value as first written in the file. */
  value: string
  /** The key to store a remembered mapping under (normaliseValue of the value). */
  normalised: string
  count: number
  /** Up to 20 spreadsheet row numbers, for showing examples. */
  rows: number[]
  /** The code list to choose from. */
  codes: string[]
}

export type NormalisedValue = string | number | null

/** A row ready for the importer: codes as Ofsted writes them, dates as 'YYYY-MM-DD', whole numbers as numbers. */
export interface NormalisedRow {
  list: string
  row: number
  /** The child's id (lists with a child id column), for the child register. */
  childId: string | null
  values: Record<string, NormalisedValue>
  errors: number
  queries: number
}

export interface FileInfo {
  fileName: string
  format: 'xlsx' | 'csv' | null
  encoding: string | null
  date1904: boolean
  /** Sheets that matched no list and were ignored. */
  ignoredSheets: string[]
}

/** A list by its key and title, e.g. "List 3" (Referrals) or a theme list named by its title. */
export interface ListRef {
  list: string
  title: string
}

/**
 * For an import tied to an inspection whose framework says which Annex A lists it asks for: those lists,
 * the ones not found in the file, and the lists found that it does not ask for (read past, not checked).
 */
export interface RequestedLists {
  asked: ListRef[]
  missing: ListRef[]
  ignored: (ListRef & { sheet: string })[]
}

export interface AnnexAValidationResult {
  /** False when the file could not be read at all; `problems` then holds the one reason. */
  readable: boolean
  specVersion: string
  notified: string
  file: FileInfo
  lists: ListSummary[]
  problemsByRule: RuleSummary[]
  problems: Problem[]
  unmapped: UnmappedValueGroup[]
  rows: NormalisedRow[]
  /** Set when the import was checked against the lists an inspection's framework asks for; otherwise ILACS lists 1–11. */
  requested?: RequestedLists
  /** How each code column's values were mapped, counted by method, e.g. { "List 3/gender": { exact: 10, synonym: 2 } }. */
  mappingMethods: Record<string, Partial<Record<MappingMethod, number>>>
}

/** Progress while validating: rows read so far, the list being read and how much of the file is read. */
export interface ValidationProgress {
  rowsRead: number
  list: string | null
  /** 0–100, how much of the file's text has been read (an estimate: rows vary in length); null if unknown. */
  percent: number | null
}
