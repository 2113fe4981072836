import type { FileStore, SweepReport } from './fileStore'

/** The slice of a pino logger the sweeper needs, so tests can pass a plain object. */
export interface SweeperLogger {
  info(details: object, message: string): void
  error(details: object, message: string): void
}

export interface SweeperOptions {
  intervalMs: number
  olderThanMs: number
  logger: SweeperLogger
}

/**
 * Sweeps `store` every `intervalMs` (first run after one interval). Runs never overlap: a tick that
 * comes while a sweep is still going is skipped. The timer is unref'd so it never keeps the process
 * alive. The returned function stops the timer and resolves once any sweep in progress has finished,
 * so shutdown can wait for it before closing the database.
 */
export function startSweeper(
  store: FileStore,
  isReferenced: (keys: string[]) => Promise<Set<string>>,
  options: SweeperOptions,
): () => Promise<void> {
  let running: Promise<void> | undefined
  const tick = (): void => {
    if (running) return
    running = store
      .sweep({ isReferenced, olderThanMs: options.olderThanMs })
      .then(
        (report: SweepReport) => {
          if (report.tempFilesRemoved > 0 || report.orphansRemoved > 0) {
            options.logger.info({ ...report }, 'File sweep removed stale files')
          }
        },
        (error: unknown) => {
          options.logger.error({ err: error }, 'File sweep failed')
        },
      )
      .finally(() => {
        running = undefined
      })
  }
  const timer = setInterval(tick, options.intervalMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}
