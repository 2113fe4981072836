import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { isIsoDate } from '../../domain/annexA/calendarDates'
import type { AnnexAValidationResult } from '../../domain/annexA/resultModel'
import { validateAnnexAFile } from '../../features/annexA/files/validateAnnexAFile'
import type { CliCommand, CliIo } from '../types'

const USAGE = 'Usage: npm run jtai -- annex-a validate <file> [--notified YYYY-MM-DD] [--json]\n'

function toJson(result: AnnexAValidationResult): string {
  return `${JSON.stringify({
    lists: result.lists.map((l) => ({ list: l.list, rows: l.rowsRead, errors: l.errors, queries: l.queries })),
    problems: result.problems.map((p) => ({
      rule: p.rule,
      severity: p.severity,
      list: p.list,
      row: p.row,
      column: p.column,
      message: p.message,
    })),
  })}\n`
}

function toText(result: AnnexAValidationResult): string {
  const lines = [
    `${result.file.fileName}: checked against ${result.specVersion} for notification date ${result.notified}`,
    '',
  ]
  for (const l of result.lists) {
    lines.push(
      `${l.list.padEnd(8)} ${String(l.rowsRead).padStart(7)} rows  ${String(l.rowsAccepted).padStart(7)} accepted  ${String(l.errors).padStart(6)} errors  ${String(l.queries).padStart(6)} queries  (${l.title})`,
    )
  }
  if (result.file.ignoredSheets.length) lines.push('', `Ignored sheets: ${result.file.ignoredSheets.join(', ')}`)
  if (result.problemsByRule.length) {
    lines.push('', 'Problems by rule:')
    for (const r of result.problemsByRule)
      lines.push(`  ${String(r.count).padStart(6)}  ${r.severity.padEnd(5)}  ${r.title} (${r.rule})`)
    lines.push('', 'First problems:')
    for (const p of result.problems.slice(0, 20))
      lines.push(
        `  ${p.severity.padEnd(5)} ${p.list ?? 'file'}${p.row ? ` row ${p.row}` : ''}${p.column ? ` [${p.column}]` : ''}: ${p.message}`,
      )
    if (result.problems.length > 20) lines.push(`  … and ${result.problems.length - 20} more (use --json for all).`)
  } else lines.push('', 'No problems found.')
  return `${lines.join('\n')}\n`
}

/** One sentence saying why `file` cannot be checked (missing, a folder, not readable), or null. */
async function pathProblem(file: string): Promise<string | null> {
  let info
  try {
    info = await stat(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return `There is no file at ${file}: check the path and give the path of an .xlsx or .csv file.`
    if (code === 'EACCES' || code === 'EPERM')
      return `${file} cannot be opened because you do not have permission to read it: copy it somewhere you can read, or ask for access.`
    return `${file} cannot be opened: check the path and give the path of an .xlsx or .csv file.`
  }
  if (info.isDirectory()) return `${file} is a folder, not a file: give the path of an .xlsx or .csv file.`
  if (!info.isFile()) return `${file} is not an ordinary file: give the path of an .xlsx or .csv file.`
  try {
    await access(file, constants.R_OK)
  } catch {
    return `${file} cannot be opened because you do not have permission to read it: copy it somewhere you can read, or ask for access.`
  }
  return null
}

async function validate(args: string[], io: CliIo): Promise<number> {
  let file: string | null = null
  let notified: string | undefined
  let json = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--json') json = true
    else if (arg === '--notified') {
      notified = args[++i]
      if (!notified || !isIsoDate(notified)) {
        io.stderr('The --notified date must be a real date written YYYY-MM-DD, for example --notified 2024-03-04.\n')
        return 2
      }
    } else if (arg.startsWith('--notified=')) {
      notified = arg.slice('--notified='.length)
      if (!isIsoDate(notified)) {
        io.stderr('The --notified date must be a real date written YYYY-MM-DD, for example --notified 2024-03-04.\n')
        return 2
      }
    } else if (arg.startsWith('--')) {
      io.stderr(`Unknown option ${arg}.\n${USAGE}`)
      return 2
    } else if (file === null) file = arg
    else {
      io.stderr(`Only one file can be validated at a time.\n${USAGE}`)
      return 2
    }
  }
  if (!file) {
    io.stderr(USAGE)
    return 2
  }
  const problem = await pathProblem(file)
  if (problem) {
    io.stderr(`${problem}\n`)
    return 2
  }
  const result = await validateAnnexAFile(file, { notified })
  if (!result.readable) {
    io.stderr(`${result.problems[0]?.message ?? 'The file could not be read.'}\n`)
    return 2
  }
  io.stdout(json ? toJson(result) : toText(result))
  return result.problems.some((p) => p.severity === 'error') ? 1 : 0
}

/** `annex-a validate <file> [--notified YYYY-MM-DD] [--json]`: validates without writing anything. Exit 0 clean, 1 errors found, 2 unreadable or bad usage. */
export const annexACommand: CliCommand = {
  name: 'annex-a',
  summary: 'Validate an Annex A workbook (annex-a validate <file> [--notified YYYY-MM-DD] [--json])',
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub !== 'validate') {
      io.stderr(USAGE)
      return 2
    }
    try {
      return await validate(rest, io)
    } catch {
      io.stderr(
        'Something unexpected went wrong while checking this file: try again, and if it happens again send the file to your system administrator.\n',
      )
      return 1
    }
  },
}
