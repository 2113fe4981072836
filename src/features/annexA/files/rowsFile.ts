import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { NormalisedRow } from '../../../domain/annexA/resultModel'

/**
 * A checked file's rows ready for the register, kept on disk (one JSON object per line) beside the
 * findings held in memory: a 300,000-row list's rows were some 250 MB when handed from the worker
 * to the web server and kept there (bench/annex-a-memory.ts).
 */
export async function writeRowsFile(path: string, rows: readonly NormalisedRow[]): Promise<void> {
  const out = createWriteStream(path, { mode: 0o600 })
  const failed = once(out, 'error').then(([error]: unknown[]) => Promise.reject(error as Error))
  failed.catch(() => undefined)
  for (const row of rows) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await Promise.race([once(out, 'drain'), failed])
  }
  out.end()
  await Promise.race([once(out, 'finish'), failed])
}

/** The rows written by writeRowsFile, in their order. */
export async function* readRowsFile(path: string): AsyncGenerator<NormalisedRow> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  for await (const line of lines) if (line) yield JSON.parse(line) as NormalisedRow
}

/** Every row, for accepting the file (Array.fromAsync needs Node 22). */
export async function readAllRows(path: string): Promise<NormalisedRow[]> {
  const rows: NormalisedRow[] = []
  for await (const row of readRowsFile(path)) rows.push(row)
  return rows
}

/** One row by its list and spreadsheet row number, or undefined. */
export async function findRow(path: string, list: string, row: number): Promise<NormalisedRow | undefined> {
  for await (const r of readRowsFile(path)) if (r.list === list && r.row === row) return r
  return undefined
}
