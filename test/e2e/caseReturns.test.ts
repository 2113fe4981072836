import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database'
import { hashPassword } from '../../src/features/auth/passwords'
import * as dir from '../../src/features/directory/repository'
import { expectNoAxeViolations } from './support/axe'
import { useBrowser } from './support/browser'
import { CodePage, SignInPage } from './support/pages/auth'
import { BasePage, followAndCheck, visit } from './support/pages/base'
import { seedPartnershipWithPolice, seedPerson, type SeededPerson } from './support/seed'
import { migratedDataDir, repoRoot, startApp, type RunningApp } from './support/server'

// The agencies' "known to us" returns and the coordinator's live matrix (issue 12): a police
// contributor answers for a child; the coordinator's matrix, open all the while, shows the answer
// and the new counts without a reload (src/web/assets/js/case-matrix.js). Every page is checked
// with axe; the matrix does not scroll sideways at 320 px.

const PASSWORD = 'copper lantern meadow sparrow'

class ReturnPage extends BasePage {
  readonly path = '/case-tracking/return'
}
class MatrixPage extends BasePage {
  readonly path = '/case-tracking/matrix'
  count(which: 'none' | 'one' | 'two' | 'threeOrMore') {
    return this.page.locator(`[data-count="${which}"]`).innerText()
  }
}

async function signInAs(page: Page, email: string, person: SeededPerson) {
  const signInPage = new SignInPage(page)
  await signInPage.open()
  await signInPage.signIn(email, PASSWORD)
  await new CodePage(page).enterCode(await person.phone.code())
}

