/** A spreadsheet cell reduced to what validation needs, whichever reader produced it. */
export type RawCell =
  | { kind: 'blank'; formula?: FormulaFlag }
  | { kind: 'text'; text: string; formula?: FormulaFlag }
  | { kind: 'number'; value: number; formula?: FormulaFlag }
  /**
   * A native Excel date cell, already a calendar date; `time` ('HH:MM', to the minute) only when the cell also
   * holds a time of day (a date-time, or a time alone on Excel's day 0). Annex A reads only the date.
   */
  | { kind: 'date'; iso: string; time?: string; formula?: FormulaFlag }
  | { kind: 'bool'; value: boolean; formula?: FormulaFlag }
  /** An Excel error value such as #N/A or #REF!. */
  | { kind: 'error'; text: string; formula?: FormulaFlag }

/** 'cached': a formula whose last calculated value we used; 'no-result': a formula Excel never saved a value for. */
export type FormulaFlag = 'cached' | 'no-result'

export const BLANK: RawCell = { kind: 'blank' }

/** One spreadsheet row: its own 1-based row number and cells by 0-based column position. */
export interface RawRow {
  row: number
  cells: RawCell[]
}

/** The text a person would see in the cell, for messages and duplicate detection. */
export function cellDisplay(cell: RawCell): string {
  switch (cell.kind) {
    case 'blank':
      return ''
    case 'text':
      return cell.text
    case 'number':
      return String(cell.value)
    case 'date':
      return cell.iso
    case 'bool':
      return cell.value ? 'TRUE' : 'FALSE'
    case 'error':
      return cell.text
  }
}
