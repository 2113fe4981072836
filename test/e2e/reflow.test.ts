import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database'
import { addDays, dayOfWeek, londonDateOf } from '../../src/domain/calendar'
import { systemClock } from '../../src/domain/clock'
import { bundledFrameworksDirectory } from '../../src/features/frameworks/loadDirectory'
import { createServices } from '../../src/services'
import { FsFileStore, ScratchSpace } from '../../src/storage'
import { validateInWorker } from '../../src/features/annexA/files'
import { useBrowser } from './support/browser'
import { CodePage, SignInPage } from './support/pages/auth'
import { visit } from './support/pages/base'
import { headerNotificationsText, NotificationsPage } from './support/pages/notifications'
import { migratedDataDir, startApp, type RunningApp } from './support/server'
import { Authenticator } from './support/totp'

// Small screens (WCAG 1.4.10 reflow): at 320 CSS pixels wide, the width of a small phone (or a
// 1280-pixel window zoomed to 400%), no page scrolls sideways. Wide tables scroll inside their own
// box (.app-table-scroll) or stack their rows (.app-table--stack); the page itself never does.
// The app is seeded as a newcomer would see it: the Anytown demo partnership (its people, agencies
// and evidence documents), an inspection and a few children in the register.

const WIDTH = 320

describe('reflow: at 320 px wide no page scrolls sideways', () => {
  let app: RunningApp
  let dataDir: string
  const browser = useBrowser()
  let admin: { email: string; password: string; phone: Authenticator }
  const ids: Record<'inspection' | 'requirement' | 'child' | 'import', string> = {} as never

  beforeAll(async () => {
    // Seeded through the app's own services on its data directory before the app opens it.
    dataDir = migratedDataDir('jtai-e2e-reflow-')
    const handle = await openDatabase({ dataDir })
    const services = createServices({
      db: handle.db,
      clock: systemClock,
      files: new FsFileStore(join(dataDir, 'files')),
      scratch: new ScratchSpace(join(dataDir, 'scratch')),
      frameworksDirectory: bundledFrameworksDirectory(),
      signInIpLimit: 50,
      annexAValidator: validateInWorker,
    })
    const { credentials } = await services.demo.load()
    const alex = credentials.find((c) => c.roles.includes('administrator'))!
    admin = { email: alex.email, password: alex.password, phone: new Authenticator(alex.totpSecret) }
    const person = await handle.db
      .selectFrom('people')
      .select(['id', 'partnership_id', 'name'])
      .where('email', '=', alex.email)
      .executeTakeFirstOrThrow()
    const scope = {
      partnershipId: person.partnership_id,
      personId: person.id,
      name: person.name,
      roles: ['administrator' as const],
      agencyId: null,
    }
    // An inspection notified on the latest Monday, so its timeline has this week and the next ones.
    const today = londonDateOf(new Date())
    const monday = addDays(today, -((dayOfWeek(today) + 6) % 7))
    const { inspection } = await services.inspections.create(scope, {
      frameworkId: 'front-door',
      notifiedOn: monday,
      notifiedTime: '09:30',
      practice: false,
    })
    ids.inspection = inspection.id
    // A requirement with a document where the demo has one (the police's), else the first one listed.
    const requirements = () =>
      handle.db
        .selectFrom('evidence_requirements')
        .select(['id', 'current_version_id'])
        .where('partnership_id', '=', scope.partnershipId)
        .execute()
    let rows = await requirements()
    if (!rows.length) {
      await services.evidence.list(scope, {})
      rows = await requirements()
    }
    ids.requirement = (rows.find((r) => r.current_version_id) ?? rows[0]!).id
    // A few accepted Annex A children with long values (the register's widest table).
    const annexImport = await handle.db
      .insertInto('annex_a_imports')
      .values({
        partnership_id: scope.partnershipId,
        inspection_id: inspection.id,
        notified_on: monday,
        file_name: 'Annex A lists for the Anytown inspection (demo).xlsx',
        file_key: '00000000-0000-4000-8000-0000000000aa',
        sha256: '0'.repeat(64),
        spec_version: 'ilacs-2023',
        rows_read: 3,
        errors: 0,
        queries: 0,
        status: 'accepted',
        uploaded_by: person.id,
        created_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.import = annexImport.id
    for (const [row, childId] of ['2', '10', 'ANYTOWN-CHILD-000123456'].entries()) {
      const inserted = await handle.db
        .insertInto('annex_a_children')
        .values({
          partnership_id: scope.partnershipId,
          import_id: annexImport.id,
          list: row === 0 ? 'List 8' : 'List 6',
          theme: false,
          row: row + 2,
          child_id: childId,
          dob: '2012-05-14',
          sex: 'b) Female',
          ethnicity: 'f) MWBC',
          disability: 'c) Unknown',
          legal_status: row === 0 ? 'V3: Short term breaks, episodes recorded' : null,
          event_date: '2025-10-01',
          current: true,
          values: JSON.stringify({ child_unique_id: childId, date_of_birth: '2012-05-14' }),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      ids.child ??= inserted.id
    }
    await handle.close()
    app = await startApp({ dataDir })
  }, 120_000)
  afterAll(async () => {
    await app?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  // One signed-in page at 320 px for every test: each page is its own test, named in any failure.
  let page: Page

  it('signs in as an administrator on a 320 px wide window', async () => {
    page = await browser.sharedPage({ baseURL: app.baseUrl, viewport: { width: WIDTH, height: 800 } })
    const signInPage = new SignInPage(page)
    await signInPage.open()
    await signInPage.signIn(admin.email, admin.password)
    await new CodePage(page).enterCode(await admin.phone.code())
    expect(new URL(page.url()).pathname).toBe('/')
  })

  const pages: { name: string; path: () => string }[] = [
    { name: 'home page', path: () => '/' },
    { name: 'timeline', path: () => `/inspections/${ids.inspection}` },
    { name: 'My tasks', path: () => `/inspections/${ids.inspection}/my-tasks` },
    { name: 'evidence readiness', path: () => '/evidence' },
    { name: 'evidence library', path: () => '/evidence/requirements' },
    { name: 'evidence requirement page', path: () => `/evidence/requirements/${ids.requirement}` },
    { name: 'child register', path: () => '/register' },
    { name: 'child page', path: () => `/register/children/${ids.child}` },
    { name: 'people', path: () => '/people' },
    { name: 'agencies', path: () => '/agencies' },
    { name: 'audit log', path: () => '/audit' },
    { name: 'working days', path: () => '/holidays' },
    { name: 'frameworks', path: () => '/frameworks' },
    { name: 'Annex A', path: () => '/annex-a' },
    { name: 'Annex A upload', path: () => '/annex-a/upload' },
    { name: 'Annex A import', path: () => `/annex-a/imports/${ids.import}` },
    // The demo leaves notifications and emails waiting: both lists have rows.
    { name: 'notifications', path: () => '/notifications' },
    { name: 'email settings', path: () => '/notifications/settings' },
    { name: 'emails sent and waiting', path: () => '/notifications/outbox' },
  ]

  it.each(pages)('$name does not scroll sideways at 320 px', async ({ name, path }) => {
    await visit(page, path())
    // Run in the page (a string: the tests are compiled without the DOM's types).
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
    )
    expect(innerWidth).toBe(WIDTH)
    expect(scrollWidth, `the ${name} (${path()}) is ${scrollWidth} px wide at ${WIDTH} px`).toBeLessThanOrEqual(
      innerWidth,
    )
  })

  // After the pages above (it changes what the notifications page shows), on the same window.
  it('the demo’s notifications are unread, counted in the header, and Mark all as read clears them', async () => {
    const list = await new NotificationsPage(page).open()
    const items = await list.notifications()
    expect(items.length).toBeGreaterThan(0)
    expect(items.every((n) => n.unread)).toBe(true)
    expect(await headerNotificationsText(page)).toBe(`Notifications (${items.length} unread)`)
    await list.markAllAsRead()
    expect((await list.notifications()).map((n) => n.unread)).toEqual(items.map(() => false))
    expect(await headerNotificationsText(page)).toBe('Notifications')
  })
})
