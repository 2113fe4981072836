import type { PolicyFragment } from '../../web/access'

/** Who may use each of this capability's routes (merged into the one route-by-role table). */
export const authPolicy = {
  'GET /setup/:token': 'public',
  'POST /setup/:token': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'GET /sign-in/code': 'public',
  'POST /sign-in/code': 'public',
  'GET /sign-in/set-up-authenticator': 'public',
  'POST /sign-in/set-up-authenticator': 'public',
  'GET /signed-out': 'public',
  'GET /password/:token': 'public',
  'POST /password/:token': 'public',
  'POST /sign-out': 'signed-in',
  'POST /session/keep-alive': 'signed-in',
} as const satisfies PolicyFragment
