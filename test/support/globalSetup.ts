import type { TestProject } from 'vitest/node'
import { startPostgres, type RunningPostgres } from './postgres'

let pg: RunningPostgres | undefined

/**
 * Starts a throwaway PostgreSQL server for repository tests, so every repository test runs on
 * PGlite and on real PostgreSQL. Set TEST_POSTGRES=off to skip it on a machine without PostgreSQL;
 * CI never skips it.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_POSTGRES === 'off' && process.env.CI !== 'true') {
    project.provide('postgresUrl', '')
    return
  }
  pg = await startPostgres()
  project.provide('postgresUrl', pg.url)
}

export async function teardown(): Promise<void> {
  await pg?.stop()
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}
