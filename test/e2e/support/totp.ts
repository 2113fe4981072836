import { currentTotp } from '../../../src/features/auth/totp'

/** The app's TOTP time step (src/features/auth/totp.ts). */
export const TOTP_STEP_MS = 30_000

/** The 30-second step a moment falls in. */
export function totpStep(ms: number = Date.now()): number {
  return Math.floor(ms / TOTP_STEP_MS)
}

/**
 * An authenticator app for one secret, as a person's phone would be. The app accepts each code once
 * (a step it has claimed for the person cannot be used again), so code() waits, when it must, for the
 * next 30-second step after the last one this authenticator gave out.
 */
export class Authenticator {
  private lastStep: number | undefined

  constructor(readonly secret: string) {}

  /** The current 6-digit code, waiting for a step later than the last code given out if need be. */
  async code(): Promise<string> {
    let now = Date.now()
    if (this.lastStep !== undefined && totpStep(now) <= this.lastStep) {
      const waitMs = (this.lastStep + 1) * TOTP_STEP_MS - now + 200
      await new Promise((resolve) => setTimeout(resolve, waitMs))
      now = Date.now()
    }
    this.lastStep = totpStep(now)
    return currentTotp(this.secret, new Date(now))
  }
}
