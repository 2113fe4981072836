import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database'
import { hashPassword } from '../../src/features/auth/passwords'
import * as dir from '../../src/features/directory/repository'
import { insertInspection } from '../../src/features/inspections/repository'
import { expectNoAxeViolations } from './support/axe'
import { useBrowser } from './support/browser'
import { CodePage, SignInPage } from './support/pages/auth'
import { followAndCheck, visit } from './support/pages/base'
import {
  AgencyReturnPage,
  AuditChoicePage,
  CaseTrackingPage,
  ListCheckPage,
  ListUploadPage,
  MatrixPage,
  ReleasePage,
} from './support/pages/caseTracking'
import { seedPartnershipWithPolice, seedPerson, type SeededPerson } from './support/seed'
import { migratedDataDir, repoRoot, startApp, type RunningApp } from './support/server'

// Case tracking end to end (issue 12), on one app: the inspection coordinator selects the
// inspectors' children (one by ID with the keyboard, the rest from a CSV with a duplicate and a row
// that cannot be read, each named by its row on the check page), releases the list with the
// deadline offered, the police's lead answers and submits, the coordinator's open matrix shows it
// without a reload, the children for audit are chosen (with the keyboard) and the combined return is
// downloaded and read with exceljs; the case audit opens for the chosen child the police know. Every page is checked with axe; no child's ID or name is ever in
// a URL or a page title.

const PASSWORD = 'tracking lantern meadow sparrow'
const QUESTION = 'Is the child known to be at risk of or experiencing criminal exploitation?'

const CSV = [
  'Child ID,Name,Date of birth',
  'TR-1002,Amy Example,14/05/2012',
  'TR-1003,Bo Sample,01/02/2011',
  'TR-1002,Amy Example,14/05/2012',
  'TR-1004,Cy Specimen,next Tuesday',
  'TR-1005,Di Example,03/09/2013',
].join('\r\n')

async function signInAs(page: Page, email: string, person: SeededPerson) {
  const signInPage = new SignInPage(page)
  await signInPage.open()
  await signInPage.signIn(email, PASSWORD)
  await new CodePage(page).enterCode(await person.phone.code())
}

/** No child's ID or name in the address or the title of the page the browser is on. */
async function expectNoChildIdentifiers(page: Page) {
  const title = await page.title()
  for (const identifier of ['TR-100', 'Example', 'Sample', 'Specimen']) {
    expect(page.url(), page.url()).not.toContain(identifier)
    expect(title, title).not.toContain(identifier)
  }
}

