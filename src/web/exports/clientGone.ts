import type { ServerResponse } from 'node:http'

/** Thrown when the client closes the connection before a download finished. */
export class ClientClosedError extends Error {
  override name = 'ClientClosedError'
  constructor() {
    super('The client closed the connection before the download finished')
  }
}

/**
 * Rejects with {@link ClientClosedError} if the response closes before it finished, so a
 * streaming export can stop instead of waiting forever for a 'finish' that will never come.
 * Call the returned `dispose` once the export settles.
 */
export function whenClientGone(res: ServerResponse): { gone: Promise<never>; dispose: () => void } {
  let onClose: () => void = () => undefined
  const gone = new Promise<never>((_resolve, reject) => {
    onClose = () => {
      if (!res.writableFinished) reject(new ClientClosedError())
    }
    if (res.destroyed && !res.writableFinished) onClose()
    else res.once('close', onClose)
  })
  // Only ever observed through Promise.race; an unobserved rejection must not crash the process.
  gone.catch(() => undefined)
  return { gone, dispose: () => res.off('close', onClose) }
}
