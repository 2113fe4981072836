import { createHash } from 'node:crypto'
import { rmSync } from 'node:fs'
import type { JSHandle, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/database'
import { hashPassword } from '../../src/features/auth/passwords'
import { expectNoAxeViolations } from './support/axe'
import { useBrowser } from './support/browser'
import { CodePage, SignInPage } from './support/pages/auth'
import { BasePage, followAndCheck, visit } from './support/pages/base'
import { seedPartnershipWithPolice, seedPerson } from './support/seed'
import { migratedDataDir, startApp, type RunningApp } from './support/server'
import { Authenticator } from './support/totp'

// The drag-and-drop enhancement of the evidence upload form (src/web/assets/js/evidence-upload.js):
// a file dropped on the file input's form group becomes the input's selection, and Upload sends it.

const PASSWORD = 'amber kettle violin harbour'
/** A minimal PDF: the server checks the type by content, so it must start with %PDF-. */
const PDF =
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n'
const PDF_SHA256 = createHash('sha256').update(PDF, 'utf8').digest('hex')

interface DroppedFile {
  name: string
  type: string
  text: string
}

/** The slice of the browser's DataTransfer used here. */
interface PageDataTransfer {
  items: { add(file: File): unknown }
}

/** One evidence requirement's page, with its upload form and the drop zone the script adds. */
class RequirementPage extends BasePage {
  constructor(
    page: Page,
    readonly path: string,
  ) {
    super(page)
  }

  /** The script turns the file input's GOV.UK form group into the drop zone. */
  dropZone(): Locator {
    return this.page.locator('form[data-evidence-upload] .govuk-form-group.app-drop-zone')
  }

  /** The polite live region the script adds to the drop zone. */
  dropStatus(): Locator {
    return this.dropZone().locator('.app-drop-status')
  }

  /** What the file input holds now: what Upload would send. */
  async selectedFiles(): Promise<{ name: string; size: number; type: string }[]> {
    return this.page.locator('#file').evaluate((input) =>
      Array.from((input as unknown as { files: ArrayLike<File> | null }).files ?? []).map((f) => ({
        name: f.name,
        size: f.size,
        type: f.type,
      })),
    )
  }

  /** A DataTransfer built in the page, as the browser builds one for files dragged from the desktop. */
  async dataTransfer(files: DroppedFile[]): Promise<JSHandle<PageDataTransfer>> {
    return this.page.evaluateHandle((list) => {
      // The browser's DataTransfer (the project's TypeScript has no DOM types).
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => PageDataTransfer }
      const dt = new DataTransfer()
      for (const f of list) dt.items.add(new File([f.text], f.name, { type: f.type }))
      return dt
    }, files)
  }

  /** Drags `dataTransfer` over the drop zone: dragenter then dragover; returns whether the zone shows it is a target. */
  async dragOver(dataTransfer: JSHandle<PageDataTransfer>): Promise<boolean> {
    await this.dropZone().dispatchEvent('dragenter', { dataTransfer })
    await this.dropZone().dispatchEvent('dragover', { dataTransfer })
    return this.dropZone().evaluate((el) => el.classList.contains('app-drop-zone--over'))
  }

  async drop(dataTransfer: JSHandle<PageDataTransfer>): Promise<void> {
    await this.dropZone().dispatchEvent('drop', { dataTransfer })
  }

  /** The versions table: one row per version, cell texts in order (visually hidden text included, spaces collapsed). */
  async versions(): Promise<string[][]> {
    const rows = this.page
      .locator('table', { has: this.page.locator('caption', { hasText: 'Every version uploaded' }) })
      .locator('tbody tr')
    const out: string[][] = []
    for (const row of await rows.all())
      out.push((await row.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()))
    return out
  }
}

