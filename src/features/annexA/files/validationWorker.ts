/**
 * Worker-thread entry: validates one file and posts progress and the result back. Loaded through
 * validateInWorker's bootstrap, which registers tsx so this TypeScript file runs under vitest, tsx and node alike.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { unexpectedErrorSentence, validateAnnexAFile, type ValidateOptions } from './validateAnnexAFile'
import { writeRowsFile } from './rowsFile'

interface WorkerInput {
  filePath: string
  options: ValidateOptions
  /** Where to write the rows for the register, instead of posting them back (see validateInWorker). */
  rowsPath?: string
}

const port = parentPort
if (port) {
  const { filePath, options, rowsPath } = workerData as WorkerInput
  validateAnnexAFile(filePath, options, (progress) => port.postMessage({ type: 'progress', progress }))
    .then(async (result) => {
      if (rowsPath === undefined) return result
      await writeRowsFile(rowsPath, result.rows)
      return { ...result, rows: [] }
    })
    .then((result) => port.postMessage({ type: 'result', result }))
    .catch(() => port.postMessage({ type: 'failed', message: unexpectedErrorSentence() }))
}
