/**
 * Annex A bench: generates a messy 100,000-row workbook, then measures in one process, on the same file,
 * (a) reading it with exceljs's streaming reader and (b) the whole validation. The two are interleaved
 * (a, b, a, b, …) so machine noise and JIT warm-up fall on both alike, and the median of each is compared.
 * Prints rows/s, the ratio (b)/(a) and peak RSS; exits 1 if peak RSS passes 1 GB or the ratio is over the
 * target, 1.5 unless ANNEX_A_BENCH_MAX_RATIO sets another (e.g. on a noisy shared machine).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { ilacsLibrary } from '../src/features/annexA/files/specCache'
import { validateAnnexAFile } from '../src/features/annexA/files/validateAnnexAFile'
import { generateMessyWorkbook } from './annexA/generateMessyWorkbook'

const ROWS = Number(process.env.ANNEX_A_BENCH_ROWS ?? 100_000)
const RUNS = Math.max(1, Number(process.env.ANNEX_A_BENCH_RUNS ?? 3))
const DEFAULT_MAX_RATIO = 1.5
const RSS_LIMIT_MB = 1024

/** The ratio the bench must meet: the 1.5 unless the environment names another positive number. */
function maxRatio(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_MAX_RATIO
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`ANNEX_A_BENCH_MAX_RATIO must be a positive number, not "${value}"`)
  return n
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-GB')
const secs = (values: number[]): string => values.map((s) => s.toFixed(2)).join(', ')

async function readOnly(path: string): Promise<number> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  })
  let rows = 0
  for await (const sheet of reader) {
    for await (const row of sheet) {
      if (Array.isArray(row.values)) rows++
    }
  }
  return rows
}

async function main(): Promise<number> {
  const MAX_RATIO = maxRatio(process.env.ANNEX_A_BENCH_MAX_RATIO)
  const dir = await mkdtemp(join(tmpdir(), 'annex-a-bench-'))
  try {
    const path = join(dir, 'messy-annex-a.xlsx')
    const library = ilacsLibrary('ilacs-2023')
    let t = performance.now()
    const written = await generateMessyWorkbook(path, library, ROWS)
    const size = (await stat(path)).size
    console.log(
      `generated ${fmt(written)} data rows (${(size / 1024 ** 2).toFixed(1)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s; ${RUNS} interleaved runs of each`,
    )

    const readTimes: number[] = []
    const validateTimes: number[] = []
    // CPU seconds (all threads) as well as wall-clock: on a busy machine they show whether a difference is real.
    const readCpu: number[] = []
    const validateCpu: number[] = []
    const cpuSeconds = (since: NodeJS.CpuUsage): number => {
      const used = process.cpuUsage(since)
      return (used.user + used.system) / 1e6
    }
    let cpu: NodeJS.CpuUsage
    let readRows = 0
    let validated = 0
    let summary = ''
    for (let run = 0; run < RUNS; run++) {
      t = performance.now()
      cpu = process.cpuUsage()
      readRows = await readOnly(path)
      readTimes.push((performance.now() - t) / 1000)
      readCpu.push(cpuSeconds(cpu))

      t = performance.now()
      cpu = process.cpuUsage()
      const result = await validateAnnexAFile(path, { notified: '2023-07-01' })
      validateTimes.push((performance.now() - t) / 1000)
      validateCpu.push(cpuSeconds(cpu))
      if (!result.readable) {
        console.error(
          `validation could not read the bench workbook: ${result.problems[0]?.message ?? 'no problem was reported'}`,
        )
        return 1
      }
      validated = result.lists.reduce((n, l) => n + l.rowsRead, 0)
      summary = `${fmt(result.problems.length)} problems, ${result.unmapped.length} distinct unmapped values`
      if (validated !== written) {
        console.error(`validation read ${validated} data rows but the generator wrote ${written}`)
        return 1
      }
    }
    const a = median(readTimes)
    const b = median(validateTimes)
    console.log(
      `(a) exceljs streaming read: ${fmt(readRows)} rows, median ${a.toFixed(2)} s = ${fmt(readRows / a)} rows/s (runs: ${secs(readTimes)} s)`,
    )
    console.log(
      `(b) full validation:        ${fmt(validated)} rows, median ${b.toFixed(2)} s = ${fmt(validated / b)} rows/s (runs: ${secs(validateTimes)} s); ${summary}`,
    )
    const ratio = b / a
    const best = Math.min(...validateTimes) / Math.min(...readTimes)
    const rss = peakRssMb()
    console.log(
      `ratio (b)/(a) = ${ratio.toFixed(2)} on medians, ${best.toFixed(2)} on best runs (target ≤ ${MAX_RATIO}); CPU time ratio ${(median(validateCpu) / median(readCpu)).toFixed(2)} (CPU s: a ${secs(readCpu)}; b ${secs(validateCpu)})`,
    )
    console.log(`peak RSS = ${rss.toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB)`)
    let code = 0
    if (rss > RSS_LIMIT_MB) {
      console.error(`FAIL: peak RSS ${rss.toFixed(0)} MB is over ${RSS_LIMIT_MB} MB`)
      code = 1
    }
    if (ratio > MAX_RATIO) {
      console.error(
        `FAIL: ratio ${ratio.toFixed(2)} is over ${MAX_RATIO}${process.env.ANNEX_A_BENCH_MAX_RATIO ? ' (ANNEX_A_BENCH_MAX_RATIO)' : ''}`,
      )
      code = 1
    }
    return code
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
