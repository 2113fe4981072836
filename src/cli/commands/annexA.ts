import type { CliCommand } from '../types'

// Placeholder until the Annex A domain lands.
export const annexACommand: CliCommand = {
  name: 'annex-a',
  summary: 'Validate an Annex A workbook (annex-a validate <file> [--notified YYYY-MM-DD] [--json])',
  async run(_args, io) {
    io.stderr('The annex-a command is not available yet.\n')
    return 1
  },
}
