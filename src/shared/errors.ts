/** A failure the person can act on: shown to them as it is, with a status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

export const notFound = (what = 'Page'): AppError => new AppError(404, `${what} not found`)
export const forbidden = (message = 'You do not have permission to do that'): AppError => new AppError(403, message)

/** A form problem tied to one field, shown in the error summary and inline. */
export class ValidationError extends AppError {
  constructor(
    readonly errors: Record<string, string>,
  ) {
    super(400, Object.values(errors)[0] ?? 'There is a problem')
  }
}