describe('evidence: drag and drop a file onto the upload form', () => {
  let app: RunningApp
  let dataDir: string
  const browser = useBrowser()
  const contributor = { email: 'contributor@dropshire.example.org', phone: undefined as unknown as Authenticator }

  beforeAll(async () => {
    // Seeded straight into the embedded database before the app opens it, as evidence.test.ts does.
    // The database starts migrated and empty, as the app's first start leaves it (a copy: faster than initdb).
    dataDir = migratedDataDir('jtai-e2e-dragdrop-')
    const handle = await openDatabase({ dataDir })
    const db = handle.db
    const now = new Date()
    const { partnershipId: pid, policeId } = await seedPartnershipWithPolice(db, 'Dropshire', now)
    const person = await seedPerson(
      db,
      pid,
      {
        name: 'Dana Okafor',
        email: contributor.email,
        roles: ['contributor'],
        agencyId: policeId,
        passwordHash: await hashPassword(PASSWORD),
      },
      now,
    )
    contributor.phone = person.phone
    await handle.close()
    app = await startApp({ dataDir })
  }, 120_000)
  afterAll(async () => {
    await app?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it(
    'a dropped file becomes the selection, uploads, and the version shows its SHA-256',
    { timeout: 180_000 },
    async () => {
      const page = await browser.newPage({ baseURL: app.baseUrl })
      const signInPage = new SignInPage(page)
      await signInPage.open()
      await signInPage.signIn(contributor.email, PASSWORD)
      await new CodePage(page).enterCode(await contributor.phone.code())

      await visit(page, '/evidence')
      await followAndCheck(page, () =>
        page
          .getByRole('link', { name: /requirements not started/ })
          .first()
          .click(),
      )
      await followAndCheck(page, () => page.locator('table a.govuk-link').first().click())
      const requirement = new RequirementPage(page, new URL(page.url()).pathname)
      expect(await requirement.versions()).toEqual([])

      // The script has found the form and made its file input's group a drop zone, with a live region.
      await expect.poll(() => requirement.dropZone().count()).toBe(1)
      expect(await requirement.dropZone().locator('#file').count()).toBe(1)
      expect((await requirement.dropStatus().innerText()).trim()).toBe('You can also drag a file here.')
      expect(await requirement.dropStatus().getAttribute('aria-live')).toBe('polite')
      expect(await requirement.selectedFiles()).toEqual([])

      // Two files at once: refused in the status, and nothing selected.
      const two = await requirement.dataTransfer([
        { name: 'a.pdf', type: 'application/pdf', text: PDF },
        { name: 'b.pdf', type: 'application/pdf', text: PDF },
      ])
      expect(await requirement.dragOver(two)).toBe(true)
      await requirement.drop(two)
      expect((await requirement.dropStatus().innerText()).trim()).toBe('Drop one file at a time.')
      expect(await requirement.selectedFiles()).toEqual([])

      // One file: dragging it over highlights the zone; dropping it selects it in the file input.
      const one = await requirement.dataTransfer([{ name: 'policy.pdf', type: 'application/pdf', text: PDF }])
      const changes = await page.locator('#file').evaluateHandle((input) => {
        const seen: string[] = []
        input.addEventListener('change', () => seen.push('change'))
        return seen
      })
      expect(await requirement.dragOver(one)).toBe(true)
      await requirement.drop(one)
      expect(await requirement.dropZone().evaluate((el) => el.classList.contains('app-drop-zone--over'))).toBe(false)
      expect(await requirement.selectedFiles()).toEqual([
        { name: 'policy.pdf', size: Buffer.byteLength(PDF), type: 'application/pdf' },
      ])
      expect(await changes.jsonValue()).toEqual(['change'])
      expect((await requirement.dropStatus().innerText()).trim()).toBe('Selected policy.pdf. Select Upload to send it.')
      // The page as the enhancement left it (status text, highlight gone) still passes the accessibility check.
      await expectNoAxeViolations(page)

      await requirement.submit('Upload')
      expect(await requirement.notificationBanner().innerText()).toContain('Version 1 (policy.pdf) has been uploaded')
      const versions = await requirement.versions()
      expect(versions).toHaveLength(1)
      expect(versions[0]![0]).toBe('Version 1 (current)')
      expect(versions[0]![1]).toBe('policy.pdf, version 1')
      expect(versions[0]![5]).toBe(PDF_SHA256)

      // The stored bytes are the dropped bytes: the download hashes to the same SHA-256.
      const href = await page.locator('table a[href$="/download"]', { hasText: 'policy.pdf' }).getAttribute('href')
      const download = await page.request.get(href!)
      expect(download.status()).toBe(200)
      expect(
        createHash('sha256')
          .update(await download.body())
          .digest('hex'),
      ).toBe(PDF_SHA256)
    },
  )
})
