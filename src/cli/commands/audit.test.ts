import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/database'
import type { CliIo } from '../types'
import { auditCommand } from './audit'
import { demoCommand } from './demo'

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) }
  return io
}

describe('jtai demo and jtai audit verify', () => {
  let dir: string
  const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jtai-cli-'))
    process.env.DATA_DIR = dir
    delete process.env.DATABASE_URL
    // Vitest sets BASE_URL='/' for Vite; the app reads BASE_URL as its public address.
    delete process.env.BASE_URL
  })
  afterAll(() => {
    process.env.DATA_DIR = saved.DATA_DIR
    if (saved.DATABASE_URL) process.env.DATABASE_URL = saved.DATABASE_URL
    rmSync(dir, { recursive: true, force: true })
  })

  it('loads the demo, prints credentials, and verifies the chain', async () => {
    const io = capture()
    expect(await demoCommand.run([], io)).toBe(0)
    expect(io.out).toContain('admin@anytown.example')
    expect(io.out).toMatch(/password: demo-[0-9a-f]{12}/)
    expect(io.out).toMatch(/TOTP: {5}[A-Z2-7]{32}/)
    const verify = capture()
    expect(await auditCommand.run(['verify'], verify)).toBe(0)
    expect(verify.out).toBe('OK 1 events\n')
  }, 120_000)

  it('exits non-zero and names the first broken event', async () => {
    const h = await openDatabase({ dataDir: dir })
    await sql`alter table audit_events disable trigger audit_events_no_change`.execute(h.db)
    await h.db.updateTable('audit_events').set({ summary: 'tampered' }).where('seq', '=', 1).execute()
    await h.close()
    const io = capture()
    expect(await auditCommand.run(['verify'], io)).toBe(1)
    expect(io.err).toContain('breaks at event 1')
  }, 120_000)

  it('explains its usage', async () => {
    const io = capture()
    expect(await auditCommand.run(['check'], io)).toBe(2)
    expect(io.err).toContain('npm run jtai -- audit verify')
  })
})
