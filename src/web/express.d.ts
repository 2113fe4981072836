import type { Scope } from '../shared/scope'

declare global {
  namespace Express {
    interface Request {
      /** The signed-in person's scope; undefined when signed out. */
      scope?: Scope
    }
    interface Locals {
      cspNonce: string
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    personId: string
    signedInAt: number
    lastSeenAt: number
    /** Between the password and the second factor: who, and which step comes next. */
    pending: { personId: string; next: 'code' | 'enrol'; at: number }
    returnTo: string
    flash: string
  }
}

export {}
