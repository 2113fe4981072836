import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CORPUS } from '../fixtures/annex-a/buildBadFileCorpus'
import { CLEAN_NOTIFIED, list6Rows, list7Rows, writeListCsv } from '../fixtures/annex-a/cleanLists'
import { CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED, SAMPLE_WORKBOOK } from '../../src/features/annexA/files/samples'
import { expectNoAxeViolations } from './support/axe'
import { useBrowser } from './support/browser'
import { setUpFirstAdministrator } from './support/pages/auth'
import { followAndCheck, PageAt, visit } from './support/pages/base'
import { startApp, type RunningApp } from './support/server'

// Day 1 of an inspection, told over four tests sharing one app and the administrator's browser:
// upload a List 6 with a case-management spelling → map it → accept → a List 7 → the child register
// → one child's journey. Every page is checked against WCAG 2.2 AA by visit()/followAndCheck().

const ADMIN = {
  name: 'Alex Morgan',
  email: 'alex.morgan@northshire.example.org',
  password: 'amber kettle violin harbour',
}

/** After a file is sent the check runs in the background; the progress page's script moves on to the findings. */
async function waitForFindings(page: Page): Promise<void> {
  await page.waitForURL(/\/annex-a\/imports\/[0-9a-f-]{36}$/, { timeout: 60_000 })
  await page.waitForLoadState('load')
  await expectNoAxeViolations(page)
}

async function uploadList(page: Page, name: string, rows: string[][]): Promise<void> {
  await uploadFile(page, await writeListCsv(name, rows), CLEAN_NOTIFIED)
}

async function uploadFile(page: Page, path: string, notified: string): Promise<void> {
  await visit(page, '/annex-a/upload')
  await page.getByLabel('Annex A file').setInputFiles(path)
  const [y, m, d] = notified.split('-')
  await page.getByLabel('Day').fill(String(Number(d)))
  await page.getByLabel('Month').fill(String(Number(m)))
  await page.getByLabel('Year').fill(y!)
  await followAndCheck(page, () => page.getByRole('button', { name: 'Upload and check' }).click())
  await waitForFindings(page)
}

