import { openDatabase, type DatabaseHandle } from '../../src/db/database'

let snapshot: Promise<Blob | File> | undefined

/**
 * A fresh in-memory PGlite with every migration applied. The first call in a test process migrates
 * an empty database and keeps a snapshot; later calls start from the snapshot, which is much faster
 * than starting PGlite and migrating each time.
 */
export async function openTestPglite(): Promise<DatabaseHandle> {
  snapshot ??= (async () => {
    const h = await openDatabase({})
    const dump = await h.dump!()
    await h.close()
    return dump
  })()
  return openDatabase({ loadDataDir: await snapshot })
}
