import { authenticator } from 'otplib'
import QRCode from 'qrcode'

const STEP_SECONDS = 30

export function newTotpSecret(): string {
  return authenticator.generateSecret(20)
}

/**
 * Checks a 6-digit code at `now`, allowing one step either side for clock drift. Returns the time
 * step it matched so the caller can refuse a replay of the same code.
 */
export function checkTotp(secret: string, code: string, now: Date): number | undefined {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return undefined
  const epoch = now.getTime()
  const at = authenticator.clone({ epoch, window: 1, step: STEP_SECONDS })
  const delta = at.checkDelta(token, secret)
  if (delta === null) return undefined
  return Math.floor(epoch / 1000 / STEP_SECONDS) + delta
}

/** The current code: for tests and the demo loader only. */
export function currentTotp(secret: string, now: Date): string {
  return authenticator.clone({ epoch: now.getTime(), step: STEP_SECONDS }).generate(secret)
}

export async function totpQrCode(
  secret: string,
  email: string,
  issuer: string,
): Promise<{ uri: string; dataUrl: string }> {
  const uri = authenticator.keyuri(email, issuer, secret)
  const dataUrl = await QRCode.toDataURL(uri, { margin: 1, width: 220 })
  return { uri, dataUrl }
}

/** Groups a base32 secret in fours so a person can type it. */
export function formatSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim()
}
