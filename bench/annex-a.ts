/**
 * Annex A bench: generates a messy 100,000-row workbook, then measures (a) reading it with exceljs's streaming
 * reader and (b) the whole validation, in one run. Fails (exit 1) if peak RSS passes 1 GB.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { ilacsLibrary } from '../src/domain/annexA/specCache'
import { validateAnnexAFile } from '../src/domain/annexA/validateAnnexAFile'
import { generateMessyWorkbook } from './annexA/generateMessyWorkbook'

const ROWS = Number(process.env.ANNEX_A_BENCH_ROWS ?? 100_000)
const RSS_LIMIT_MB = 1024

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024
}

async function readOnly(path: string): Promise<number> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' })
  let rows = 0
  for await (const sheet of reader) {
    for await (const row of sheet) {
      if (Array.isArray(row.values)) rows++
    }
  }
  return rows
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'annex-a-bench-'))
  try {
    const path = join(dir, 'messy-annex-a.xlsx')
    const library = ilacsLibrary('ilacs-2023')
    let t = performance.now()
    const written = await generateMessyWorkbook(path, library, ROWS)
    const size = (await stat(path)).size
    console.log(`generated ${written.toLocaleString('en-GB')} data rows (${(size / 1024 ** 2).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    t = performance.now()
    const readRows = await readOnly(path)
    const readSeconds = (performance.now() - t) / 1000
    console.log(`(a) exceljs streaming read: ${readRows.toLocaleString('en-GB')} rows in ${readSeconds.toFixed(2)} s = ${Math.round(readRows / readSeconds).toLocaleString('en-GB')} rows/s`)

    t = performance.now()
    const result = await validateAnnexAFile(path, { notified: '2023-07-01' })
    const validateSeconds = (performance.now() - t) / 1000
    const validated = result.lists.reduce((n, l) => n + l.rowsRead, 0)
    console.log(`(b) full validation: ${validated.toLocaleString('en-GB')} rows in ${validateSeconds.toFixed(2)} s = ${Math.round(validated / validateSeconds).toLocaleString('en-GB')} rows/s; ${result.problems.length.toLocaleString('en-GB')} problems, ${result.unmapped.length} distinct unmapped values`)
    const ratio = validateSeconds / readSeconds
    const rss = peakRssMb()
    console.log(`ratio (b)/(a) = ${ratio.toFixed(2)} (target ≤ 1.5)`)
    console.log(`peak RSS = ${rss.toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB)`)
    if (!result.readable) {
      console.error(`validation could not read the bench workbook: ${result.problems[0]?.message}`)
      return 1
    }
    return rss > RSS_LIMIT_MB ? 1 : 0
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
