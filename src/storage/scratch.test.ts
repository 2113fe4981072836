import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAnnexAService } from '../features/annexA'
import { openTestPglite } from '../../test/support/pglite'
import type { DatabaseHandle } from '../db/database'
import { FakeClock } from '../domain/clock'
import type { AnnexAValidationResult } from '../domain/annexA'
import { FsFileStore } from './fsFileStore'
import { ScratchSpace } from './scratch'

describe('ScratchSpace', () => {
  it('keeps working folders under its root and removes what a killed process left there', async () => {
    const root = join(tmpdir(), `jtai-scratch-${randomUUID()}`)
    const scratch = new ScratchSpace(root)
    const folder = await scratch.folder('annex-a-check')
    expect(folder.path.startsWith(`${root}/annex-a-check-`)).toBe(true)
    // A process killed mid-check leaves its folder and its copy of the upload behind.
    await writeFile(join(folder.path, 'upload'), 'child data')
    await mkdir(join(root, 'annex-a-export-left'), { recursive: true })
    expect(await new ScratchSpace(root).clearLeftovers()).toBe(2)
    expect(await readdir(root)).toEqual([])
    expect(await new ScratchSpace(join(root, 'never-made')).clearLeftovers()).toBe(0)
  })
})

describe('Annex A checks', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await openTestPglite()
  })
  afterAll(() => handle.close())

  it('copy the upload for the worker, and write the rows, into the scratch space, never the system temp folder, and remove them afterwards', async () => {
    const work = join(tmpdir(), `jtai-scratch-${randomUUID()}`)
    const scratch = new ScratchSpace(join(work, 'scratch'))
    const files = new FsFileStore(join(work, 'files'))
    const seen: string[] = []
    let folderDuringCheck: string[] = []
    const validator = async (
      path: string,
      _options: unknown,
      _progress: unknown,
      rowsPath: string,
    ): Promise<AnnexAValidationResult> => {
      seen.push(path, rowsPath)
      folderDuringCheck = await readdir(join(work, 'scratch'))
      throw new Error('stop here: only where the copy lives matters')
    }
    const annexA = createAnnexAService({
      db: handle.db,
      clock: new FakeClock('2026-03-02T09:00:00Z'),
      files,
      frameworks: { list: async () => [] },
      validator,
      scratch,
      maxConcurrentChecks: 2,
    })
    const { id: partnershipId } = await handle.db
      .insertInto('partnerships')
      .values({ name: 'P' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const stored = await files.put(Readable.from([Buffer.from('Child ID\n1\n')]), { maxBytes: 1024 })
    const scope = {
      partnershipId,
      personId: randomUUID(),
      name: 'Admin',
      roles: ['administrator' as const],
      agencyId: null,
    }
    const job = await annexA.startUpload(scope, {
      file: { key: stored.key, sha256: stored.sha256, filename: 'list.csv' },
      notifiedOn: '2026-03-02',
      inspectionId: null,
    })
    await expect.poll(() => job.state, { timeout: 10_000 }).toBe('done')
    // The upload's copy, and the file the rows for the register go to, both in the scratch space.
    expect(seen).toHaveLength(2)
    expect(seen[0]!.startsWith(join(work, 'scratch', 'annex-a-check-'))).toBe(true)
    expect(seen[1]!.startsWith(join(work, 'scratch', 'annex-a-rows-'))).toBe(true)
    expect(folderDuringCheck.map((f) => f.replace(/-[^-]+$/, '')).sort()).toEqual(['annex-a-check', 'annex-a-rows'])
    expect(await readdir(join(work, 'scratch'))).toEqual([])
  })
})