describe('Annex A: upload, map values, accept, child register and a child’s journey', () => {
  let app: RunningApp
  const browser = useBrowser()
  let admin: Page

  beforeAll(async () => {
    app = await startApp({ migrated: true })
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('1. uploads a List 6 and sees its findings: one value the partnership has to map', async () => {
    admin = await browser.sharedPage({ baseURL: app.baseUrl })
    await setUpFirstAdministrator(admin, await app.setupLink(), {
      partnershipName: 'Northshire Safeguarding Children Partnership',
      ...ADMIN,
    })

    const annexA = new PageAt(admin, '/annex-a')
    await annexA.navigateTo('Annex A')
    expect(await annexA.headingText()).toBe('Annex A')
    await uploadList(admin, 'List_6.csv', list6Rows({ disabilitySpelling: 'Disabled - learning' }))
    expect(await annexA.headingText()).toBe('Findings for List_6.csv')
    expect(await admin.locator('main').innerText()).toContain('1 value is not recognised')
    await followAndCheck(admin, () => admin.getByRole('link', { name: 'Value not recognised for this column' }).click())
    expect(await admin.locator('main table').innerText()).toContain('Disabled - learning')
    await followAndCheck(admin, () => admin.getByRole('link', { name: 'List 6 row 2' }).click())
    expect(await admin.locator('main').innerText()).toContain(
      'is not one of the Does the Child have a Disability codes',
    )
    await followAndCheck(admin, () => admin.getByRole('link', { name: 'Findings for List_6.csv' }).click())
  })

  it('2. maps the value once, and the file is checked again with no errors left', async () => {
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Map values' }).click())
    expect(await new PageAt(admin, '').headingText()).toBe('Map values to Ofsted codes')
    await admin.getByLabel('“Disabled - learning”').selectOption('a) Yes')
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Save and check again' }).click())
    await waitForFindings(admin)
    const main = await admin.locator('main').innerText()
    expect(main).not.toContain('not recognised')
    expect(main).toContain('No problems were found')
  })

  it('3. accepts the file, then a List 7, and both are in the child register', async () => {
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Accept this file' }).click())
    await followAndCheck(admin, () =>
      admin.getByRole('button', { name: 'Accept and add to the child register' }).click(),
    )
    expect(new URL(admin.url()).pathname).toBe('/annex-a')
    expect(await admin.locator('.govuk-notification-banner').innerText()).toContain(
      '2 rows from List 6 are now in the child register',
    )

    await uploadList(admin, 'List_7.csv', list7Rows())
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Accept this file' }).click())
    await followAndCheck(admin, () =>
      admin.getByRole('button', { name: 'Accept and add to the child register' }).click(),
    )
    const lists = await admin.locator('main table').first().innerText()
    expect(lists).toContain('Children in need')
    expect(lists).toContain('Child protection')
  })

  it('4. filters the register and opens a child’s journey, events from both lists in date order', async () => {
    const register = new PageAt(admin, '/register')
    await register.navigateTo('Child register')
    expect(await admin.locator('main').innerText()).toContain('2 children')
    await admin.getByLabel('List', { exact: true }).selectOption('List 7')
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Apply filters' }).click())
    expect(await admin.locator('main').innerText()).toContain('1 child match the filters')
    await followAndCheck(admin, () => admin.getByRole('link', { name: 'C1001' }).click())
    expect(new URL(admin.url()).pathname).toMatch(/^\/register\/children\/[0-9a-f-]{36}$/)
    expect(await register.headingText()).toBe('Child C1001')
    const journey = await admin.locator('main table').innerText()
    expect(journey.indexOf('CIN Start Date')).toBeLessThan(journey.indexOf('Child Protection Plan Start Date'))
  })
  it('5. at 320 px: every Annex A page fits, and the cleaned sample is accepted with no errors or queries', async () => {
    await admin.setViewportSize({ width: 320, height: 800 })
    const tooWide: string[] = []
    const fits = async (name: string) => {
      const { scrollWidth, innerWidth } = await admin.evaluate<{ scrollWidth: number; innerWidth: number }>(
        '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
      )
      if (scrollWidth > innerWidth) tooWide.push(`${name} is ${scrollWidth} px wide`)
    }
    try {
      await visit(admin, '/annex-a/upload')
      await fits('upload')
      expect(await admin.locator('main').innerText()).toContain('Use a sample workbook')

      // The sample with its mistakes: findings, one rule's problems, a row, and values to map.
      await uploadFile(admin, SAMPLE_WORKBOOK, SAMPLE_NOTIFIED)
      await fits('findings')
      await followAndCheck(admin, () => admin.getByRole('link', { name: 'Excel error value in a cell' }).click())
      await fits('problems')
      await followAndCheck(admin, () => admin.getByRole('link', { name: 'List 6 row 2' }).first().click())
      await fits('row')
      await followAndCheck(admin, () => admin.getByRole('link', { name: /^Findings for/ }).click())
      await followAndCheck(admin, () => admin.getByRole('button', { name: 'Map values' }).click())
      await fits('map values')

      // Its cleaned companion: the same children, nothing to correct or explain.
      await uploadFile(admin, CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED)
      expect(await admin.locator('main').innerText()).toContain('No problems were found')
      await followAndCheck(admin, () => admin.getByRole('button', { name: 'Accept this file' }).click())
      await fits('accept')
      expect(await admin.locator('main').innerText()).not.toContain('Why the queries can be accepted')
      await followAndCheck(admin, () =>
        admin.getByRole('button', { name: 'Accept and add to the child register' }).click(),
      )
      expect(new URL(admin.url()).pathname).toBe('/annex-a')
      expect(await admin.locator('.govuk-notification-banner').innerText()).toContain(
        'from List 1, List 2, List 3, List 4, List 5, List 6, List 7, List 8, List 9, List 10, List 11 are now in the child register',
      )
      await fits('Annex A')
      expect(tooWide, 'Annex A pages that scroll sideways at 320 px').toEqual([])
    } finally {
      await admin.setViewportSize({ width: 1280, height: 800 })
    }
  })

  it('6. a damaged workbook is refused with a specific message and a way back to upload', async () => {
    const damaged = await CORPUS.find((c) => c.name === 'truncated zip')!.build(
      await mkdtemp(join(tmpdir(), 'annex-a-e2e-')),
    )
    await visit(admin, '/annex-a/upload')
    await admin.getByLabel('Annex A file').setInputFiles(damaged)
    const [y, m, d] = CLEAN_NOTIFIED.split('-')
    await admin.getByLabel('Day').fill(String(Number(d)))
    await admin.getByLabel('Month').fill(String(Number(m)))
    await admin.getByLabel('Year').fill(y!)
    await admin.getByRole('button', { name: 'Upload and check' }).click()
    // The check runs in the background; the progress page moves on to the refusal when it is done.
    await admin.locator('.govuk-error-summary').waitFor({ timeout: 60_000 })
    await admin.waitForLoadState('load')
    await expectNoAxeViolations(admin)
    expect(await admin.locator('h1').innerText()).toBe('The file could not be checked')
    expect(await admin.locator('.govuk-error-summary').innerText()).toContain('The workbook is damaged')
    await followAndCheck(admin, () => admin.getByRole('button', { name: 'Upload a file' }).click())
    expect(new URL(admin.url()).pathname).toBe('/annex-a/upload')
  })
})
