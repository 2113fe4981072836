/**
 * Chronology merge bench (issue 13): 8 agencies' chronology workbooks of 5,000 events each, merged as
 * `jtai chronology merge` merges them (readAndMergeChronologies: the Annex A readers, the row rules,
 * the merge and the duplicate flags).
 *
 * 1. Generates the 8 .xlsx files in a temporary folder, in a child process so its memory is not counted
 *    (exceljs's streaming writer, a fixed seed so every
 *    run measures the same files): title rows above the heading row, each agency with its own heading
 *    spellings, and messy dates: native date cells and date-times, dd/mm/yyyy, d/m/yy, ISO, "3 March
 *    2026", a time in the date cell, Excel serials, times in a Time column as text or as Excel times,
 *    blank rows, and a few rows that cannot be read (31/02, "TBC", no description). Events repeat
 *    across agencies on the same day in other words, so duplicates are flagged.
 * 2. Baseline: a bare exceljs read of the same files (its streaming WorkbookReader, every row's values
 *    taken, nothing else).
 * 3. The merge of the same files.
 * Each of 2 and 3 runs ROUNDS times, alternating, and the fastest of each counts (so a busy machine's
 * pauses do not decide the ratio). Prints rows per second, each phase's time, the ratio of the merge to
 * the bare read, and peak resident memory: of one merge run alone in a fresh process (as `jtai
 * chronology merge` runs it; its maxRSS), which the limit applies to, and, for information, of this
 * process over all rounds (sampled every 20 ms; it also holds what the bare reads and earlier rounds
 * left for the garbage collector). Exits 1 if the ratio is over 2 or the merge's peak over 400 MB.
 *
 * Building the compiled DOCX audit pack is for later (the issue's pack is not built yet); when it is,
 * it belongs in this bench's timing.
 *
 * Environment: CHRONOLOGY_BENCH_ROWS (events per file, 5,000), CHRONOLOGY_BENCH_ROUNDS (3).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import ExcelJS from 'exceljs'
import { readAndMergeChronologies } from '../src/features/caseAudit/files/readChronologyFile'
import { mb, mulberry32, sampleRss } from './support/measure'

const AGENCIES = 8
const ROWS = Number(process.env.CHRONOLOGY_BENCH_ROWS ?? 5_000)
const ROUNDS = Number(process.env.CHRONOLOGY_BENCH_ROUNDS ?? 3)
const MAX_RATIO = 2
const MAX_RSS_MB = 400
const TODAY = '2026-03-10'
const FIRST_DAY = Date.UTC(2025, 8, 10)
const DAYS = 182

const AGENCY_FILES = [
  {
    file: 'police.xlsx',
    headings: [
      'Date of event',
      'Time',
      'What happened',
      'Recorded by',
      'System',
      'Significance for the child',
      'Action taken',
    ],
  },
  {
    file: 'childrens_social_care_chronology.xlsx',
    headings: ['Date', 'Details', 'Who recorded', 'System', 'Significance', 'Action taken', 'Organisation'],
  },
  { file: 'health-visiting.xlsx', headings: ['Event date', 'Time', 'Description', 'Recorded by', 'Significance'] },
  { file: 'GP.xlsx', headings: ['Date', 'Event', 'Recorded by', 'System', 'Action taken'] },
  {
    file: 'school.xlsx',
    headings: ['Date', 'Time', 'What happened', 'Who recorded', 'Significance for the child', 'Action taken', 'Agency'],
  },
  { file: 'camhs.xlsx', headings: ['Date of event', 'Details', 'Recorded by', 'System', 'Significance'] },
  { file: 'youth_justice.xlsx', headings: ['Event date', 'Time', 'Event', 'Recorded by', 'Action taken'] },
  {
    file: 'Probation chronology.xlsx',
    headings: ['Date', 'Description', 'Who recorded', 'System', 'Significance', 'Action taken'],
  },
]

const EVENTS = [
  'Child seen at home by officers following a call from a neighbour',
  'Strategy discussion held about the child and siblings',
  'Child missing from home overnight and returned in the morning',
  'Referral received from school about bruising on the child’s arm',
  'Home visit: mother present, home conditions poor',
  'Child not brought to health appointment',
  'Child excluded from school for a fixed term',
  'Initial child protection conference held',
  'Return home interview completed after missing episode',
  'Domestic abuse incident reported at the family home',
  'Child disclosed worries about an older male friend',
  'Multi-agency meeting held to review the safety plan',
]
const REWORDINGS = [
  (e: string) => e,
  (e: string) => e.replace('Child', 'The child').replace('held', 'took place'),
  (e: string) => `${e}.`,
  (e: string) => e.toUpperCase(),
]

/** Words for the part of a description that is the agency's own (who, what was said, what was seen). */
const VOCABULARY = (
  'anxious angry quiet tired hungry upset withdrawn cheerful bruise scratch injury cut mark complaint worry ' +
  'concern disclosure allegation argument fight shouting drinking drugs cannabis money phone messages online ' +
  'older male female friend boyfriend girlfriend cousin uncle aunt carer foster placement bedroom kitchen ' +
  'garden car bus train station park shop shopping centre takeaway late night evening morning afternoon weekend ' +
  'attendance lateness homework lesson detention exclusion isolation report plan review assessment referral ' +
  'strategy conference core group visit call letter email text voicemail meeting interview statement ' +
  'medical examination prescription medication appointment vaccination dental optician weight height sleep ' +
  'diet clothing hygiene housing rent arrears eviction benefits unemployment debt court order bail curfew ' +
  'arrest caution warning charge release custody victim witness suspect missing found returned located safe ' +
  'unsafe refused agreed declined consented discussed explained advised signposted escalated closed reopened'
).split(' ')

