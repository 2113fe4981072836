import { z } from 'zod'
import { readDateInput } from '../../web/dateInput'
import type { MappingChoice } from './service'

/**
 * The value-mapping form: for each value, a hidden `key-N` ("<column id>|<spelling>") and a
 * `code-N` select, N counting from 0. Its fields depend on the file, so the schema is not strict:
 * a value left unchosen, or a pair that does not match, is skipped, and the service keeps only
 * the values the latest check asked about.
 */
export const mapSchema = z.record(z.string(), z.unknown()).transform((body) => {
  const choices: MappingChoice[] = []
  for (const [name, value] of Object.entries(body)) {
    const n = /^code-(\d{1,5})$/.exec(name)?.[1]
    if (n === undefined || typeof value !== 'string' || !value) continue
    const key = body[`key-${n}`]
    if (typeof key !== 'string') continue
    const bar = key.indexOf('|')
    if (bar < 1) continue
    choices.push({ columnId: key.slice(0, bar), spelling: key.slice(bar + 1), code: value })
  }
  return choices
})
/** The service's problem with the choices as a whole goes to the first select. */
export const MAP_ANCHORS = { form: 'code-0' }

/**
 * Accepting a file: a reason for each kind of query (each rule) still in it, in fields named by
 * queryReasonField ("reason-period-outside"); the service says which are needed. Anything else sent is
 * ignored, and each reason is cut to 2,000 characters.
 */
export const acceptSchema = z.record(z.string(), z.unknown()).transform((body) => {
  const reasons: Record<string, string> = {}
  for (const [name, value] of Object.entries(body))
    if (/^reason-[a-z0-9-]{1,60}$/i.test(name) && typeof value === 'string') reasons[name] = value.slice(0, 2000)
  return reasons
})
/** A problem with the file itself goes to the heading; the reasons follow in page order (the service's order). */
export const ACCEPT_FIELDS = ['form']
export const ACCEPT_ANCHORS = { form: 'accept' }

/** The upload form (multipart, so read by the route rather than a schema): its fields in page order. */
export const UPLOAD_FIELDS = ['file', 'notified']

/** The date Ofsted notified the partnership, which must be given: 'YYYY-MM-DD', or the message to show. */
export function readNotified(fields: Record<string, unknown>): { value: string } | { error: string } {
  const date = readDateInput(fields, 'notified', 'The date Ofsted notified the partnership')
  if ('error' in date) return date
  return date.value ? { value: date.value } : { error: 'Enter the date Ofsted notified the partnership' }
}
