/**
 * Worker-thread entry: validates one file and posts progress and the result back. Loaded through
 * validateInWorker's bootstrap, which registers tsx so this TypeScript file runs under vitest, tsx and node alike.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { unexpectedErrorSentence, validateAnnexAFile, type ValidateOptions } from './validateAnnexAFile'

interface WorkerInput {
  filePath: string
  options: ValidateOptions
}

const port = parentPort
if (port) {
  const { filePath, options } = workerData as WorkerInput
  validateAnnexAFile(filePath, options, (progress) => port.postMessage({ type: 'progress', progress }))
    .then((result) => port.postMessage({ type: 'result', result }))
    .catch(() => port.postMessage({ type: 'failed', message: unexpectedErrorSentence() }))
}
