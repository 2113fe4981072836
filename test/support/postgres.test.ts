import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'

describe('test PostgreSQL server', () => {
  it.runIf(inject('postgresUrl'))('answers queries', async () => {
    const client = new pg.Client({ connectionString: inject('postgresUrl') })
    await client.connect()
    const { rows } = await client.query('select 1 as one')
    await client.end()
    expect(rows).toEqual([{ one: 1 }])
  })
})
