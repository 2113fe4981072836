import type { Locator, Response } from 'playwright-core'
import { BasePage, type VisitOptions } from './base'

/** The rows of the first GOV.UK table on the page, each as { column heading: cell text }. */
async function tableRows(table: Locator): Promise<Record<string, string>[]> {
  const headings = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim())
  const rows: Record<string, string>[] = []
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.locator('th, td').allInnerTexts()).map((t) => t.trim())
    rows.push(Object.fromEntries(headings.map((h, i) => [h, cells[i] ?? ''])))
  }
  return rows
}

/** The key → value pairs of the GOV.UK summary list on the page. */
async function summaryList(page: BasePage['page']): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const row of await page.locator('main .govuk-summary-list__row').all()) {
    const key = (await row.locator('.govuk-summary-list__key').innerText()).trim()
    out[key] = (await row.locator('.govuk-summary-list__value').innerText()).trim()
  }
  return out
}

export class AgenciesPage extends BasePage {
  readonly path = '/agencies'

  addAgencyButton(): Locator {
    return this.page
      .getByRole('button', { name: 'Add an agency' })
      .or(this.page.getByRole('link', { name: 'Add an agency' }))
  }

  /** Agency, Type, Statutory partner, Senior approver, People. */
  async rows(): Promise<Record<string, string>[]> {
    return tableRows(this.page.locator('main table.govuk-table').first())
  }

  async openAgency(name: string, options?: VisitOptions): Promise<Response> {
    return this.followLink(name, options)
  }
}

export interface AgencyValues {
  name?: string
  /** The visible text of the option, e.g. "Police". */
  type?: string
  statutory?: 'Yes' | 'No'
  /** The visible text of the option, e.g. "Ann Smith, Chief Constable". */
  seniorApprover?: string
}

/** "Add an agency" and "Change <agency>". */
export class AgencyFormPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path = '/agencies/new',
  ) {
    super(page)
  }

  async fillForm(values: AgencyValues): Promise<void> {
    if (values.name !== undefined) await this.fill('Agency name', values.name)
    if (values.type !== undefined)
      await this.page.getByLabel('Type of agency', { exact: true }).selectOption({ label: values.type })
    if (values.statutory !== undefined) {
      await this.page
        .getByRole('group', { name: 'Is this agency a statutory safeguarding partner?' })
        .getByLabel(values.statutory, { exact: true })
        .check()
    }
    if (values.seniorApprover !== undefined)
      await this.page.getByLabel('Senior approver', { exact: true }).selectOption({ label: values.seniorApprover })
  }

  async save(options?: VisitOptions): Promise<Response> {
    return this.submit('Save agency', options)
  }
}

export class AgencyPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path: string,
  ) {
    super(page)
  }

  /** Type, Statutory safeguarding partner, Senior approver. */
  async details(): Promise<Record<string, string>> {
    return summaryList(this.page)
  }

  /** Name, Job title, Availability of the agency's people. */
  async people(): Promise<Record<string, string>[]> {
    const table = this.page.locator('main table.govuk-table')
    return (await table.count()) ? tableRows(table.first()) : []
  }

  async change(options?: VisitOptions): Promise<Response> {
    return this.followLink(/^Change\s+agency details$/, options)
  }
}

export class PeoplePage extends BasePage {
  readonly path = '/people'

  /** Name, Agency, Roles, Availability. */
  async rows(): Promise<Record<string, string>[]> {
    const table = this.page.locator('main table.govuk-table')
    return (await table.count()) ? tableRows(table.first()) : []
  }
}

export interface PersonValues {
  name?: string
  email?: string
  jobTitle?: string
  /** The visible text of the option, e.g. "Northshire Police". */
  agency?: string
  /** Role labels to tick, e.g. ["Senior approver"]. */
  roles?: string[]
}

/** "Add a person" and "Change <person>". */
export class PersonFormPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path = '/people/new',
  ) {
    super(page)
  }

  async fillForm(values: PersonValues): Promise<void> {
    if (values.name !== undefined) await this.fill('Full name', values.name)
    if (values.email !== undefined) await this.fill('Email address', values.email)
    if (values.jobTitle !== undefined) await this.fill('Job title (optional)', values.jobTitle)
    if (values.agency !== undefined)
      await this.page.getByLabel('Agency', { exact: true }).selectOption({ label: values.agency })
    for (const role of values.roles ?? []) {
      await this.page.getByRole('group', { name: 'Roles' }).getByLabel(role, { exact: true }).check()
    }
  }

  async save(options?: VisitOptions): Promise<Response> {
    return this.submit('Save person', options)
  }

  /** The role checkboxes that are ticked, by label. */
  async checkedRoles(): Promise<string[]> {
    const checked: string[] = []
    for (const box of await this.page.getByRole('group', { name: 'Roles' }).getByRole('checkbox').all()) {
      if (await box.isChecked()) {
        const id = await box.getAttribute('id')
        checked.push((await this.page.locator(`label[for="${String(id)}"]`).innerText()).trim())
      }
    }
    return checked
  }
}

export class PersonPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path: string,
  ) {
    super(page)
  }

  /** Email address, Job title, Agency, Roles, Availability, Sign-in. */
  async details(): Promise<Record<string, string>> {
    return summaryList(this.page)
  }

  /** Person page → "Create a sign-in link" → "Create link": returns the link the app shows once. */
  async createSignInLink(): Promise<string> {
    // GOV.UK "button" links have role=button.
    await this.submit('Create a sign-in link')
    await this.submit('Create link')
    return (await this.page.locator('#reset-link').innerText()).trim()
  }
}