describe('case tracking: an agency answers, and the coordinator’s matrix updates live', () => {
  let app: RunningApp
  let dataDir: string
  const browser = useBrowser()
  const coordinator = { email: 'coordinator@returnshire.example.org' } as { email: string; person: SeededPerson }
  const contributor = { email: 'contributor@returnshire.example.org' } as { email: string; person: SeededPerson }
  const children: string[] = []
  let police = ''

  beforeAll(async () => {
    dataDir = migratedDataDir('jtai-e2e-returns-')
    const handle = await openDatabase({ dataDir })
    const db = handle.db
    const now = new Date()
    const { partnershipId: pid, policeId } = await seedPartnershipWithPolice(db, 'Returnshire', now)
    police = policeId
    await dir.insertAgency(
      db,
      pid,
      {
        name: 'Returnshire Children’s Services',
        type: 'la-childrens-services',
        isStatutory: true,
        seniorApproverId: null,
      },
      now,
    )
    const hash = await hashPassword(PASSWORD)
    coordinator.person = await seedPerson(
      db,
      pid,
      {
        name: 'Cara Mensah',
        email: coordinator.email,
        roles: ['inspection-coordinator'],
        agencyId: null,
        passwordHash: hash,
      },
      now,
    )
    contributor.person = await seedPerson(
      db,
      pid,
      { name: 'Dev Patel', email: contributor.email, roles: ['contributor'], agencyId: policeId, passwordHash: hash },
      now,
    )
    const framework = readFileSync(join(repoRoot, 'frameworks', 'criminal-exploitation.json'), 'utf8')
    const inspection = await db
      .insertInto('inspections')
      .values({
        partnership_id: pid,
        framework_id: 'criminal-exploitation',
        framework: JSON.stringify(JSON.parse(framework)),
        framework_version_id: null,
        notified_on: now.toISOString().slice(0, 10),
        notified_time: null,
        practice: false,
        status: 'open',
        created_by: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('case_selections')
      .values({
        inspection_id: inspection.id,
        partnership_id: pid,
        released_at: new Date(now.getTime() - 10 * 60_000),
        released_by: null,
        due_at: new Date(now.getTime() + 2 * 3_600_000),
        updated_at: now,
      })
      .execute()
    for (const [i, ref] of ['RS-1001', 'RS-1002', 'RS-1003'].entries()) {
      const row = await db
        .insertInto('selected_children')
        .values({
          partnership_id: pid,
          inspection_id: inspection.id,
          position: i + 1,
          child_ref: ref,
          name: ['Amelia Stone', 'Bilal Khan', 'Chloe Wright'][i]!,
          date_of_birth: '2011-09-0' + String(i + 1),
          nhs_number: i === 0 ? '943 476 5919' : null,
          address: i === 1 ? '12 Long Road, Returnshire' : null,
          in_register: true,
          source: 'register',
          added_by: null,
          added_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      children.push(row.id)
    }
    await handle.close()
    app = await startApp({ dataDir })
  }, 240_000)
  afterAll(async () => {
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers a child, and the open matrix shows it without a reload', { timeout: 240_000 }, async () => {
    const watching = await browser.newPage({ baseURL: app.baseUrl })
    await signInAs(watching, coordinator.email, coordinator.person)
    const matrix = await new MatrixPage(watching).open()
    expect(await matrix.headingText()).toBe('Agencies’ returns')
    expect(await matrix.count('none')).toBe('3')
    expect(await watching.locator(`[data-cell="${children[0]!} ${police}"]`).innerText()).toBe('—')
    // A marker that only survives if the page is never reloaded.
    await watching.evaluate(() => {
      ;(globalThis as unknown as { notReloaded: boolean }).notReloaded = true
    })

    const answering = await browser.newPage({ baseURL: app.baseUrl })
    await signInAs(answering, contributor.email, contributor.person)
    const returnPage = await new ReturnPage(answering).open()
    expect(await returnPage.headingText()).toBe('Which of the inspectors’ children does your agency know?')
    expect(await answering.locator('table').first().innerText()).toContain('Amelia Stone')
    await followAndCheck(answering, () =>
      answering.getByRole('link', { name: 'Answer for the child in row 1' }).click(),
    )
    const child = new ReturnPage(answering)
    expect(await child.headingText()).toBe('Does your agency know this child?')
    expect(await answering.title()).not.toContain('Amelia')

    // Nothing chosen: the error summary, checked by axe as shown.
    await child.submit('Save answer', { status: 400 })
    expect(await child.errorMessages()).toEqual(['Select whether your agency knows this child'])

    // Yes reveals the follow-up questions, the framework's among them.
    await answering.getByLabel('Yes, known to us').check()
    await answering.getByLabel('Open now').check()
    await child.fill('Lead practitioner (optional)', 'PC Sam Jones')
    await answering
      .getByRole('group', { name: 'Is the child known to be at risk of or experiencing criminal exploitation?' })
      .getByLabel('Yes')
      .check()
    await expectNoAxeViolations(answering)
    await child.submit('Save answer')
    expect(await child.notificationBanner().innerText()).toContain('Your answer has been saved')
    expect(await answering.locator('table').first().innerText()).toContain('Yes, known to us')

    // The coordinator's page catches up by itself (it polls every 15 seconds).
    await expect.poll(() => matrix.count('one'), { timeout: 40_000, interval: 1_000 }).toBe('1')
    expect(await matrix.count('none')).toBe('2')
    expect(await watching.locator(`[data-cell="${children[0]!} ${police}"]`).innerText()).toBe('Yes')
    expect(await watching.locator('#matrix-announce').innerText()).toContain('Known to 1 agency: 1')
    expect(await watching.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await expectNoAxeViolations(watching)

    // Printed, only the matrix is on paper: no navigation or buttons, and the whole table (its box does not clip it).
    await watching.emulateMedia({ media: 'print' })
    expect(await watching.locator('.govuk-service-navigation').isVisible()).toBe(false)
    expect(await watching.getByRole('button', { name: /Chase/ }).isVisible()).toBe(false)
    expect(
      await watching
        .locator('.app-table-scroll')
        .evaluate(
          (el) =>
            (globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string } }).getComputedStyle(el)
              .overflowX,
        ),
    ).toBe('visible')
    await watching.emulateMedia({ media: 'screen' })

    // At 320 px the page does not scroll sideways: the matrix scrolls inside its own box.
    await watching.setViewportSize({ width: 320, height: 800 })
    await visit(watching, '/case-tracking/matrix')
    const widths = await watching.evaluate(() => {
      const root = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
      ).document.documentElement
      return { scroll: root.scrollWidth, client: root.clientWidth }
    })
    expect(widths.scroll).toBeLessThanOrEqual(widths.client)
  })
})
