import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Express } from 'express'
import request from 'supertest'
import { createApp } from '../../src/app'
import type { DatabaseHandle } from '../../src/db/database'
import { openTestPglite } from './pglite'
import * as repo from '../../src/features/directory/repository'
import { FakeClock } from '../../src/domain/clock'
import type { Role } from '../../src/domain/directory'
import { createLogger } from '../../src/logger'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { createServices, type Services } from '../../src/services'
import { FsFileStore, ScratchSpace, type FileStore } from '../../src/storage'
import { hashPassword } from '../../src/features/auth/passwords'
import { currentTotp, newTotpSecret } from '../../src/features/auth/totp'
import { validateInProcess } from '../../src/features/annexA/files'

export const TEST_PASSWORD = 'correct horse battery staple'
/** SIGN_IN_IP_LIMIT's default. */
export const TEST_SIGN_IN_IP_LIMIT = 50

export interface TestApp {
  app: Express
  services: Services
  clock: FakeClock
  handle: DatabaseHandle
  close(): Promise<void>
}

/** The real app on an in-memory database (or the one given) and a fake clock: no mocks. */
export async function buildTestApp(
  options: {
    handle?: DatabaseHandle
    now?: string
    files?: FileStore
    scratch?: ScratchSpace
    maxUploadBytes?: number
  } = {},
): Promise<TestApp> {
  const handle = options.handle ?? (await openTestPglite())
  const clock = new FakeClock(options.now ?? '2026-03-02T09:00:00Z')
  // A fresh temporary file store unless the test brings its own.
  const work = join(tmpdir(), `jtai-test-${randomUUID()}`)
  const files = options.files ?? new FsFileStore(join(work, 'files'))
  const services = createServices({
    db: handle.db,
    clock,
    files,
    scratch: options.scratch ?? new ScratchSpace(join(work, 'scratch')),
    frameworksDirectory: bundledFrameworksDirectory(),
    signInIpLimit: TEST_SIGN_IN_IP_LIMIT,
    // The real check, in-process: a worker (and tsx inside it) per check cost more than the check.
    annexAValidator: validateInProcess,
  })
  const { app } = createApp({
    services,
    db: handle.db,
    clock,
    maxUploadBytes: options.maxUploadBytes ?? 100 * 1024 * 1024,
    logger: createLogger(process.env.TEST_LOG ?? 'silent'),
    sessionSecret: 'test-secret-test-secret-test-secret-123',
    sessionIdleMs: 30 * 60_000,
    sessionAbsoluteMs: 12 * 3_600_000,
    secureCookies: false,
    baseUrl: 'http://localhost:3000',
  })
  return { app, services, clock, handle, close: () => handle.close() }
}

export interface TestPerson {
  id: string
  email: string
  totpSecret: string
  partnershipId: string
  roles: Role[]
  agencyId: string | null
}

let passwordHash: Promise<string> | undefined

/** Creates a partnership directly (no set-up link needed), for tests that need several. */
export async function createPartnership(t: TestApp, name: string): Promise<string> {
  const p = await t.handle.db.insertInto('partnerships').values({ name }).returning('id').executeTakeFirstOrThrow()
  return p.id
}

export async function createAgency(
  t: TestApp,
  partnershipId: string,
  name: string,
  type: 'police' | 'la-childrens-services' | 'health-icb' | 'education' = 'police',
): Promise<string> {
  const a = await repo.insertAgency(
    t.handle.db,
    partnershipId,
    { name, type, isStatutory: type !== 'education', seniorApproverId: null },
    t.clock.now(),
  )
  return a.id
}

/** A person who has set a password and enrolled an authenticator, ready to sign in. */
export async function createPerson(
  t: TestApp,
  partnershipId: string,
  roles: Role[],
  options: { email?: string; agencyId?: string | null; accessEndsOn?: string | null } = {},
): Promise<TestPerson> {
  const email = options.email ?? `${roles.join('-')}-${Math.random().toString(36).slice(2, 8)}@example.org`
  const person = await repo.insertPerson(
    t.handle.db,
    partnershipId,
    {
      name: `Test ${roles.join(' ')}`,
      email,
      jobTitle: 'Tester',
      agencyId: options.agencyId ?? null,
      roles,
      accessEndsOn: options.accessEndsOn ?? (roles.includes('inspector') ? '2099-01-01' : null),
    },
    t.clock.now(),
  )
  passwordHash ??= hashPassword(TEST_PASSWORD)
  await repo.setPassword(t.handle.db, person.id, await passwordHash, t.clock.now())
  const totpSecret = newTotpSecret()
  await repo.setTotp(t.handle.db, person.id, totpSecret, true, t.clock.now())
  return { id: person.id, email, totpSecret, partnershipId, roles, agencyId: options.agencyId ?? null }
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('No CSRF token on the page')
  return match[1]!
}

export type Agent = ReturnType<typeof request.agent> & { csrf: string }

/** Signs a person in through the real pages (password, then TOTP) and returns a cookie-keeping agent. */
export async function signIn(t: TestApp, person: TestPerson): Promise<Agent> {
  const agent = request.agent(t.app) as Agent
  const page = await agent.get('/sign-in')
  await agent
    .post('/sign-in')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email: person.email, password: TEST_PASSWORD })
    .expect(303)
    .expect('Location', '/sign-in/code')
  const codePage = await agent.get('/sign-in/code').expect(200)
  // Each code works once; move to a fresh 30-second step so repeated sign-ins in a test are not replays.
  t.clock.advance(30_000)
  await agent
    .post('/sign-in/code')
    .type('form')
    .send({ _csrf: csrfFrom(codePage.text), code: currentTotp(person.totpSecret, t.clock.now()) })
    .expect(303)
  const home = await agent.get('/').expect(200)
  agent.csrf = csrfFrom(home.text)
  return agent
}
