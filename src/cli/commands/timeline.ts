import { formatIsoDate, isIsoDate } from '../../domain/calendar/isoDate'
import { WorkingDayCalendar } from '../../domain/calendar/workingDayCalendar'
import { ROLE_LABELS } from '../../domain/directory'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../../features/frameworks/loadDirectory'
import { formatFrameworkProblem } from '../../domain/frameworks/parse'
import { computeTimeline, TimelineError, type ComputedMilestone } from '../../domain/timeline/compute'
import type { CliCommand, CliIo } from '../types'

/**
 * Deliberately the bundled calendar and frameworks, never a partnership's loaded bank holidays,
 * closure days or uploaded frameworks: an outside check compares this output with published
 * inspection dates, so it must not depend on what is in any database.
 */
const WORKING_DAYS_NOTE =
  'Working days: bundled England and Wales bank holidays (not any list loaded from gov.uk, and no partnership closure days); frameworks: the bundled framework files (not uploaded versions).'

const USAGE = `Usage: npm run jtai -- timeline --framework <id> --notified YYYY-MM-DD [--json]\n\n${WORKING_DAYS_NOTE}\n`

/** What the command reads; tests swap in their own folder or calendar. */
export interface TimelineCommandDeps {
  frameworksDir?: string
  calendar?: WorkingDayCalendar
}

interface TimelineArgs {
  framework?: string
  notified?: string
  json: boolean
  help: boolean
}

/** Builds the `timeline` command; {@link timelineCommand} is the one wired into the CLI. */
export function createTimelineCommand(deps: TimelineCommandDeps = {}): CliCommand {
  return {
    name: 'timeline',
    summary:
      'Print an inspection timeline from the bundled bank holidays and frameworks (timeline --framework <id> --notified YYYY-MM-DD [--json])',
    async run(args, io) {
      const parsed = parseArgs(args)
      if (typeof parsed === 'string') return fail(io, parsed)
      if (parsed.help) {
        io.stdout(USAGE)
        return 0
      }
      const { frameworks, errors } = await loadFrameworksFromDirectory(
        deps.frameworksDir ?? bundledFrameworksDirectory(),
      )
      const ids = frameworks.map((f) => f.id)
      if (!parsed.framework) return fail(io, `Say which framework with --framework <id> (one of: ${ids.join(', ')}).`)
      if (!parsed.notified) return fail(io, 'Say when the inspection was notified with --notified YYYY-MM-DD.')
      if (!isIsoDate(parsed.notified))
        return fail(io, `The notification date "${parsed.notified}" is not a real date in the form YYYY-MM-DD.`)
      const framework = frameworks.find((f) => f.id === parsed.framework)
      if (!framework) {
        // A framework whose file is broken is left out of the list; say so rather than "unknown".
        const broken = errors.find((e) => e.source.replace(/\.(json|ya?ml)$/i, '') === parsed.framework)
        if (broken)
          return fail(io, `The framework file has a problem and cannot be used (${formatFrameworkProblem(broken)}).`, 1)
        return fail(io, `There is no framework "${parsed.framework}"; choose one of: ${ids.join(', ')}.`)
      }
      let milestones: ComputedMilestone[]
      try {
        milestones = computeTimeline(
          framework.timeline,
          { notified: parsed.notified },
          deps.calendar ?? WorkingDayCalendar.bundled(),
        )
      } catch (error) {
        if (error instanceof TimelineError) return fail(io, error.message, error.code === 'invalid-template' ? 1 : 2)
        throw error
      }
      io.stdout(
        parsed.json
          ? toJson(framework.id, milestones)
          : toTable(framework.title, framework.id, parsed.notified, milestones),
      )
      return 0
    },
  }
}

/** The `timeline` command with the bundled frameworks and bank holidays. */
export const timelineCommand: CliCommand = createTimelineCommand()

function fail(io: CliIo, sentence: string, code = 2): number {
  io.stderr(`${sentence}\n`)
  return code
}

function parseArgs(args: readonly string[]): TimelineArgs | string {
  const result: TimelineArgs = { json: false, help: false }
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? ''
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    if (flag === '--json') result.json = true
    else if (flag === '--help' || flag === '-h') result.help = true
    else if (flag === '--framework' || flag === '--notified') {
      const value = inline ?? args[i + 1]
      if (inline === undefined) i += 1
      if (value === undefined || value === '' || value.startsWith('--')) return `${flag} needs a value.`
      result[flag === '--framework' ? 'framework' : 'notified'] = value
    } else {
      return `"${arg}" is not an option of the timeline command (use --framework, --notified and --json).`
    }
  }
  return result
}

function toJson(frameworkId: string, milestones: readonly ComputedMilestone[]): string {
  const body = {
    framework: frameworkId,
    milestones: milestones.map((m) => ({ id: m.id, title: m.title, date: m.date, time: m.time, day: m.day })),
  }
  return `${JSON.stringify(body, null, 2)}\n`
}

function toTable(title: string, id: string, notified: string, milestones: readonly ComputedMilestone[]): string {
  const rows = milestones.map((m) => [
    m.day === null ? '' : String(m.day),
    formatIsoDate(m.date, true),
    m.time ?? '',
    m.title,
    ROLE_LABELS[m.ownerRole],
  ])
  const header = ['Day', 'Date', 'Time', 'Milestone', 'Owner']
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd()
  return [
    `${title} (${id})`,
    `Notified ${formatIsoDate(notified)}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    WORKING_DAYS_NOTE,
    '',
  ].join('\n')
}
