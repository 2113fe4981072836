import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../../../src/db/database'

let template: string | undefined

/**
 * Makes one data directory holding the embedded database as the app's first start leaves it
 * (initdb, every migration, no rows), for the e2e tests whose subject is not the first start:
 * startApp({ migrated: true }) and migratedDataDir() copy it instead of each app paying for initdb
 * and the migrations. The smoke and foundation tests still start the app on an empty directory.
 */
export async function setup(project: TestProject): Promise<void> {
  template = mkdtempSync(join(tmpdir(), 'jtai-e2e-template-'))
  const handle = await openDatabase({ dataDir: template })
  await handle.close()
  project.provide('e2eMigratedDataDir', template)
}

export function teardown(): void {
  if (template) rmSync(template, { recursive: true, force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eMigratedDataDir: string
  }
}
