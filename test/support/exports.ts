/** Helpers shared by the export tests; not used by the app. */
import type { Response } from 'supertest'

/** A supertest parser that keeps the body as raw bytes, whatever the content type. */
export function binary(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = []
  res.on('data', (chunk: Buffer) => chunks.push(chunk))
  res.on('end', () => callback(null, Buffer.concat(chunks)))
  res.on('error', (error: Error) => callback(error, Buffer.alloc(0)))
}
