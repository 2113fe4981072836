import type { Download } from 'playwright-core'
import { BasePage, followAndCheck } from './base'

/** Case tracking's landing page for the selection managers: the selection, adding a child by ID. */
export class CaseTrackingPage extends BasePage {
  readonly path = '/case-tracking'

  /** Adds a child by ID with the keyboard alone: Tab to the field, type, Enter sends the form. */
  async addChildByKeyboard(childRef: string): Promise<void> {
    const field = this.page.getByLabel('Child ID', { exact: true })
    await field.focus()
    await this.page.keyboard.type(childRef)
    await followAndCheck(this.page, () => this.page.keyboard.press('Enter'))
  }

  /** The "Children selected" table's rows, as text. */
  async selectedRows(): Promise<string[]> {
    return (await this.page.locator('table tbody tr').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** A row of the summary at the top ("Children selected", "Released to agencies", …). */
  async summary(key: string): Promise<string> {
    const row = this.page.locator('.govuk-summary-list__row', {
      has: this.page.locator('.govuk-summary-list__key', { hasText: key }),
    })
    return (await row.locator('.govuk-summary-list__value').innerText()).trim()
  }
}

/** Upload the inspectors' list (CSV or XLSX), then its check page. */
export class ListUploadPage extends BasePage {
  readonly path = '/case-tracking/upload'

  async upload(name: string, text: string): Promise<void> {
    await this.page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) })
    await this.submit('Upload and check')
  }
}

export class ListCheckPage extends BasePage {
  readonly path = '/case-tracking/upload/check'

  /** The items listed under a heading of the check page (e.g. "Duplicates", "Rows that cannot be read"). */
  async listedUnder(heading: string): Promise<string[]> {
    const section = this.page.locator('h2', { hasText: heading })
    return (await section.locator('xpath=following-sibling::ul[1]/li').allInnerTexts()).map((t) => t.trim())
  }

  /** The row numbers of the "Children to be added" table. */
  async rowsToAdd(): Promise<string[]> {
    return (await this.page.locator('table tbody tr td:first-child').allInnerTexts()).map((t) => t.trim())
  }
}

export class ReleasePage extends BasePage {
  readonly path = '/case-tracking/release'

  /** The deadline the form offers: the date inputs and the time. */
  async offeredDeadline(): Promise<{ day: string; month: string; year: string; time: string }> {
    const value = (id: string) => this.page.locator(`[id="${id}"]`).inputValue()
    return {
      day: await value('dueDate-day'),
      month: await value('dueDate-month'),
      year: await value('dueDate-year'),
      time: await value('dueTime'),
    }
  }
}

/** An agency's return: the children with their answers, and submitting it. */
export class AgencyReturnPage extends BasePage {
  readonly path = '/case-tracking/return'

  /** Opens the answer form for the child at this row of the list. */
  async answerRow(position: number): Promise<AnswerPage> {
    await followAndCheck(this.page, () =>
      this.page.getByRole('link', { name: new RegExp(`^(Answer|Change) for the child in row ${position}$`) }).click(),
    )
    return new AnswerPage(this.page)
  }
}

/** One child's answer form (its URL carries only the selected child's opaque id). */
export class AnswerPage extends BasePage {
  get path(): string {
    return new URL(this.page.url()).pathname
  }

  async answerNo(): Promise<void> {
    await this.page.getByLabel('No, not known to us').check()
    await this.submit('Save answer')
  }

  /** Yes, open now, with the framework's question answered Yes. */
  async answerYes(question: string, leadPractitioner: string): Promise<void> {
    await this.page.getByLabel('Yes, known to us').check()
    await this.page.getByLabel('Open now').check()
    await this.fill('Lead practitioner (optional)', leadPractitioner)
    await this.page.getByRole('group', { name: question }).getByLabel('Yes').check()
  }
}

/** The coordinator's live matrix of answers. */
export class MatrixPage extends BasePage {
  readonly path = '/case-tracking/matrix'

  count(which: 'none' | 'one' | 'two' | 'threeOrMore'): Promise<string> {
    return this.page.locator(`[data-count="${which}"]`).innerText()
  }

  /** The agency's return status as its tag says it ("Not started", "Submitted", …). */
  async agencyStatus(agencyId: string): Promise<string> {
    return (await this.page.locator(`[data-agency-status="${agencyId}"]`).innerText()).trim()
  }

  async cell(childId: string, agencyId: string): Promise<string> {
    return (await this.page.locator(`[data-cell="${childId} ${agencyId}"]`).innerText()).trim()
  }

  /** Downloads the combined return for the inspectors. */
  async downloadWorkbook(): Promise<Download> {
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      this.page.getByRole('link', { name: 'Download the combined return for the inspectors (XLSX)' }).click(),
    ])
    return download
  }
}

/** Recording the inspectors' choice of children for multi-agency audit. */
export class AuditChoicePage extends BasePage {
  readonly path = '/case-tracking/audit-choice'

  /** The checkbox for the child with this ID (its label starts with the ID). */
  checkbox(childRef: string) {
    return this.page.getByRole('checkbox', { name: new RegExp(`^${childRef}\\b`) })
  }
}
