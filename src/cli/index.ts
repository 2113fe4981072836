import { annexACommand } from './commands/annexA'
import { auditCommand } from './commands/audit'
import { chronologyCommand } from './commands/chronology'
import { demoCommand } from './commands/demo'
import { holidaysCommand } from './commands/holidays'
import { timelineCommand } from './commands/timeline'
import type { CliCommand, CliIo } from './types'

const io: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
}

const commands: CliCommand[] = [
  demoCommand,
  auditCommand,
  timelineCommand,
  holidaysCommand,
  annexACommand,
  chronologyCommand,
]

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.stderr(
      `Usage: npm run jtai -- <command>\n\nCommands:\n${commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}\n`,
    )
    return name ? 2 : 0
  }
  return command.run(rest, io)
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`jtai: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
