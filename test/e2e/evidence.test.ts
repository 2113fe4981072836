import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yauzl from 'yauzl'
import { openDatabase } from '../../src/db/database'
import * as dir from '../../src/features/directory/repository'
import type { Role } from '../../src/domain/directory'
import { hashPassword } from '../../src/features/auth/passwords'
import { useBrowser } from './support/browser'
import { CodePage, SignInPage } from './support/pages/auth'
import { BasePage, followAndCheck, visit } from './support/pages/base'
import { seedPartnershipWithPolice, seedPerson } from './support/seed'
import { migratedDataDir, startApp, type RunningApp } from './support/server'
import { Authenticator } from './support/totp'

// upload → approve → sign off → evidence pack, through the real pages, three people, axe on every page.

const PASSWORD = 'amber kettle violin harbour'
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n')

interface Seeded {
  email: string
  phone: Authenticator
}

class RequirementPage extends BasePage {
  constructor(
    page: Page,
    readonly path: string,
  ) {
    super(page)
  }
  async status(): Promise<string> {
    return (
      await this.page
        .locator('.govuk-summary-list__row', { hasText: 'Status' })
        .first()
        .locator('.govuk-tag')
        .innerText()
    ).trim()
  }
}

describe('evidence: upload → approve → sign off → evidence pack', () => {
  let app: RunningApp
  let dataDir: string
  const browser = useBrowser()
  const people: Record<'contributor' | 'approver' | 'admin', Seeded> = {} as never

  beforeAll(async () => {
    // Seeded straight into the embedded database before the app opens it: the directory pages have
    // their own e2e test (foundation.test.ts); this one is about evidence.
    // The database starts migrated and empty, as the app's first start leaves it (a copy: faster than initdb).
    dataDir = migratedDataDir('jtai-e2e-evidence-')
    const handle = await openDatabase({ dataDir })
    const db = handle.db
    const now = new Date()
    const { partnershipId: pid, policeId } = await seedPartnershipWithPolice(db, 'Northshire', now)
    const hash = await hashPassword(PASSWORD)
    const add = async (key: keyof typeof people, name: string, roles: Role[], agencyId: string | null) => {
      const person = await seedPerson(
        db,
        pid,
        { name, email: `${key}@northshire.example.org`, roles, agencyId, passwordHash: hash },
        now,
      )
      people[key] = person
      return person.id
    }
    await add('contributor', 'Sam Patel', ['contributor'], policeId)
    const approverId = await add('approver', 'Priya Shah', ['senior-approver'], policeId)
    await add('admin', 'Alex Morgan', ['administrator'], null)
    await dir.updateAgency(
      db,
      pid,
      policeId,
      { name: 'Northshire Police', type: 'police', isStatutory: true, seniorApproverId: approverId },
      now,
    )
    await handle.close()
    app = await startApp({ dataDir })
  }, 120_000)
  afterAll(async () => {
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function signIn(who: Seeded): Promise<Page> {
    const page = await browser.newPage({ baseURL: app.baseUrl, acceptDownloads: true })
    const signInPage = new SignInPage(page)
    await signInPage.open()
    await signInPage.signIn(who.email, PASSWORD)
    await new CodePage(page).enterCode(await who.phone.code())
    return page
  }

  let requirementPath = ''

  it('a contributor finds a requirement from the readiness dashboard and uploads a document', async () => {
    const page = await signIn(people.contributor)
    await visit(page, '/evidence')
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Evidence readiness')
    await followAndCheck(page, () =>
      page
        .getByRole('link', { name: /requirements not started/ })
        .first()
        .click(),
    )
    await followAndCheck(page, () => page.locator('table a.govuk-link').first().click())
    requirementPath = new URL(page.url()).pathname
    const requirement = new RequirementPage(page, requirementPath)
    expect(await requirement.status()).toBe('Not started')

    // Sent without a file: the GOV.UK error summary and an inline message.
    await requirement.submit('Upload', { status: 400 })
    expect(await requirement.errorSummaryLinks()).toEqual([{ text: 'Select a file to upload', href: '#file' }])

    await page.setInputFiles('#file', { name: 'Police self-evaluation.pdf', mimeType: 'application/pdf', buffer: PDF })
    await requirement.submit('Upload')
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain(
      'Version 1 (Police self-evaluation.pdf) has been uploaded',
    )
    expect(await requirement.status()).toBe('Uploaded')
    // The uploader is never offered approval.
    expect(await page.getByRole('button', { name: /Approve/ }).count()).toBe(0)
  })

  it('the senior approver approves it with a code from their authenticator app', async () => {
    const page = await signIn(people.approver)
    const requirement = new RequirementPage(page, requirementPath)
    await requirement.open()
    await requirement.fill('Code from your authenticator app', '12345')
    await requirement.submit('Approve version 1', { status: 400 })
    expect(await requirement.errorSummaryLinks()).toEqual([{ text: 'The code must be 6 digits', href: '#code' }])
    await requirement.fill('Code from your authenticator app', await people.approver.phone.code())
    await requirement.submit('Approve version 1')
    expect(await requirement.status()).toBe('Approved')
  })

  it('the business unit signs it off and downloads the evidence pack', async () => {
    const page = await signIn(people.admin)
    const requirement = new RequirementPage(page, requirementPath)
    await requirement.open()
    await requirement.submit('Sign off version 1')
    expect(await requirement.status()).toBe('Signed off')

    await visit(page, '/evidence')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the evidence pack (ZIP)' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('evidence-pack.zip')
    const path = join(dataDir, 'pack.zip')
    await download.saveAs(path)
    const names = await zipNames(readFileSync(path))
    expect(names).toContain('index.xlsx')
    expect(names).toContain('SHA256SUMS')
    expect(names.some((n) => n.startsWith('Northshire Police/') && n.endsWith('Police self-evaluation.pdf'))).toBe(true)
  })

  it('a new version waits for approval while the pack keeps the signed-off one; the dashboard filters by status', async () => {
    const page = await signIn(people.contributor)
    const requirement = new RequirementPage(page, requirementPath)
    await requirement.open()
    await page.setInputFiles('#file', {
      name: 'Police self-evaluation v2.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Revised self-evaluation\n'),
    })
    await requirement.submit('Upload')
    expect(await requirement.status()).toBe('Uploaded')
    // The history says which version was approved and signed off, and which the pack carries.
    const v1 = page.locator('.govuk-table__row', { hasText: 'Version 1' })
    expect(await v1.innerText()).toMatch(
      /Approved by Priya Shah on .+\. Signed off by Alex Morgan on .+\. In the evidence pack/,
    )
    expect(await page.locator('.govuk-table__row', { hasText: 'Version 2 (current)' }).innerText()).toContain(
      'Not approved',
    )

    // The status filter is a plain GET form; every figure, percentages included, opens its list.
    await visit(page, '/evidence')
    await page.getByLabel('Status').selectOption('uploaded')
    await followAndCheck(page, () => page.getByRole('button', { name: 'Show' }).click())
    expect(new URL(page.url()).searchParams.get('status')).toBe('uploaded')
    await followAndCheck(page, () =>
      page
        .getByRole('link', { name: /of requirements are uploaded/ })
        .first()
        .click(),
    )
    expect(await page.locator('main').innerText()).toContain('Uploaded: 1 requirement.')

    const admin = await signIn(people.admin)
    await visit(admin, '/evidence')
    const [download] = await Promise.all([
      admin.waitForEvent('download'),
      admin.getByRole('link', { name: 'Download the evidence pack (ZIP)' }).click(),
    ])
    const path = join(dataDir, 'pack-2.zip')
    await download.saveAs(path)
    const names = await zipNames(readFileSync(path))
    expect(names.some((n) => n.endsWith('Police self-evaluation.pdf'))).toBe(true)
    expect(names.some((n) => n.includes('v2'))).toBe(false)
  })

  it('the approver finds what waits from their home page and approves two documents with one code', async () => {
    // The contributor uploads two more documents.
    const contributor = await signIn(people.contributor)
    const titles: string[] = []
    for (const n of [1, 2]) {
      await visit(contributor, '/evidence/requirements?status=not-started')
      await followAndCheck(contributor, () => contributor.locator('table a.govuk-link').first().click())
      titles.push((await contributor.getByRole('heading', { level: 1 }).innerText()).trim())
      await contributor.setInputFiles('#file', {
        name: `Document ${n}.txt`,
        mimeType: 'text/plain',
        buffer: Buffer.from(`Document ${n}\n`),
      })
      await new RequirementPage(contributor, new URL(contributor.url()).pathname).submit('Upload')
    }

    const page = await signIn(people.approver)
    await visit(page, '/')
    // Version 2 of the self-evaluation waits too.
    expect(await page.locator('#approvals-link').innerText()).toBe('3 documents are waiting for you')
    await followAndCheck(page, () => page.locator('#approvals-link').click())
    const inbox = new InboxPage(page)
    expect(await inbox.headingText()).toBe('Waiting for you')
    for (const title of titles) await page.getByLabel(`${title} – Northshire Police`, { exact: true }).check()
    // A wrong code approves nothing.
    await inbox.fill('Code from your authenticator app', '000000')
    await inbox.submit('Approve selected documents', { status: 400 })
    expect((await inbox.errorSummaryLinks())[0]).toMatchObject({ href: '#code' })
    expect(await page.locator('.govuk-checkboxes__input:checked').count()).toBe(2)
    await inbox.fill('Code from your authenticator app', await people.approver.phone.code())
    await inbox.submit('Approve selected documents')
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('2 documents have been approved')
    expect(await page.locator('.govuk-checkboxes__input').count()).toBe(1)
    // For the next few minutes no new code is asked for.
    expect(await page.locator('main').innerText()).toContain('so you do not need another until')
    expect(await page.getByLabel('Code from your authenticator app').count()).toBe(0)
  })

  it('the evidence pages do not scroll sideways at 320 px wide', async () => {
    const page = await signIn(people.approver)
    await page.setViewportSize({ width: 320, height: 800 })
    for (const path of ['/evidence', '/evidence/requirements', '/evidence/approvals', requirementPath]) {
      await visit(page, path)
      const [scrollWidth, width] = await page.locator('html').evaluate((html) => [html.scrollWidth, html.clientWidth])
      expect(scrollWidth, path).toBeLessThanOrEqual(width)
    }
  })
})

class InboxPage extends BasePage {
  readonly path = '/evidence/approvals'
}

function zipNames(buffer: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'))
      const names: string[] = []
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName)
        zip.readEntry()
      })
      zip.on('end', () => resolve(names))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}
