/** Annex A files: reading workbooks and CSVs, checking them (in a worker), writing reports and exports. */
export { loadExtraHeaderAliases } from './bundledSpec'
export { ilacsLibrary, specVersionFor } from './specCache'
export { type ValidateOptions } from './validateAnnexAFile'
export { validateInProcess, validateInWorker } from './validateInWorker'
export { writeProblemReport } from './writeProblemReport'
export { writeOfstedWorkbook } from './writeOfstedWorkbook'
