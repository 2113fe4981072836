import type { Response } from 'playwright-core'
import { BasePage, type VisitOptions } from './base'

export interface AuditRow {
  no: number
  when: string
  who: string
  action: string
  summary: string
}

export class AuditPage extends BasePage {
  readonly path = '/audit'

  /** The events listed on this page, as shown. */
  async rows(): Promise<AuditRow[]> {
    const table = this.page.locator('main table.govuk-table')
    if ((await table.count()) === 0) return []
    const rows: AuditRow[] = []
    for (const row of await table.locator('tbody tr').all()) {
      const [no, when, who, action, summary] = (await row.locator('th, td').allInnerTexts()).map((t) => t.trim())
      rows.push({ no: Number(no), when: when ?? '', who: who ?? '', action: action ?? '', summary: summary ?? '' })
    }
    return rows
  }

  /** The table caption, e.g. "12 events". */
  async caption(): Promise<string> {
    return (await this.page.locator('main table.govuk-table caption').innerText()).trim()
  }

  /** The actions the Action filter offers (without "Any action"). */
  async actionOptions(): Promise<string[]> {
    const texts = await this.page.getByLabel('Action', { exact: true }).locator('option').allInnerTexts()
    return texts.map((t) => t.trim()).filter((t) => t !== 'Any action')
  }

  /** Chooses an action in the filter and applies it. */
  async filterByAction(action: string, options?: VisitOptions): Promise<Response> {
    await this.page.getByLabel('Action', { exact: true }).selectOption({ label: action })
    return this.submit('Apply filters', options)
  }
}
