import type { MergedEntry } from '../../domain/caseAudit/mergeChronologies'
import {
  ChronologyFileRefusal,
  readAndMergeChronologies,
  type MergedChronology,
} from '../../features/caseAudit/files/readChronologyFile'
import type { CliCommand, CliIo } from '../types'

const USAGE = 'Usage: npm run jtai -- chronology merge <file>... [--json]\n'

function toJson({ entries, problems }: MergedChronology): string {
  return `${JSON.stringify({
    entries: entries.map((e) => ({
      date: e.date,
      time: e.time,
      agency: e.agency,
      description: e.description,
      file: e.file,
      row: e.row,
    })),
    problems: problems.map((p) => ({ file: p.file, row: p.row, column: p.column, message: p.message })),
  })}\n`
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ')

function duplicateNote(entry: MergedEntry, entries: readonly MergedEntry[]): string {
  const others = entry.possibleDuplicates.map((i) => entries[i]).filter((e) => e !== undefined)
  return others.length
    ? `  [possible duplicate of ${others.map((o) => `${o.agency} (${o.file} row ${o.row})`).join(', ')}]`
    : ''
}

/** The merged chronology as a table: a line per entry, a blank line between days, then the problems. */
function toText({ entries, problems }: MergedChronology): string {
  const agencyWidth = Math.min(24, Math.max(6, ...entries.map((e) => e.agency.length)))
  const lines = [`${'Date'.padEnd(10)}  ${'Time'.padEnd(5)}  ${'Agency'.padEnd(agencyWidth)}  What happened`]
  let day = ''
  for (const e of entries) {
    if (day && e.date !== day) lines.push('')
    day = e.date
    lines.push(
      `${e.date}  ${(e.time ?? '').padEnd(5)}  ${e.agency.slice(0, agencyWidth).padEnd(agencyWidth)}  ${oneLine(e.description)}${duplicateNote(e, entries)}`,
    )
  }
  const flagged = entries.filter((e) => e.possibleDuplicates.length > 0).length
  lines.push('', `${entries.length} events${flagged ? `, ${flagged} flagged as possible duplicates` : ''}.`)
  if (problems.length) {
    lines.push('', `${problems.length} ${problems.length === 1 ? 'row' : 'rows'} could not be read:`)
    for (const p of problems) lines.push(`  ${p.file} row ${p.row}, ${p.column}: ${p.message}`)
  }
  return `${lines.join('\n')}\n`
}

/** Today's date in London, for the century of two-digit years. */
function today(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date())
}

async function merge(args: string[], io: CliIo): Promise<number> {
  let json = false
  const files: string[] = []
  for (const arg of args) {
    if (arg === '--json') json = true
    else if (arg === '--help' || arg === '-h') {
      io.stdout(USAGE)
      return 0
    } else if (arg.startsWith('--')) {
      io.stderr(`Unknown option ${arg}.\n${USAGE}`)
      return 2
    } else files.push(arg)
  }
  if (files.length === 0) {
    io.stderr(`Give at least one chronology file (.xlsx or .csv).\n${USAGE}`)
    return 2
  }
  let merged: MergedChronology
  try {
    merged = await readAndMergeChronologies(
      files.map((f) => ({ path: f, name: f })),
      today(),
    )
  } catch (error) {
    if (!(error instanceof ChronologyFileRefusal)) throw error
    io.stderr(`${oneLine(error.message)}\n`)
    return 2
  }
  io.stdout(json ? toJson(merged) : toText(merged))
  return merged.problems.length ? 1 : 0
}

/**
 * `chronology merge <file>... [--json]`: reads agencies' chronology files and prints the merged chronology.
 * Exit 0 when every row was read, 1 when some rows could not be read (listed as problems), 2 when a file
 * cannot be read at all or the command is misused (one sentence on stderr).
 */
export const chronologyCommand: CliCommand = {
  name: 'chronology',
  summary: 'Merge agencies’ chronology files (chronology merge <file>... [--json])',
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h') {
      io.stdout(USAGE)
      return 0
    }
    if (sub !== 'merge') {
      io.stderr(sub ? `There is no "chronology ${sub}" command.\n${USAGE}` : USAGE)
      return 2
    }
    try {
      return await merge(rest, io)
    } catch {
      io.stderr(
        'Something unexpected went wrong while reading these files: try again, and if it happens again send the files to your system administrator.\n',
      )
      return 2
    }
  },
}
