import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Working files that live only while one piece of work runs (a copy of an upload for the Annex A
 * worker, a workbook being written for a download). They stay under the data directory, never the
 * system's temporary folder, so child data is not left where the service does not look; and what a
 * killed process left behind is removed at the next start (`clearLeftovers`).
 */
export class ScratchSpace {
  constructor(readonly root: string) {}

  /** A new private folder for one piece of work; call `remove` when done (in a `finally`). */
  async folder(purpose: string): Promise<{ path: string; remove(): Promise<void> }> {
    await mkdir(this.root, { recursive: true, mode: 0o700 })
    const path = await mkdtemp(join(this.root, `${purpose}-`))
    return { path, remove: () => rm(path, { recursive: true, force: true }) }
  }

  /**
   * Removes everything in the scratch space. Call at start-up, before any work begins: whatever is
   * there was left by a process that has gone. Answers how many entries were removed.
   */
  async clearLeftovers(): Promise<number> {
    let entries: string[]
    try {
      entries = await readdir(this.root)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0
      throw error
    }
    await Promise.all(entries.map((name) => rm(join(this.root, name), { recursive: true, force: true })))
    return entries.length
  }
}
