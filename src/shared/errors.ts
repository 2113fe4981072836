/**
 * Failures a person can act on, each shown to them as it is. Services and routes throw these by
 * name; the one error handler (src/app.ts) turns them into a status and a page through
 * {@link statusOf}, so nothing else compares status numbers.
 */
export abstract class AppError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }

  /** Its HTTP status, from {@link statusOf}. */
  get status(): number {
    return statusOf(this)
  }
}

/** What was asked for does not exist, or is outside the person's partnership or scope. */
export class NotFoundError extends AppError {
  constructor(what = 'Page') {
    super(`${what} not found`)
  }
}

/** The person may see this, but not do that. */
export class ForbiddenError extends AppError {
  constructor(message = 'You do not have permission to do that') {
    super(message)
  }
}

/** The action does not fit the current state (already accepted, counted from another task…). */
export class ConflictError extends AppError {}

/** What was sent is larger than the service accepts. */
export class TooLargeError extends AppError {}

/** Form problems, one message per field, shown in the error summary and inline. */
export class ValidationError extends AppError {
  constructor(readonly errors: Record<string, string>) {
    super(Object.values(errors)[0] ?? 'There is a problem')
  }
}

/** The HTTP status for each kind of error: the only place they are mapped. */
export function statusOf(error: AppError): number {
  if (error instanceof NotFoundError) return 404
  if (error instanceof ForbiddenError) return 403
  if (error instanceof ConflictError) return 409
  if (error instanceof TooLargeError) return 413
  return 400 // ValidationError
}
