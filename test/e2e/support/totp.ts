import { currentTotp } from '../../../src/features/auth/totp'

/** The app's TOTP time step (src/features/auth/totp.ts). */
export const TOTP_STEP_MS = 30_000

/** The 30-second step a moment falls in. */
export function totpStep(ms: number = Date.now()): number {
  return Math.floor(ms / TOTP_STEP_MS)
}

/**
 * An authenticator app for one secret, as a person's phone would be. The app accepts each code once
 * (a step it has claimed for the person cannot be used again) and allows one step of clock drift
 * either way (checkTotp). So when the current step's code has been given out already, code() gives
 * the next step's code at once, as a phone whose clock runs up to 30 seconds fast would, instead of
 * waiting up to 30 seconds; only when that one has been given out too does it wait, until the next
 * step begins.
 */
export class Authenticator {
  private lastStep: number | undefined

  constructor(readonly secret: string) {}

  /** A 6-digit code for a step later than the last code given out, which the app accepts now. */
  async code(): Promise<string> {
    let now = Date.now()
    if (this.lastStep !== undefined && totpStep(now) + 1 <= this.lastStep) {
      // Both this step's code and the next one's have been given out: wait for the next step.
      const waitMs = this.lastStep * TOTP_STEP_MS - now + 200
      await new Promise((resolve) => setTimeout(resolve, waitMs))
      now = Date.now()
    }
    const step = this.lastStep !== undefined && totpStep(now) <= this.lastStep ? this.lastStep + 1 : totpStep(now)
    this.lastStep = step
    return currentTotp(this.secret, new Date(step * TOTP_STEP_MS))
  }
}
