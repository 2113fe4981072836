import type { Request, Response } from 'express'
import { z } from 'zod'
import { ValidationError } from '../shared/errors'
import type { Handler, RouteContext } from './guardedRouter'

export type FieldErrors = Record<string, string>

export interface ErrorSummaryItem {
  text: string
  href: string
}

/**
 * The GOV.UK error summary list, in the order the fields appear on the page. Each link goes to the
 * field's id, or to `anchors[field]` where the first focusable input has another id (a date
 * input's day field is `<name>-day`).
 */
export function errorList(
  errors: FieldErrors,
  order: string[] = [],
  anchors: Record<string, string> = {},
): ErrorSummaryItem[] {
  const keys = Object.keys(errors).sort((a, b) => rank(order, a) - rank(order, b))
  return keys.map((k) => ({ text: errors[k]!, href: `#${anchors[k] ?? k}` }))
}
const rank = (order: string[], key: string) => {
  const i = order.indexOf(key)
  return i === -1 ? order.length : i
}

/**
 * Parses a form body with the route's schema. Fields the form does not have are refused (the
 * schemas are strict), and `_csrf` is set aside first because the CSRF middleware has checked it.
 * Throws ValidationError with one message per field.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const raw = { ...(typeof body === 'object' && body ? body : {}) } as Record<string, unknown>
  delete raw._csrf
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      errors.form ??= `The form contained fields this page does not accept (${issue.keys.join(', ')}). Reload the page and try again`
      continue
    }
    const key = String(issue.path[0] ?? 'form')
    errors[key] ??= issue.message
  }
  throw new ValidationError(errors)
}

/**
 * Parses a form and runs further checks on the raw body in the same round, so a person sees every
 * problem at once rather than one batch after another. `extra` returns field errors.
 */
export function parseFormWith<S extends z.ZodType>(
  schema: S,
  body: unknown,
  extra: (raw: Record<string, unknown>) => FieldErrors,
): z.output<S> {
  let errors: FieldErrors = {}
  let parsed: z.output<S> | undefined
  try {
    parsed = parseForm(schema, body)
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e
    errors = { ...e.errors }
  }
  for (const [k, v] of Object.entries(extra((body ?? {}) as Record<string, unknown>))) errors[k] ??= v
  if (Object.keys(errors).length || parsed === undefined) throw new ValidationError(errors)
  return parsed
}

/**
 * A form post, written once: the body is parsed with the route's zod schema (plus any further
 * checks on the raw body, so a person sees every problem in one round); on success the work is
 * done and the person is sent on (POST–redirect–GET); on a problem, from the schema or a
 * ValidationError thrown by the work, the page is shown again with status 400, the values as sent,
 * the GOV.UK error summary and inline messages.
 */
export interface FormSpec<S extends z.ZodType, P extends string> {
  /** The page the form is on. */
  view: string
  schema: S
  /** The fields in page order, for the error summary. */
  order?: string[]
  /** Where a field's summary link goes when its first input has another id (`date` → `date-day`). */
  anchors?: Record<string, string>
  /** Further checks on the raw body, reported with the schema's problems. */
  check?: (raw: Record<string, unknown>, ctx: RouteContext<P>) => FieldErrors
  /** What else the page needs when it is shown again (choices, the record being edited…). */
  context?: (req: Request, ctx: RouteContext<P>) => Promise<Record<string, unknown>> | Record<string, unknown>
  /** Does the work and returns where to go next; a ValidationError it throws shows the page again. */
  onValid: (form: z.output<S>, req: Request, ctx: RouteContext<P>) => Promise<string> | string
}

export function formHandler<S extends z.ZodType, P extends string>(spec: FormSpec<S, P>): Handler<P> {
  return async (req, res, ctx) => {
    try {
      const form = spec.check
        ? parseFormWith(spec.schema, req.body, (raw) => spec.check!(raw, ctx))
        : parseForm(spec.schema, req.body)
      res.redirect(303, await spec.onValid(form, req, ctx))
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const context = spec.context ? await spec.context(req, ctx) : {}
      renderWithErrors(res, spec.view, error, { values: bodyOf(req), ...context }, spec.order, spec.anchors)
    }
  }
}

/** Renders a form page again with status 400, its values, the error summary and inline messages. */
export function renderWithErrors(
  res: Response,
  view: string,
  error: ValidationError,
  context: Record<string, unknown>,
  order: string[] = [],
  anchors: Record<string, string> = {},
): void {
  res.status(400).render(view, { ...context, errors: error.errors, errorList: errorList(error.errors, order, anchors) })
}

/** Control characters other than tab and line breaks: never typed, and PostgreSQL refuses NUL in text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/
const CONTROL_MESSAGE = 'Remove the hidden control characters from this text (they can come from copying and pasting)'

/** Text input: trimmed, required with the given message, with a length limit. */
export const requiredText = (message: string, max = 200) =>
  z
    .string({ error: message })
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, message)
        .max(max, `Enter ${max} characters or fewer`)
        .refine((s) => !CONTROL_CHARACTERS.test(s), CONTROL_MESSAGE),
    )

export const optionalText = (max = 200) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(
      z
        .string()
        .max(max, `Enter ${max} characters or fewer`)
        .refine((s) => !CONTROL_CHARACTERS.test(s), CONTROL_MESSAGE),
    )

export const email = (message = 'Enter an email address in the correct format, like name@example.org') =>
  z
    .string({ error: message })
    .transform((s) => s.trim().toLowerCase())
    .pipe(
      z
        .string()
        .min(1, 'Enter an email address')
        .max(254, 'Enter an email address that is 254 characters or fewer')
        .pipe(z.email(message)),
    )

/** Checkbox group: absent, one value or many; each must be one of the allowed values. */
export const checkboxes = <T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum(values, { error: message })))

/** Whether the request is a form post rendered by us (for re-rendering with the body's values). */
export function bodyOf(req: Request): Record<string, string | string[]> {
  return (typeof req.body === 'object' && req.body ? req.body : {}) as Record<string, string | string[]>
}

/**
 * A page number from the query string: a whole number from 1 to `max` (a list longer than that
 * many pages is not paged through). Anything else, empty, negative, huge or not a number, is page 1.
 */
export function pageNumber(value: unknown, max = 10_000): number {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return 1
  const page = Number(value)
  return page >= 1 && page <= max ? page : 1
}

/**
 * A filter's text from the query string: a non-empty string of at most `max` characters with no
 * control characters (a NUL cannot even be compared in PostgreSQL). Anything else means no filter.
 */
export function queryText(value: unknown, max = 200): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > max || CONTROL_CHARACTERS.test(value))
    return undefined
  return value
}

/** An authenticator app's code as typed, spaces removed (people copy "123 456"). */
const typedCode = z
  .string()
  .optional()
  .transform((s) => (s ?? '').replace(/\s+/g, ''))

/** Whether a code as typed is 6 digits, the shape every authenticator app shows. */
export const isTotpCode = (code: string): boolean => /^\d{6}$/.test(code)

/**
 * The one form schema for an authenticator code: sign-in, enrolment and step-up approvals. An empty
 * code and one that is not 6 digits are refused with their own messages.
 */
export const totpCodeSchema = () =>
  z.strictObject({
    code: typedCode.pipe(
      z
        .string()
        .min(1, 'Enter the 6-digit code from your authenticator app')
        .refine(isTotpCode, 'The code must be 6 digits'),
    ),
  })