/** A description of one agency's own event: a kind of event, and words of its own. */
function ownEvent(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const own = Array.from({ length: 5 + Math.floor(random() * 10) }, () => pick(VOCABULARY)).join(' ')
  return `${pick(EVENTS)}: ${own}`
}

/** Incidents several agencies record (in their own words): the possible duplicates. */
interface SharedIncident {
  day: number
  minutes: number | null
  description: string
}

function sharedIncidents(count: number): SharedIncident[] {
  const random = mulberry32(999)
  return Array.from({ length: count }, () => ({
    day: Math.floor(random() * DAYS),
    minutes: random() < 0.6 ? Math.floor(random() * 1440) : null,
    description: ownEvent(random),
  }))
}

/** Share of each file's events that are shared incidents. */
const SHARED_SHARE = 0.04
const SHARED = sharedIncidents(1_000)

const PEOPLE = ['A Smith', 'B Jones', 'C Patel', 'D Evans', 'E Khan', 'F Brown']
const SYSTEMS = ['Niche', 'Mosaic', 'SystmOne', 'EMIS', 'CPOMS', 'Liquidlogic']
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

const two = (n: number): string => String(n).padStart(2, '0')

/** The date (and time) cell in one of the many ways agencies write it; now and then one that cannot be read. */
function messyDate(random: () => number, day: Date, minutes: number | null): unknown {
  const d = day.getUTCDate()
  const m = day.getUTCMonth() + 1
  const y = day.getUTCFullYear()
  const time = minutes === null ? '' : ` ${two(Math.floor(minutes / 60))}:${two(minutes % 60)}`
  const pick = random()
  if (pick < 0.002) return `31/02/${y}`
  if (pick < 0.004) return 'TBC'
  if (pick < 0.25) return new Date(day.getTime() + (minutes ?? 0) * 60_000)
  if (pick < 0.45) return `${two(d)}/${two(m)}/${y}${time}`
  if (pick < 0.6) return `${d}/${m}/${String(y).slice(2)}`
  if (pick < 0.72) return `${y}-${two(m)}-${two(d)}${minutes === null ? '' : `T${time.trim()}:00Z`}`
  const month = MONTHS[m - 1] ?? ''
  if (pick < 0.85) return `${d} ${month} ${y}`
  if (pick < 0.93) return Math.round(day.getTime() / 86_400_000 + 25_569)
  return `${d} ${month.slice(0, 3)} ${y}${time}`
}

