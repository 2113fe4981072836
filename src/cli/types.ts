/** Where a command writes. Commands never call process.exit or console directly, so tests can run them. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
}

/** A `jtai` sub-command that needs no database (the dispatcher in index.ts opens one for those that do). */
export interface CliCommand {
  name: string
  summary: string
  /** Returns the process exit code. Bad input prints one clear sentence to stderr and returns non-zero. */
  run(args: string[], io: CliIo): Promise<number>
}
