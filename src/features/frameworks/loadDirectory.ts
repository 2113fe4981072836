import { readdir, readFile } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseFramework, type FrameworkProblem } from '../../domain/frameworks/parse'
import type { Framework } from '../../domain/frameworks/schema'

/** The frameworks/ folder shipped at the repository root. */
export function bundledFrameworksDirectory(): string {
  return fileURLToPath(new URL('../../../frameworks/', import.meta.url))
}

/** Every valid framework in a folder, plus the problems in those that are not. */
export interface FrameworkDirectory {
  frameworks: Framework[]
  errors: FrameworkProblem[]
}

const FRAMEWORK_FILE = /\.(json|ya?ml)$/i

/**
 * Loads every .json/.yaml/.yml file in `dir` as a framework, sorted by id. A file with problems is
 * left out and its problems reported; a framework id must match its file name and be unique, so
 * one file can always be found by id.
 */
export async function loadFrameworksFromDirectory(dir: string): Promise<FrameworkDirectory> {
  const names = (await readdir(dir)).filter((n) => FRAMEWORK_FILE.test(n)).sort()
  const frameworks: Framework[] = []
  const errors: FrameworkProblem[] = []
  for (const name of names) {
    const result = parseFramework(await readFile(join(dir, name), 'utf8'), name)
    if (!result.ok) {
      errors.push(...result.errors)
      continue
    }
    const expected = basename(name, extname(name))
    if (result.framework.id !== expected) {
      errors.push({ source: name, path: 'id', message: `is "${result.framework.id}" but the file is named "${name}"; rename one so they match` })
      continue
    }
    if (frameworks.some((f) => f.id === result.framework.id)) {
      errors.push({ source: name, path: 'id', message: `"${result.framework.id}" is already used by another file in the folder` })
      continue
    }
    frameworks.push(result.framework)
  }
  return { frameworks: frameworks.sort((a, b) => a.id.localeCompare(b.id)), errors }
}