async function writeAgencyFile(path: string, agency: (typeof AGENCY_FILES)[number], seed: number): Promise<void> {
  const random = mulberry32(seed)
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true })
  const sheet = workbook.addWorksheet('Chronology')
  sheet.getColumn(1).numFmt = 'dd/mm/yyyy hh:mm'
  sheet.addRow([`Chronology of significant events: ${agency.file}`]).commit()
  sheet.addRow(['Child A (pseudonymised)']).commit()
  sheet.addRow([]).commit()
  sheet.addRow(agency.headings).commit()
  const hasTime = agency.headings.includes('Time')
  for (let i = 0; i < ROWS; i++) {
    if (random() < 0.01) sheet.addRow([]).commit()
    const shared = random() < SHARED_SHARE ? SHARED[Math.floor(random() * SHARED.length)] : undefined
    const day = new Date(FIRST_DAY + (shared?.day ?? Math.floor(random() * DAYS)) * 86_400_000)
    const minutes = shared ? shared.minutes : random() < 0.6 ? Math.floor(random() * 1440) : null
    const reword = REWORDINGS[Math.floor(random() * REWORDINGS.length)] ?? String
    const description = random() < 0.002 ? null : shared ? reword(shared.description) : ownEvent(random)
    const row = agency.headings.map((heading): unknown => {
      switch (heading) {
        case 'Time':
          if (minutes === null) return null
          return random() < 0.5 ? `${two(Math.floor(minutes / 60))}:${two(minutes % 60)}` : minutes / 1440
        case 'Recorded by':
        case 'Who recorded':
          return PEOPLE[Math.floor(random() * PEOPLE.length)]
        case 'System':
          return SYSTEMS[Math.floor(random() * SYSTEMS.length)]
        case 'Significance':
        case 'Significance for the child':
          return random() < 0.5 ? 'Risk of harm increased' : 'Protective factor'
        case 'Action taken':
          return random() < 0.5 ? 'Referred to children’s social care' : 'No further action'
        case 'Agency':
        case 'Organisation':
          return agency.file.replace(/\.xlsx$/, '').replace(/[_-]/g, ' ')
        default:
          if (/date/i.test(heading)) return messyDate(random, day, hasTime ? null : minutes)
          return description
      }
    })
    const added = sheet.addRow(row)
    if (hasTime && minutes !== null && typeof row[agency.headings.indexOf('Time')] === 'number')
      added.getCell(agency.headings.indexOf('Time') + 1).numFmt = 'hh:mm'
    added.commit()
  }
  sheet.commit()
  await workbook.commit()
}

/** The bare read: exceljs's streaming reader, every row's values taken, nothing else. Answers the rows seen. */
async function bareExceljsRead(paths: string[]): Promise<number> {
  let rows = 0
  for (const path of paths) {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
    })
    for await (const worksheet of reader) {
      for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
        if (Array.isArray(row.values) && row.values.length > 0) rows++
      }
    }
  }
  return rows
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now()
  const result = await work()
  return { ms: performance.now() - start, result }
}

