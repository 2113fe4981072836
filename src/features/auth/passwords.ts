import { hash, verify } from '@node-rs/argon2'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = {
  algorithm: 2 /* Argon2id: the enum is an ambient const enum */ as const,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
}

export const MIN_PASSWORD_LENGTH = 12

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

// A real hash to verify against when the email is unknown, so both answers take the same time.
let dummyHash: Promise<string> | undefined

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hash('not-a-real-password', OPTIONS)
    await verify(await dummyHash, password).catch(() => false)
    return false
  }
  return verify(passwordHash, password).catch(() => false)
}

/** Returns a problem with a proposed password, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length === 0) return 'Enter a password'
  if (password.length < MIN_PASSWORD_LENGTH)
    return `Enter a password that is at least ${MIN_PASSWORD_LENGTH} characters long`
  if (password.length > 256) return 'Enter a password that is 256 characters or fewer'
  if (/^(.)\1*$/.test(password)) return 'Enter a password that is not one character repeated'
  return undefined
}
