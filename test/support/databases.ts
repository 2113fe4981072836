import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { openDatabase, type DatabaseHandle } from '../../src/db/database'
import { openTestPglite } from './pglite'

export interface TestDatabase {
  name: 'pglite' | 'postgres'
  open(): Promise<DatabaseHandle>
}

/**
 * The databases every repository test runs on: an in-memory PGlite, and a fresh database on the
 * throwaway PostgreSQL server the test run started (unless TEST_POSTGRES=off outside CI).
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'pglite', open: openTestPglite }]
  const url = inject('postgresUrl')
  if (url) list.push({ name: 'postgres', open: () => openFreshPostgres(url) })
  return list
}

async function openFreshPostgres(serverUrl: string): Promise<DatabaseHandle> {
  const dbName = `t_${randomUUID().replace(/-/g, '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${dbName}`
  const handle = await openDatabase({ databaseUrl: url.toString() })
  return {
    ...handle,
    async close() {
      await handle.close()
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      await c.query(`drop database if exists ${dbName} with (force)`)
      await c.end()
    },
  }
}
