import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Writes CSV rows to a temp file named `name` and returns its path (tests only). */
export async function writeTempCsv(name: string, rows: string[][]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'annex-a-test-'))
  const path = join(dir, name)
  await writeFile(
    path,
    rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n'),
  )
  return path
}
