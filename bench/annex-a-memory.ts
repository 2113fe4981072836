/**
 * Annex A memory bench (issue 18): one check of a 300,000-row List 6 CSV, as the app runs it (a worker
 * thread, the result handed back to the main thread), must keep the whole process under 600 MB.
 *
 * In one process, on the same file: (a) the baseline, reading the CSV once with csv-parse and nothing
 * else; then (b) the check. Resident memory (main thread and worker together) is sampled every 20 ms in
 * each phase; the peaks and the ratio (b)/(a) are printed. Exits 1 if (b)'s peak is over the limit,
 * 600 MB unless ANNEX_A_MEMORY_LIMIT_MB sets another. ANNEX_A_MEMORY_ROWS changes the row count.
 */
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse'
import { ilacsLibrary } from '../src/features/annexA/files/specCache'
import { validateInWorker } from '../src/features/annexA/files/validateInWorker'
import { mb, mulberry32, sampleRss } from './support/measure'

const ROWS = Number(process.env.ANNEX_A_MEMORY_ROWS ?? 300_000)
const LIMIT_MB = Number(process.env.ANNEX_A_MEMORY_LIMIT_MB ?? 600)
const NOTIFIED = '2026-03-02'

const csvCell = (text: string): string => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text)
const ukDate = (ms: number): string => {
  const d = new Date(ms)
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`
}

/** Writes a List 6 (children in need) CSV with the spec's headers and plausible values; answers its size. */
async function writeList6Csv(path: string, rows: number): Promise<number> {
  const list = ilacsLibrary('ilacs-2023').lists.find((l) => l.number === 6)
  if (!list) throw new Error('the ILACS spec has no List 6')
  const random = mulberry32(6)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const out = createWriteStream(path)
  const write = async (line: string): Promise<void> => {
    if (!out.write(`${line}\r\n`)) await once(out, 'drain')
  }
  await write(list.columns.map((c) => csvCell(c.label)).join(','))
  const base = Date.UTC(2026, 2, 1)
  const day = 86_400_000
  for (let r = 0; r < rows; r++) {
    const child = 100_000 + r
    const birth = base - (200 + ((child * 7919) % 6000)) * day
    const start = base - Math.floor(random() * 170) * day
    const values = list.columns.map((c) => {
      switch (c.type) {
        case 'date':
          if (c.id === 'date_of_birth') return ukDate(birth)
          if (!c.required && random() < 0.4) return ''
          return ukDate(Math.min(base, start + Math.floor(random() * 30) * day))
        case 'integer':
          return String(Math.floor((base - birth) / (365.25 * day)))
        case 'code':
        case 'text_or_code':
          if (!c.required && random() < 0.5) return ''
          return pick(c.codeList?.entries ?? [{ code: 'x', label: 'x' }]).code
        default:
          return c.id === 'child_unique_id'
            ? String(child)
            : pick(['Locality 1 Duty Team', 'MASH', 'Children in Need Team 2', 'Jo Bloggs', 'A. Worker'])
      }
    })
    await write(values.map(csvCell).join(','))
  }
  out.end()
  await once(out, 'finish')
  return (await stat(path)).size
}

/** The baseline: the CSV read once by csv-parse as a stream, rows counted and dropped. */
async function readOnly(path: string): Promise<number> {
  let rows = 0
  for await (const record of createReadStream(path).pipe(parse({ relax_column_count: true }))) {
    if (Array.isArray(record)) rows++
  }
  return rows - 1
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'annex-a-memory-'))
  try {
    const path = join(dir, 'list-6.csv')
    const size = await writeList6Csv(path, ROWS)
    console.log(`List 6 CSV: ${ROWS.toLocaleString('en-GB')} rows, ${mb(size).toFixed(1)} MB`)

    let sampler = sampleRss()
    let t = performance.now()
    const read = await readOnly(path)
    const baseline = sampler.stop()
    console.log(
      `(a) baseline, csv-parse stream read: ${read.toLocaleString('en-GB')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s, peak RSS ${mb(baseline).toFixed(0)} MB`,
    )

    sampler = sampleRss()
    t = performance.now()
    // As the app does: the rows for the register go to a file beside the findings (src/features/annexA/service.ts).
    const result = await validateInWorker(
      path,
      { notified: NOTIFIED, fileName: 'list-6.csv' },
      () => {},
      join(dir, 'rows.ndjson'),
    )
    const peak = sampler.stop()
    const checked = result.lists.reduce((n, l) => n + l.rowsRead, 0)
    console.log(
      `(b) one check (worker + result):     ${checked.toLocaleString('en-GB')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s, peak RSS ${mb(peak).toFixed(0)} MB; ${result.problems.length} problems listed`,
    )
    console.log(
      `ratio (b)/(a) = ${(peak / baseline).toFixed(2)}; peak ${mb(peak).toFixed(0)} MB (limit ${LIMIT_MB} MB)`,
    )
    if (!result.readable || checked !== ROWS) {
      console.error(`FAIL: the check read ${checked} rows of ${ROWS}: ${result.problems[0]?.message ?? ''}`)
      return 1
    }
    if (mb(peak) > LIMIT_MB) {
      console.error(`FAIL: peak RSS ${mb(peak).toFixed(0)} MB is over ${LIMIT_MB} MB`)
      return 1
    }
    return 0
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  },
)
