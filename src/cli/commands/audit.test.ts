import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/database'
import { appendAuditEvent } from '../../db/auditLog'
import { migratedSnapshot } from '../../../test/support/pglite'
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
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jtai-cli-'))
    // DATA_DIR holds a migrated, empty database, as after the app's first start: unpacking the test
    // run's snapshot is much faster than initdb and the migrations on disk.
    await (await openDatabase({ dataDir: dir, loadDataDir: await migratedSnapshot() })).close()
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

  it('anchors each chain outside the database, and then notices the newest events being removed', async () => {
    const anchorIo = capture()
    expect(await auditCommand.run(['anchor'], anchorIo)).toBe(0)
    const anchor = JSON.parse(anchorIo.out) as {
      createdAt: string
      partnerships: Array<{ id: string; name: string; seq: number; hash: string }>
    }
    expect(anchor.partnerships).toEqual([
      { id: expect.any(String), name: expect.any(String), seq: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ])
    const file = join(dir, 'anchor.json')
    writeFileSync(file, anchorIo.out)

    // The chain grows after the anchor: still fine.
    const h = await openDatabase({ dataDir: dir })
    const pid = anchor.partnerships[0]!.id
    for (let i = 0; i < 3; i++)
      await appendAuditEvent(
        h.db,
        { partnershipId: pid, personId: null, name: 'Test' },
        { action: 'test.event', entityType: 'test', summary: `Event ${i}` },
        new Date(),
      )
    await h.close()
    const grown = capture()
    expect(await auditCommand.run(['verify', '--anchor', file], grown)).toBe(0)
    expect(grown.out).toBe(`OK 4 events, and every event in the anchor taken ${anchor.createdAt} is still there\n`)

    // An anchor from a longer chain: the chain alone looks whole, the anchor shows what was removed.
    writeFileSync(
      file,
      JSON.stringify({ ...anchor, partnerships: [{ ...anchor.partnerships[0], seq: 6, hash: 'a'.repeat(64) }] }),
    )
    const plain = capture()
    expect(await auditCommand.run(['verify'], plain)).toBe(0)
    const short = capture()
    expect(await auditCommand.run(['verify', '--anchor', file], short)).toBe(1)
    expect(short.err).toContain('the chain ends at event 4, but the anchor taken')
    expect(short.err).toContain('the newest 2 events have been removed')

    // An anchored event whose hash differs: the chain was rewritten.
    writeFileSync(
      file,
      JSON.stringify({ ...anchor, partnerships: [{ ...anchor.partnerships[0], hash: 'b'.repeat(64) }] }),
    )
    const rewritten = capture()
    expect(await auditCommand.run(['verify', '--anchor', file], rewritten)).toBe(1)
    expect(rewritten.err).toContain('event 1 is not the event the anchor taken')

    // A partnership the anchor knows that the database no longer has.
    writeFileSync(file, JSON.stringify({ ...anchor, partnerships: [{ ...anchor.partnerships[0], id: 'gone' }] }))
    const gone = capture()
    expect(await auditCommand.run(['verify', '--anchor', file], gone)).toBe(1)
    expect(gone.err).toContain('is in the anchor taken')
    expect(gone.err).toContain('Treat this as a security incident')

    // No such file.
    const missing = capture()
    expect(await auditCommand.run(['verify', '--anchor', join(dir, 'nowhere.json')], missing)).toBe(2)
    expect(missing.err).toContain('there is no such file')

    // A file that is not an anchor.
    writeFileSync(file, '{"hello": 1}')
    const bad = capture()
    expect(await auditCommand.run(['verify', '--anchor', file], bad)).toBe(2)
    expect(bad.err).toContain('is not an anchor written by "audit anchor"')
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
    expect(io.err).toContain('npm run jtai -- audit anchor')
  })
})
