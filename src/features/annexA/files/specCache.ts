import type { IlacsSpecVersion } from '../../../domain/annexA/loadSpec'
import { loadIlacsLibrary } from './bundledSpec'
import type { ListLibrary } from '../../../domain/annexA/specSchema'

const libraries = new Map<IlacsSpecVersion, ListLibrary>()

/** The ILACS library for a version, parsed once per process. */
export function ilacsLibrary(version: IlacsSpecVersion): ListLibrary {
  let lib = libraries.get(version)
  if (!lib) {
    lib = loadIlacsLibrary(version)
    libraries.set(version, lib)
  }
  return lib
}

/** The spec version in force for an inspection: "Sex" replaces "Gender" from 2026. */
export function specVersionFor(notified: string): IlacsSpecVersion {
  return notified >= '2026-01-01' ? 'ilacs-2026' : 'ilacs-2023'
}
