import { z } from 'zod'

/** Cell types the Annex A spec uses. `text_or_code` is free text that may also be one of a few special codes. */
export const columnTypeSchema = z.enum(['text', 'code', 'date', 'integer', 'postcode', 'text_or_code'])
export type ColumnType = z.infer<typeof columnTypeSchema>

/** One column as written in the spec YAML (ILACS or a framework's theme list). */
export const rawColumnSchema = z.object({
  name: z.string().min(1),
  id: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .optional(),
  type: columnTypeSchema,
  required: z.boolean(),
  header_regex: z.array(z.string()).optional(),
  aliases: z.array(z.string()).optional(),
  codelist: z.string().optional(),
  min: z.number().optional(),
  allow_decimal: z.boolean().optional(),
  note: z.string().optional(),
})

/** Which rows belong in a list: an event in the last `months`, or still open at inspection. */
export const rawPeriodSchema = z.object({
  months: z.number().int().positive(),
  /** Columns (names or ids) whose dates place a row in the period. Empty: every row is in scope. */
  event_columns: z.array(z.string()).default([]),
  /** When all of these are blank the row is open at inspection and always in scope. */
  open_when_blank: z.array(z.string()).default([]),
})

export const rawListSchema = z.object({
  title: z.string().min(1),
  scope: z.string().optional(),
  columns: z.array(rawColumnSchema).min(1),
  period: rawPeriodSchema.optional(),
  /** Pairs [earlier, later] of date columns (names or ids) that must not be out of order. */
  date_order: z.array(z.tuple([z.string(), z.string()])).optional(),
  /** Column (name or id) identifying a child across lists; omitted for lists of adults (e.g. adopters). */
  child_id_column: z.string().nullable().optional(),
})

export const rawCodeSchema = z.object({ code: z.string().min(1), label: z.string(), note: z.string().optional() })

/**
 * The file format for the ILACS spec and for theme lists supplied by a framework
 * (e.g. children at risk of criminal exploitation): lists keyed by their name, plus code lists.
 */
export const annexASpecFileSchema = z.object({
  source: z.string().optional(),
  date_format: z.string().optional(),
  lists: z.record(z.string(), rawListSchema),
  codelists: z.record(z.string(), z.array(rawCodeSchema)).default({}),
  changes: z.array(z.object({ year: z.number(), change: z.string() })).optional(),
})
export type AnnexASpecFile = z.infer<typeof annexASpecFileSchema>
export type RawList = z.infer<typeof rawListSchema>

export interface CodeEntry {
  code: string
  label: string
}

export interface CodeList {
  name: string
  entries: CodeEntry[]
}

export interface ColumnSpec {
  /** Stable across spec versions (Gender in 2023 and Sex in 2026 are both `gender`). */
  id: string
  label: string
  type: ColumnType
  required: boolean
  /** Header spellings, already normalised with normaliseHeader. */
  aliases: string[]
  patterns: RegExp[]
  codeList: CodeList | null
  min: number | null
  /** Whole numbers expected, but decimals accepted and rounded down (ages are often exported as 6.14). */
  allowDecimal: boolean
}

export interface PeriodRule {
  months: number
  eventColumns: string[]
  openWhenBlank: string[]
}

export interface ListSpec {
  /** The list's name as Ofsted writes it, e.g. "List 3" or a theme list's title. */
  key: string
  /** 1–11 for ILACS lists; null for theme lists. */
  number: number | null
  title: string
  scope: string
  columns: ColumnSpec[]
  period: PeriodRule | null
  dateOrder: Array<[string, string]>
  childIdColumn: string | null
  specVersion: string
}

export interface ListLibrary {
  specVersion: string
  lists: ListSpec[]
}
