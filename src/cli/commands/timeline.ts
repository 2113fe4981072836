import type { CliCommand } from '../types'

// Placeholder until the timeline domain lands.
export const timelineCommand: CliCommand = {
  name: 'timeline',
  summary: 'Print an inspection timeline for a framework and notification date',
  async run(_args, io) {
    io.stderr('The timeline command is not available yet.\n')
    return 1
  },
}
