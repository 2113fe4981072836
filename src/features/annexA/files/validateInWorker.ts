import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { AnnexAValidationResult, ValidationProgress } from '../../../domain/annexA/resultModel'
import { RULES } from '../../../domain/annexA/rules'
import { unexpectedErrorSentence, validateAnnexAFile, type ValidateOptions } from './validateAnnexAFile'
import { writeRowsFile } from './rowsFile'

const WORKER_URL = new URL('./validationWorker.ts', import.meta.url)

/**
 * The worker is TypeScript; Node cannot load .ts in a worker by itself, and tsx's hooks registered in the
 * main thread do not reach workers. So the worker starts from this tiny script, which registers tsx's ESM
 * loader inside the worker and then imports the real entry.
 */
function bootstrapSource(): string {
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href
  return `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}) })`
}

function failed(options: ValidateOptions, filePath: string): AnnexAValidationResult {
  const fileName = options.fileName ?? filePath.split(/[\\/]/).pop() ?? filePath
  return {
    readable: false,
    specVersion: options.specVersion ?? '',
    notified: options.notified ?? '',
    file: { fileName, format: null, encoding: null, date1904: false, ignoredSheets: [] },
    lists: [],
    problemsByRule: [{ rule: 'internal.error', severity: 'error', title: RULES['internal.error'].title, count: 1 }],
    problems: [
      {
        rule: 'internal.error',
        severity: 'error',
        list: null,
        row: null,
        column: null,
        value: null,
        message: unexpectedErrorSentence(),
      },
    ],
    unmapped: [],
    rows: [],
    mappingMethods: {},
  }
}

/**
 * Parses and validates a file in a worker thread so large workbooks never block the web server.
 * `onProgress` receives rows read every few thousand rows. Never rejects: failures become a result with one problem.
 * With `rowsPath`, the rows for the register are written there (writeRowsFile) by the worker and the
 * result's `rows` is empty: they are not copied to the web server's memory.
 */
export function validateInWorker(
  filePath: string,
  options: ValidateOptions = {},
  onProgress: (progress: ValidationProgress) => void = () => {},
  rowsPath?: string,
): Promise<AnnexAValidationResult> {
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: AnnexAValidationResult): void => {
      if (settled) return
      settled = true
      resolve(result)
    }
    let worker: Worker
    try {
      // Library objects hold RegExps and Maps, which structured cloning carries; functions would not be.
      worker = new Worker(bootstrapSource(), {
        eval: true,
        workerData: { filePath, options, rowsPath },
        resourceLimits: { maxOldGenerationSizeMb: 1536 },
      })
    } catch {
      finish(failed(options, filePath))
      return
    }
    worker.on(
      'message',
      (message: { type: string; progress?: ValidationProgress; result?: AnnexAValidationResult }) => {
        if (message.type === 'progress' && message.progress) onProgress(message.progress)
        else if (message.type === 'result' && message.result) {
          finish(message.result)
          void worker.terminate()
        } else if (message.type === 'failed') {
          finish(failed(options, filePath))
          void worker.terminate()
        }
      },
    )
    worker.on('error', () => finish(failed(options, filePath)))
    worker.on('exit', () => finish(failed(options, filePath)))
  })
}

/**
 * The same check on the calling thread, with the same promise (and `rowsPath`): never rejects, a
 * failure becomes a result with one problem. For route tests, where starting a worker (and tsx inside it) for every
 * check costs more than the check; the app uses validateInWorker.
 */
export async function validateInProcess(
  filePath: string,
  options: ValidateOptions = {},
  onProgress: (progress: ValidationProgress) => void = () => {},
  rowsPath?: string,
): Promise<AnnexAValidationResult> {
  try {
    const result = await validateAnnexAFile(filePath, options, onProgress)
    if (rowsPath === undefined) return result
    await writeRowsFile(rowsPath, result.rows)
    return { ...result, rows: [] }
  } catch {
    return failed(options, filePath)
  }
}
