import type { Response } from 'playwright-core'
import { BasePage, type VisitOptions } from './base'
import { Authenticator } from '../totp'

/** The first-run page the set-up link opens: names the partnership and creates the first administrator. */
export class SetupPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path: string,
  ) {
    super(page)
  }

  async fillForm(values: {
    partnershipName: string
    name: string
    email: string
    jobTitle?: string
    password: string
    confirm?: string
  }): Promise<void> {
    await this.fill('Name of your safeguarding children partnership', values.partnershipName)
    await this.fill('Full name', values.name)
    await this.fill('Email address', values.email)
    if (values.jobTitle !== undefined) await this.fill('Job title (optional)', values.jobTitle)
    await this.fill('Password', values.password)
    await this.fill('Confirm password', values.confirm ?? values.password)
  }

  async create(options?: VisitOptions): Promise<Response> {
    return this.submit('Create partnership and continue', options)
  }
}

/** "Set up your authenticator app": shows the QR code and the setup key, then takes a first code. */
export class EnrolPage extends BasePage {
  readonly path = '/sign-in/set-up-authenticator'

  /** The setup key as a person would type it into their app (the page groups it in fours). */
  async secret(): Promise<string> {
    return (await this.page.locator('#secret').innerText()).replace(/\s+/g, '')
  }

  async enterCode(code: string, options?: VisitOptions): Promise<Response> {
    await this.fill('Enter the 6-digit code the app now shows', code)
    return this.submit('Continue', options)
  }
}

export class SignInPage extends BasePage {
  readonly path = '/sign-in'

  async signIn(email: string, password: string, options?: VisitOptions): Promise<Response> {
    await this.fill('Email address', email)
    await this.fill('Password', password)
    return this.submit('Continue', options)
  }
}

/** "Enter the 6-digit code from your authenticator app", the second step of signing in. */
export class CodePage extends BasePage {
  readonly path = '/sign-in/code'

  async enterCode(code: string, options?: VisitOptions): Promise<Response> {
    await this.fill('Enter the 6-digit code from your authenticator app', code)
    return this.submit('Sign in', options)
  }
}

/** "Create a password", opened from a sign-in link an administrator created. */
export class PasswordPage extends BasePage {
  constructor(
    page: BasePage['page'],
    readonly path: string,
  ) {
    super(page)
  }

  async setPassword(password: string, confirm = password, options?: VisitOptions): Promise<Response> {
    await this.fill('New password', password)
    await this.fill('Confirm password', confirm)
    return this.submit('Set password', options)
  }
}

export class HomePage extends BasePage {
  readonly path = '/'

  /** The partnership name shown as the caption above "Welcome, <name>". */
  async partnershipCaption(): Promise<string> {
    return (await this.page.locator('main .govuk-caption-l').innerText()).trim()
  }
}

/**
 * The first-run path, for e2e tests whose subject comes after it: opens the set-up link, creates the
 * partnership and its first administrator, and enrols an authenticator. Returns that authenticator.
 * (foundation.test.ts tests these pages themselves.)
 */
export async function setUpFirstAdministrator(
  page: BasePage['page'],
  setupLink: string,
  admin: { partnershipName: string; name: string; email: string; password: string },
): Promise<Authenticator> {
  const setup = new SetupPage(page, new URL(setupLink).pathname)
  await setup.open()
  await setup.fillForm(admin)
  await setup.create()
  const enrol = new EnrolPage(page)
  const phone = new Authenticator(await enrol.secret())
  await enrol.enterCode(await phone.code())
  return phone
}
