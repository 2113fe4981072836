import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestPglite } from '../../../test/support/pglite'
import type { DatabaseHandle } from '../../db/database'
import type { AnnexAValidationResult } from '../../domain/annexA'
import { FakeClock } from '../../domain/clock'
import type { Scope } from '../../shared/scope'
import { FsFileStore, ScratchSpace } from '../../storage'
import { insertImport } from './repository'
import { createAnnexAService } from './service'

/** A validator that holds every check until the test lets it finish, counting how many ran. */
function heldValidator() {
  const held: (() => void)[] = []
  let started = 0
  const validator = async (): Promise<AnnexAValidationResult> => {
    started++
    await new Promise<void>((resolve) => held.push(resolve))
    throw new Error('released: the result does not matter here')
  }
  return { validator, started: () => started, releaseAll: () => held.splice(0).forEach((r) => r()) }
}

describe('Annex A checks are bounded', () => {
  let handle: DatabaseHandle
  let scope: Scope
  let files: FsFileStore
  beforeAll(async () => {
    handle = await openTestPglite()
    const { id: partnershipId } = await handle.db
      .insertInto('partnerships')
      .values({ name: 'P' })
      .returning('id')
      .executeTakeFirstOrThrow()
    scope = { partnershipId, personId: randomUUID(), name: 'Admin', roles: ['administrator'], agencyId: null }
    files = new FsFileStore(join(tmpdir(), `jtai-annex-a-${randomUUID()}`, 'files'))
  })
  afterAll(() => handle.close())

  function service(validator: ReturnType<typeof heldValidator>['validator']) {
    return createAnnexAService({
      db: handle.db,
      clock: new FakeClock('2026-03-02T09:00:00Z'),
      files,
      frameworks: { list: async () => [] },
      validator,
      scratch: new ScratchSpace(join(tmpdir(), `jtai-scratch-${randomUUID()}`)),
      maxConcurrentChecks: 2,
    })
  }

  async function storedImport(): Promise<string> {
    const stored = await files.put(Readable.from([Buffer.from('Child ID\n1\n')]), { maxBytes: 1024 })
    const imp = await insertImport(
      handle.db,
      scope.partnershipId,
      {
        inspectionId: null,
        notifiedOn: '2026-03-02',
        fileName: 'list.csv',
        fileKey: stored.key,
        sha256: stored.sha256,
        specVersion: 'ilacs-2023',
        rowsRead: 1,
        errors: 0,
        queries: 0,
        uploadedBy: null,
      },
      new Date(),
    )
    return imp.id
  }

  it('run at most two at once; the rest wait their turn with their place shown', async () => {
    const held = heldValidator()
    const annexA = service(held.validator)
    const ids = await Promise.all([storedImport(), storedImport(), storedImport(), storedImport()])
    const jobs = await Promise.all(ids.map((id) => annexA.revalidate(scope, id)))
    await expect.poll(() => held.started()).toBe(2)
    expect(jobs.map((j) => j.state)).toEqual(['running', 'running', 'queued', 'queued'])
    expect(jobs.slice(2).map((j) => j.ahead)).toEqual([0, 1])
    held.releaseAll()
    await expect.poll(() => held.started()).toBe(4)
    held.releaseAll()
    await expect.poll(() => jobs.every((j) => j.state === 'done')).toBe(true)
  })

  it('check an import once however often it is asked, until that check ends', async () => {
    const held = heldValidator()
    const annexA = service(held.validator)
    const id = await storedImport()
    const first = await annexA.revalidate(scope, id)
    const again = await Promise.all([
      annexA.revalidate(scope, id),
      annexA.revalidate(scope, id),
      annexA.revalidate(scope, id),
    ])
    expect(again.map((j) => j.id)).toEqual([first.id, first.id, first.id])
    await expect.poll(() => held.started()).toBe(1)
    held.releaseAll()
    await expect.poll(() => first.state).toBe('done')
    const later = await annexA.revalidate(scope, id)
    expect(later.id).not.toBe(first.id)
    await expect.poll(() => held.started()).toBe(2)
    held.releaseAll()
  })
})
