export type Severity = 'error' | 'query'

/**
 * Every rule the validator applies, with a stable id (pages and stored mappings refer to these) and its severity.
 * Errors stop a row being accepted; queries ask a person to check but do not block.
 */
export const RULES = {
  // The file as a whole
  'file.empty': { severity: 'error', title: 'Empty file' },
  'file.not-spreadsheet': { severity: 'error', title: 'Not a spreadsheet' },
  'file.wrong-extension': { severity: 'error', title: 'File extension does not match its content' },
  'file.legacy-xls': { severity: 'error', title: 'Old Excel 97–2003 format' },
  'file.password-protected': { severity: 'error', title: 'Password-protected workbook' },
  'file.macro-enabled': { severity: 'error', title: 'Workbook contains macros' },
  'file.not-workbook': { severity: 'error', title: 'Zip file that is not a workbook' },
  'file.opendocument': { severity: 'error', title: 'OpenDocument spreadsheet' },
  'file.xml-or-html': { severity: 'error', title: 'XML or HTML export' },
  'file.too-large': { severity: 'error', title: 'File too large' },
  'file.unreadable': { severity: 'error', title: 'File could not be read' },
  'zip.broken': { severity: 'error', title: 'Damaged workbook' },
  'zip.too-many-entries': { severity: 'error', title: 'Too many internal files' },
  'zip.too-large': { severity: 'error', title: 'Workbook expands too large' },
  'zip.bomb': { severity: 'error', title: 'Implausible compression (zip bomb)' },
  'zip.encrypted': { severity: 'error', title: 'Encrypted workbook' },
  'xlsx.unreadable': { severity: 'error', title: 'Part of the workbook unreadable' },
  'csv.malformed': { severity: 'error', title: 'Malformed CSV' },
  'workbook.no-lists': { severity: 'error', title: 'No Annex A list found' },
  'workbook.date1904': { severity: 'query', title: 'Workbook uses the 1904 date system' },
  'workbook.list-missing': { severity: 'query', title: 'List not in the workbook' },
  // Sheets and headers
  'sheet.header-not-found': { severity: 'error', title: 'No header row found' },
  'sheet.duplicate-list': { severity: 'error', title: 'Same list on two sheets' },
  'sheet.name-mismatch': { severity: 'query', title: 'Sheet name and columns disagree' },
  'header.missing-required': { severity: 'error', title: 'Required column missing' },
  'header.missing-optional': { severity: 'query', title: 'Optional column missing' },
  'header.duplicate': { severity: 'error', title: 'Column appears twice' },
  'header.unmatched': { severity: 'query', title: 'Column not in the Annex A specification' },
  // Cells
  'cell.required': { severity: 'error', title: 'Required cell is blank' },
  'cell.excel-error': { severity: 'error', title: 'Excel error value in a cell' },
  'cell.formula': { severity: 'query', title: 'Formulas (calculated values used)' },
  'cell.formula-no-result': { severity: 'error', title: 'Formula with no saved value' },
  'cell.unmapped': { severity: 'error', title: 'Value not recognised for this column' },
  'cell.integer': { severity: 'error', title: 'Not a whole number' },
  'cell.below-minimum': { severity: 'error', title: 'Number below the minimum' },
  'cell.date': { severity: 'error', title: 'Not a date' },
  'cell.date-ambiguous': { severity: 'query', title: 'Date could be day/month or month/day' },
  'cell.date-month-first': { severity: 'query', title: 'Date written month first' },
  'cell.date-two-digit-year': { severity: 'query', title: 'Two-digit year' },
  'cell.postcode': { severity: 'error', title: 'Not a valid postcode' },
  // Rows and lists
  'period.outside': { severity: 'query', title: 'Row outside the list’s period' },
  'date.after-notification': { severity: 'query', title: 'Date after the notification date' },
  'date.order': { severity: 'error', title: 'Dates in the wrong order' },
  'date.before-birth': { severity: 'query', title: 'Event before the date of birth' },
  'dob.future': { severity: 'query', title: 'Date of birth in the future' },
  'age.mismatch': { severity: 'query', title: 'Age does not match date of birth' },
  'row.duplicate': { severity: 'query', title: 'Duplicate row' },
  'child.inconsistent-dob': { severity: 'query', title: 'Child has different dates of birth in different lists' },
  'child.inconsistent-sex': { severity: 'query', title: 'Child has a different sex in different lists' },
  'cp.missing-from-cin': { severity: 'query', title: 'Child protection child missing from children in need' },
  'internal.error': { severity: 'error', title: 'Validation could not finish' },
} as const satisfies Record<string, { severity: Severity; title: string }>

export type RuleId = keyof typeof RULES

/** Narrows a string to a RuleId (FileRefusal carries its rule as a string). */
export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(RULES, value)
}