/** Writes the 8 workbooks into `dir`. */
async function generate(dir: string): Promise<void> {
  for (const [i, agency] of AGENCY_FILES.entries()) await writeAgencyFile(join(dir, agency.file), agency, 13 + i)
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'chronology-bench-'))
  try {
    // Generated in a child process, so the memory exceljs's writer used is not counted as the merge's.
    const generation = await timed(async () => {
      await promisify(execFile)(process.execPath, [
        ...process.execArgv,
        fileURLToPath(import.meta.url),
        '--generate',
        dir,
      ])
    })
    const paths = AGENCY_FILES.map((a) => join(dir, a.file))
    console.log(
      `Generated ${AGENCIES} chronology workbooks of ${ROWS.toLocaleString('en-GB')} events each in ${(generation.ms / 1000).toFixed(1)} s.`,
    )
    console.log(`RSS before reading: ${mb(process.memoryUsage.rss()).toFixed(0)} MB`)
    const rss = sampleRss()
    let bareMs = Infinity
    let mergeMs = Infinity
    let bareRows = 0
    let barePeak = 0
    let mergePeak = 0
    let merged: Awaited<ReturnType<typeof readAndMergeChronologies>> | null = null
    for (let round = 1; round <= ROUNDS; round++) {
      rss.peak()
      const bare = await timed(() => bareExceljsRead(paths))
      barePeak = Math.max(barePeak, rss.peak())
      const merge = await timed(() =>
        readAndMergeChronologies(
          AGENCY_FILES.map((a, i) => ({ path: paths[i] ?? '', name: a.file })),
          TODAY,
        ),
      )
      mergePeak = Math.max(mergePeak, rss.peak())
      bareRows = bare.result
      merged = merge.result
      bareMs = Math.min(bareMs, bare.ms)
      mergeMs = Math.min(mergeMs, merge.ms)
      console.log(`Round ${round}: bare exceljs read ${bare.ms.toFixed(0)} ms, merge ${merge.ms.toFixed(0)} ms`)
    }
    rss.stop()
    const runPeak = mb(Math.max(barePeak, mergePeak))
    // The merge's own memory: one merge in a fresh process (this one also holds what the bare reads and
    // earlier rounds left for the garbage collector).
    const once = await promisify(execFile)(process.execPath, [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      '--merge-once',
      dir,
    ])
    const peak = mb((JSON.parse(once.stdout.trim().split('\n').pop() ?? '{}') as { maxRss: number }).maxRss)
    if (!merged) throw new Error('no rounds ran')
    const rowsRead = merged.entries.length + new Set(merged.problems.map((p) => `${p.file} ${p.row}`)).size
    const flagged = merged.entries.filter((e) => e.possibleDuplicates.length > 0).length
    const ratio = mergeMs / bareMs
    console.log('')
    console.log(`Rows in the files (exceljs, title and heading rows included): ${bareRows.toLocaleString('en-GB')}`)
    console.log(
      `Merged: ${merged.entries.length.toLocaleString('en-GB')} entries, ${merged.problems.length} problems, ${flagged.toLocaleString('en-GB')} entries flagged as possible duplicates`,
    )
    console.log(`Bare exceljs read: ${bareMs.toFixed(0)} ms (fastest of ${ROUNDS})`)
    console.log(`Merge:             ${mergeMs.toFixed(0)} ms (fastest of ${ROUNDS})`)
    console.log(`Rows per second:   ${Math.round(rowsRead / (mergeMs / 1000)).toLocaleString('en-GB')}`)
    console.log(`Ratio merge / bare read: ${ratio.toFixed(2)} (limit ${MAX_RATIO})`)
    console.log(
      `Peak RSS of one merge (a fresh process, as the command runs it): ${peak.toFixed(0)} MB (limit ${MAX_RSS_MB} MB)`,
    )
    console.log(
      `Peak RSS of this process over all ${ROUNDS} rounds: ${runPeak.toFixed(0)} MB (${mb(barePeak).toFixed(0)} MB during the bare reads, ${mb(mergePeak).toFixed(0)} MB during the merges)`,
    )
    const failures: string[] = []
    if (ratio > MAX_RATIO) failures.push(`the merge took ${ratio.toFixed(2)} times the bare read (limit ${MAX_RATIO})`)
    if (peak > MAX_RSS_MB) failures.push(`peak RSS ${peak.toFixed(0)} MB is over ${MAX_RSS_MB} MB`)
    if (merged.entries.length === 0) failures.push('nothing was merged')
    for (const f of failures) console.error(`FAIL: ${f}`)
    return failures.length ? 1 : 0
  } finally {
    if (process.env.CHRONOLOGY_BENCH_KEEP) console.log(dir)
    else await rm(dir, { recursive: true, force: true })
  }
}

/** One merge in a fresh process, as `jtai chronology merge` runs it: prints the process's peak RSS in bytes. */
async function mergeOnce(dir: string): Promise<number> {
  const merged = await readAndMergeChronologies(
    AGENCY_FILES.map((a) => ({ path: join(dir, a.file), name: a.file })),
    TODAY,
  )
  if (merged.entries.length === 0) return 1
  console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }))
  return 0
}

const [mode, modeDir] = process.argv.slice(2)
const run =
  mode === '--generate' && modeDir
    ? generate(modeDir).then(() => 0)
    : mode === '--merge-once' && modeDir
      ? mergeOnce(modeDir)
      : main()
run.then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  },
)