describe('case tracking: select, release, answer, choose for audit, export', () => {
  let app: RunningApp
  let dataDir: string
  const browser = useBrowser()
  const coordinator = { email: 'coordinator@trackshire.example.org' } as { email: string; person: SeededPerson }
  const policeLead = { email: 'police.lead@trackshire.example.org' } as { email: string; person: SeededPerson }
  let police = ''
  let council = ''

  beforeAll(async () => {
    dataDir = migratedDataDir('jtai-e2e-cases-')
    const handle = await openDatabase({ dataDir })
    const db = handle.db
    const now = new Date()
    const { partnershipId, policeId } = await seedPartnershipWithPolice(db, 'Trackshire', now)
    police = policeId
    council = (
      await dir.insertAgency(
        db,
        partnershipId,
        {
          name: 'Trackshire Children’s Services',
          type: 'la-childrens-services',
          isStatutory: true,
          seniorApproverId: null,
        },
        now,
      )
    ).id
    const hash = await hashPassword(PASSWORD)
    coordinator.person = await seedPerson(
      db,
      partnershipId,
      {
        name: 'Cara Mensah',
        email: coordinator.email,
        roles: ['inspection-coordinator'],
        agencyId: null,
        passwordHash: hash,
      },
      now,
    )
    policeLead.person = await seedPerson(
      db,
      partnershipId,
      { name: 'Pat Hughes', email: policeLead.email, roles: ['agency-lead'], agencyId: policeId, passwordHash: hash },
      now,
    )
    const framework: unknown = JSON.parse(
      readFileSync(join(repoRoot, 'frameworks', 'criminal-exploitation.json'), 'utf8'),
    )
    await insertInspection(
      db,
      partnershipId,
      {
        frameworkId: 'criminal-exploitation',
        framework,
        frameworkVersionId: null,
        notifiedOn: now.toISOString().slice(0, 10),
        notifiedTime: null,
        practice: false,
        createdBy: null,
      },
      now,
    )
    await handle.close()
    app = await startApp({ dataDir })
  }, 240_000)
  afterAll(async () => {
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('from the inspectors’ list to the combined return', { timeout: 300_000 }, async () => {
    const page = await browser.newPage({ baseURL: app.baseUrl })
    await signInAs(page, coordinator.email, coordinator.person)

    // 1. One child by ID, with the keyboard alone.
    const tracking = await new CaseTrackingPage(page).open()
    expect(await tracking.headingText()).toBe('Case tracking')
    await tracking.addChildByKeyboard('TR-1001')
    expect(await tracking.notificationBanner().innerText()).toContain('Child TR-1001 was added')
    expect(await tracking.summary('Children selected')).toBe('1')

    // 2. The rest from the inspectors' CSV: the check page names the duplicate and the unreadable row
    // by their rows, and nothing is saved until it is confirmed.
    await tracking.followLink('Upload the inspectors’ list')
    await new ListUploadPage(page).upload('Inspectors list.csv', CSV)
    const check = new ListCheckPage(page)
    expect(await check.headingText()).toBe('Check the inspectors’ list')
    await expectNoChildIdentifiers(page)
    expect(await check.listedUnder('Duplicates')).toEqual([
      'Row 4: child TR-1002 is also on row 2. Only row 2 is added.',
    ])
    expect(await check.listedUnder('Rows that cannot be read')).toEqual([
      'Row 5: the date of birth "next Tuesday" is not a date we can read',
    ])
    expect(await check.rowsToAdd()).toEqual(['2', '3', '6'])
    await check.submit('Add 3 children')
    expect(await tracking.notificationBanner().innerText()).toContain('3 children were added')
    expect(await tracking.summary('Children selected')).toBe('4')
    expect((await tracking.selectedRows()).map((r) => r.split(' ')[1])).toEqual([
      'TR-1001',
      'TR-1002',
      'TR-1003',
      'TR-1005',
    ])
    await expectNoChildIdentifiers(page)

    // 3. Released with the deadline the page offers (the partnership's working hours).
    await tracking.followLink('Release the list to the agencies')
    const release = new ReleasePage(page)
    const offered = await release.offeredDeadline()
    expect(offered.day).toMatch(/^\d{1,2}$/)
    expect(offered.time).toMatch(/^\d{2}:\d{2}$/)
    await release.submit('Release the list')
    expect(await tracking.notificationBanner().innerText()).toContain('The list was released to 2 agencies')
    expect(await tracking.summary('Released to agencies')).not.toBe('Not yet')

    // The coordinator's matrix, open from now on: nothing answered yet.
    await tracking.followLink('Agencies’ returns')
    const matrix = new MatrixPage(page)
    expect(await matrix.headingText()).toBe('Agencies’ returns')
    expect(await matrix.count('none')).toBe('4')
    expect(await matrix.agencyStatus(police)).toBe('Not started')
    const childIds = await page
      .locator('[data-cell]')
      .evaluateAll((cells) => cells.map((c) => (c.getAttribute('data-cell') ?? '').split(' ')[0]!))
    const firstChild = childIds[0]!
    expect(await matrix.cell(firstChild, police)).toBe('—')
    await page.evaluate(() => {
      ;(globalThis as unknown as { notReloaded: boolean }).notReloaded = true
    })

    // 4. The police's lead answers: row 1 known, the others not, then submits.
    const lead = await browser.newPage({ baseURL: app.baseUrl })
    await signInAs(lead, policeLead.email, policeLead.person)
    const ret = await new AgencyReturnPage(lead).open()
    expect(await ret.headingText()).toBe('Which of the inspectors’ children does your agency know?')
    const first = await ret.answerRow(1)
    await expectNoChildIdentifiers(lead)
    await first.answerYes(QUESTION, 'DS Rowan Price')
    await expectNoAxeViolations(lead)
    await first.submit('Save answer')
    expect(await ret.notificationBanner().innerText()).toContain('Your answer has been saved')
    for (const row of [2, 3, 4]) {
      const answer = await ret.answerRow(row)
      await answer.answerNo()
    }
    await ret.submit('Submit your agency’s return')
    expect(await ret.notificationBanner().innerText()).toContain('Your agency’s return has been submitted')

    // 5. The open matrix catches up by itself.
    await expect.poll(() => matrix.agencyStatus(police), { timeout: 40_000, interval: 1_000 }).toBe('Submitted')
    expect(await matrix.count('one')).toBe('1')
    expect(await matrix.count('none')).toBe('3')
    expect(await matrix.cell(firstChild, police)).toBe('Yes')
    expect(await matrix.cell(firstChild, council)).toBe('—')
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await expectNoAxeViolations(page)

    // 6. The inspectors' choice for audit, ticked with the keyboard.
    await visit(page, '/case-tracking')
    await tracking.followLink('Record the inspectors’ choice for audit')
    const audit = new AuditChoicePage(page)
    for (const ref of ['TR-1001', 'TR-1003']) {
      await audit.checkbox(ref).focus()
      await page.keyboard.press('Space')
      expect(await audit.checkbox(ref).isChecked()).toBe(true)
    }
    await audit.submit('Record the choice')
    expect(await audit.notificationBanner().innerText()).toContain(
      'The choice of 2 children for multi-agency audit was recorded',
    )
    expect(await audit.checkbox('TR-1001').isChecked()).toBe(true)
    expect(await audit.checkbox('TR-1002').isChecked()).toBe(false)
    await visit(page, '/case-tracking')
    expect(await tracking.summary('Chosen for audit')).toMatch(/^2 on /)

    // 7. The combined return for the inspectors, read back with exceljs.
    await followAndCheck(page, () => page.getByRole('link', { name: 'Agencies’ returns' }).click())
    const download = await matrix.downloadWorkbook()
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/)
    const path = join(dataDir, 'combined-return.xlsx')
    await download.saveAs(path)
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(path)
    const agencies = workbook.getWorksheet('Agencies')!
    const policeRow = agencies.getRows(2, agencies.rowCount - 1)!.find((r) => r.getCell(1).text === 'Trackshire Police')
    expect(policeRow?.getCell(2).text).toBe('Submitted')
    const returns = workbook.getWorksheet('Returns')!
    const refs: string[] = []
    returns.eachRow((row) => {
      for (let c = 1; c <= 3; c++) if (/^TR-\d{4}$/.test(row.getCell(c).text)) refs.push(row.getCell(c).text)
    })
    expect(refs).toEqual(['TR-1001', 'TR-1002', 'TR-1003', 'TR-1005'])

    // 8. The case audit it opens: the coordinator's overview, and the police's audit tool for the
    // chosen child they know, saved as a draft.
    await visit(page, '/case-audit')
    await expectNoChildIdentifiers(page)
    await visit(lead, '/case-audit/tools')
    await followAndCheck(lead, () =>
      lead
        .getByRole('link', { name: /^Audit tool for row / })
        .first()
        .click(),
    )
    await expectNoChildIdentifiers(lead)
    await lead.getByLabel('What worked well').first().fill('Information was shared with the school the same day.')
    await followAndCheck(lead, () => lead.getByRole('button', { name: 'Save as draft' }).click())
    expect(await lead.locator('.govuk-notification-banner').innerText()).toContain('saved as a draft')
  })
})
