import type { SynonymSeed } from './synonymSeed'
import type { NormalisedRow, Problem, UnmappedValueGroup } from './resultModel'
import { RULES, type RuleId } from './rules'
import type { MappingMethod } from './codeMatcher'

/** Column id → normalised spelling → code, as the partnership mapped them before. */
export type RememberedMappings = Map<string, Map<string, string>>

/** Shared state for one validation run: settings, and where every list's findings are collected. */
export class ValidationContext {
  readonly problems: Problem[] = []
  readonly rows: NormalisedRow[] = []
  readonly unmapped = new Map<string, UnmappedValueGroup>()
  readonly mappingMethods: Record<string, Partial<Record<MappingMethod, number>>> = {}
  /** First sighting of each child, for cross-list consistency. */
  readonly children = new Map<string, { dob: string | null; sex: string | null; list: string; row: number }>()
  rowsRead = 0

  constructor(
    readonly notified: string,
    public date1904: boolean,
    readonly seed: SynonymSeed,
    readonly remembered: RememberedMappings,
    private readonly onRowRead: (rowsRead: number, list: string) => void,
  ) {}

  /** Two-digit years up to this are read as 20yy. */
  get pivotYear(): number {
    return Number(this.notified.slice(2, 4))
  }

  /** Records a problem, counting it against its row when one is given. */
  add(rule: RuleId, fields: Omit<Problem, 'rule' | 'severity'>, row?: NormalisedRow): void {
    const severity = RULES[rule].severity
    // Copied field by field (same key order as before) rather than spread: this runs for every problem.
    this.problems.push({
      rule,
      severity,
      list: fields.list,
      row: fields.row,
      column: fields.column,
      value: fields.value,
      message: fields.message,
    })
    if (row) {
      if (severity === 'error') row.errors++
      else row.queries++
    }
  }

  rowRead(list: string): void {
    this.rowsRead++
    this.onRowRead(this.rowsRead, list)
  }
}
