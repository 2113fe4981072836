/** Annex A rules and types: pure, no I/O. Reading and writing files is in src/features/annexA/files. */
export { type AnnexASpecFile, type ListLibrary, type ListSpec } from './specSchema'
export { buildListLibrary } from './loadSpec'
export type { AcceptedChild } from './crossListChecks'
export { RULES } from './rules'
export type * from './resultModel'
