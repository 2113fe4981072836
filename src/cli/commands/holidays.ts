import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Services } from '../../services'
import { openServicesFromConfig } from '../openServices'
import { movedMilestonesWarning } from '../../features/inspections/service'
import { yearSpan } from '../../features/calendar/service'
import type { CliCommand, CliIo } from '../types'

const USAGE = 'Usage: npm run jtai -- holidays import <bank-holidays.json> [--partnership <id>]\n'

/** Opens the app's database and services; tests pass their own. */
export type OpenServices = () => Promise<{ services: Services; close: () => Promise<void> }>

const openFromConfig: OpenServices = openServicesFromConfig

/**
 * `holidays import <file>`: loads gov.uk's bank-holidays.json (England and Wales) into the same
 * database the web app uses (DATA_DIR or DATABASE_URL). Bank holidays are kept per partnership, so
 * it loads them into every partnership, or the one named with --partnership, and records that in
 * each one's audit trail. Loaded dates replace the bundled ones for the years the file covers.
 */
export function createHolidaysCommand(open: OpenServices = openFromConfig): CliCommand {
  return {
    name: 'holidays',
    summary: 'Load gov.uk bank holidays (holidays import <bank-holidays.json> [--partnership <id>])',
    async run(args, io) {
      const [sub, ...rest] = args
      if (sub === '--help' || sub === '-h') {
        io.stdout(USAGE)
        return 0
      }
      if (sub !== 'import')
        return fail(
          io,
          sub
            ? `There is no "holidays ${sub}" command; use "holidays import <file>".`
            : 'Say what to do: holidays import <bank-holidays.json>.',
        )
      let file: string | undefined
      let partnership: string | undefined
      for (let i = 0; i < rest.length; i += 1) {
        const arg = rest[i]!
        if (arg === '--partnership') {
          partnership = rest[i + 1]
          i += 1
          if (!partnership) return fail(io, '--partnership needs a partnership id.')
        } else if (arg.startsWith('--')) return fail(io, `Unknown option ${arg}.`)
        else if (file) return fail(io, 'Give one file at a time.')
        else file = arg
      }
      if (!file)
        return fail(
          io,
          'Say which file to load: holidays import <bank-holidays.json> (download it from https://www.gov.uk/bank-holidays.json).',
        )
      let text: string
      try {
        text = await readFile(file, 'utf8')
      } catch (error) {
        return fail(
          io,
          `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message}.`,
        )
      }
      const { services, close } = await open()
      try {
        if (partnership && !(await services.directory.partnershipName(partnership).catch(() => undefined)))
          return fail(io, `There is no partnership with id ${partnership}.`)
        // Each partnership's open timelines before, so the command can say which deadlines the new dates move.
        const targets = partnership ? [partnership] : await services.directory.partnershipIds()
        const before = new Map(
          await Promise.all(
            targets.map(async (id) => [id, await services.inspections.openTimelines({ partnershipId: id })] as const),
          ),
        )
        const result = await services.calendar.importHolidaysForPartnerships(
          text,
          basename(file),
          partnership ? [partnership] : undefined,
        )
        if (!result.ok) {
          io.stderr(`${file} is not a gov.uk bank holidays list:\n${result.problems.map((p) => `  ${p}`).join('\n')}\n`)
          return 2
        }
        if (!result.partnerships) {
          io.stderr(
            'No partnership has been set up yet, so there is nothing to load the bank holidays into. Set one up first.\n',
          )
          return 1
        }
        io.stdout(
          `Loaded ${result.count} England and Wales bank holidays (${yearSpan(result.years)}) for ${result.partnerships} partnership${result.partnerships === 1 ? '' : 's'}. They replace the bundled dates for those years.\n`,
        )
        for (const [id, timelines] of before) {
          const effects = await services.inspections.movedSince({ partnershipId: id }, timelines)
          if (!effects.length) continue
          const name = (await services.directory.partnershipName(id)) ?? id
          for (const e of effects) io.stdout(`${name}: ${movedMilestonesWarning(e)}\n`)
        }
        return 0
      } finally {
        await close()
      }
    },
  }
}

export const holidaysCommand: CliCommand = createHolidaysCommand()

function fail(io: CliIo, sentence: string, code = 2): number {
  io.stderr(`${sentence}\n`)
  return code
}
