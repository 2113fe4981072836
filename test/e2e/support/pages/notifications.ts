import type { Locator, Page, Response } from 'playwright-core'
import { BasePage, type VisitOptions } from './base'

/**
 * The Notifications link in the header navigation as a screen reader has it ("Notifications (3
 * unread)"; on screen "Notifications (3)"). Its text, so it reads the same when a narrow window
 * folds the navigation behind its Menu button.
 */
export async function headerNotificationsText(page: Page): Promise<string> {
  const link = page.locator('.govuk-service-navigation__list a[href="/notifications"]')
  return ((await link.textContent()) ?? '').replace(/\s+/g, ' ').trim()
}

export interface NotificationItem {
  title: string
  unread: boolean
}

/** GET /notifications: the signed-in person's notifications, newest first. */
export class NotificationsPage extends BasePage {
  readonly path = '/notifications'

  private items(): Locator {
    return this.page.locator('main ul.app-notifications > li')
  }

  /** The notifications on this page, in order: each title, and whether it is marked New. */
  async notifications(): Promise<NotificationItem[]> {
    const out: NotificationItem[] = []
    for (const item of await this.items().all()) {
      const link = item.locator('h2 a')
      const title = (await link.innerText()).replace(/\s*\(unread\)\s*$/, '').trim()
      out.push({ title, unread: (await item.locator('.govuk-tag', { hasText: 'New' }).count()) > 0 })
    }
    return out
  }

  async markAllAsRead(options?: VisitOptions): Promise<Response> {
    return this.submit('Mark all as read', options)
  }
}

/** GET /notifications/settings: what the person is emailed, per kind of notification. */
export class EmailSettingsPage extends BasePage {
  readonly path = '/notifications/settings'

  private question(kind: string): Locator {
    return this.page.getByRole('group', { name: kind, exact: true })
  }

  /** Chooses how a kind of notification is emailed ("Email at once", "No email (in JTAI Ready only)"…). */
  async choose(kind: string, choice: string): Promise<void> {
    await this.question(kind).getByLabel(choice, { exact: true }).check()
  }

  /** The choice made for a kind, by its label. */
  async chosen(kind: string): Promise<string> {
    const checked = this.question(kind).locator('input:checked')
    const id = await checked.getAttribute('id')
    return (await this.page.locator(`label[for="${id ?? ''}"]`).innerText()).trim()
  }

  /** The kinds that are always emailed at once, as listed. */
  async alwaysEmailed(): Promise<string[]> {
    return (
      await this.page
        .locator('main h2', { hasText: 'Always emailed at once' })
        .locator('xpath=following-sibling::ul[1]/li/strong')
        .allInnerTexts()
    ).map((t) => t.trim())
  }
}

export interface OutboxRow {
  to: string
  what: string
  made: string
  status: string
}

/** GET /notifications/outbox: every email of the partnership (administrators). */
export class OutboxPage extends BasePage {
  readonly path = '/notifications/outbox'

  /** The emails listed on this page, as shown. */
  async rows(): Promise<OutboxRow[]> {
    const table = this.page.locator('main table.govuk-table')
    if ((await table.count()) === 0) return []
    const rows: OutboxRow[] = []
    for (const row of await table.locator('tbody tr').all()) {
      const cells = await row.locator('td').all()
      const text = async (i: number) => ((await cells[i]?.innerText()) ?? '').replace(/\s+/g, ' ').trim()
      rows.push({ to: await text(0), what: await text(1), made: await text(2), status: await text(3) })
    }
    return rows
  }

  /** Sends a test email to an address and checks the page it leads to. */
  async sendTestEmail(address: string, options?: VisitOptions): Promise<Response> {
    await this.fill('Email address', address)
    return this.submit('Send a test email', options)
  }

  /** Shows only the emails of one status ("Failed", "Waiting"…; the option's text starts with it). */
  async filterBy(status: string, options?: VisitOptions): Promise<Response> {
    const select = this.page.getByLabel('Status', { exact: true })
    const option = select.locator('option', { hasText: new RegExp(`^${status} \\(`) })
    await select.selectOption({ label: (await option.innerText()).trim() })
    return this.submit('Show emails', options)
  }
}

/** GET /notifications/reminders: the partnership's reminder timings (administrators, coordinators). */
export class ReminderSettingsPage extends BasePage {
  readonly path = '/notifications/reminders'
}
