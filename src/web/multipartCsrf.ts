import type { Request } from 'express'

/**
 * Checks the CSRF token that arrived inside a multipart body. The app-wide check skips multipart
 * routes (MULTIPART_ROUTES in policy.ts) because their body is not parsed yet; each such route
 * parses the upload, calls this, and deletes anything it stored when it answers false.
 */
export function csrfValid(req: Request, fields: Record<string, string>): boolean {
  req.body = { ...fields }
  const check = req.app.locals.csrfRequestValid as ((r: Request) => boolean) | undefined
  return check ? check(req) : false
}
