/** Characters that make Excel, LibreOffice or Sheets treat a cell as a formula (or DDE) when typed or imported. */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r'])

/**
 * Makes text safe to put in a spreadsheet cell: a leading formula trigger gets a single quote in front so the
 * value is shown, never evaluated (CSV/formula injection). Text that does not start with a trigger is unchanged.
 */
export function safeCellText(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0] ?? '') ? `'${text}` : text
}
