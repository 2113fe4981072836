import type { Request } from 'express'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import { bodyOf, parseForm, parseFormWith, renderWithErrors, totpCodeSchema } from '../../web/forms'
import type { SessionTiming } from '../../web/middleware/auth'
import type { RouteOptions, Routes } from '../../web/routes'
import {
  PASSWORD_FIELDS,
  passwordSchema,
  SETUP_FIELDS,
  setupPasswordProblems,
  setupSchema,
  signInSchema,
} from './schemas'
import { formatSecret, totpQrCode } from './totp'
import { sameOriginPath } from '../../web/returnAddress'

const PENDING_MS = 10 * 60_000

const SIGN_IN = 'auth/views/sign-in.njk'
const CODE = 'auth/views/code.njk'
const ENROL = 'auth/views/enrol.njk'
const SETUP = 'auth/views/setup.njk'
const SETUP_USED = 'auth/views/setup-used.njk'
const PASSWORD = 'auth/views/password.njk'
const LINK_EXPIRED = 'auth/views/link-expired.njk'

/** The authenticator code in a sign-in form, or undefined when it is not 6 digits (or the form is not ours). */
function codeIn(body: unknown): string | undefined {
  try {
    return parseForm(totpCodeSchema(), body).code
  } catch (error) {
    if (error instanceof ValidationError) return undefined
    throw error
  }
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
}

/**
 * The form posts here are plain handlers rather than routes.form: each starts a new session
 * (regenerate) once the person has shown who they are, answers before reading the form when the step
 * cannot be used (no sign-in in progress: a redirect; a spent link: its own page with status 404), and
 * the sign-in steps' refusals are answers about the person's credentials, not problems with fields.
 */
export function authRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { auth, setup } = services
  const now = () => options.clock.now().getTime()
  const pendingOf = (req: Request, next: 'code' | 'enrol') => {
    const p = req.session.pending
    return p && p.next === next && now() - p.at < PENDING_MS ? p : undefined
  }

  async function finishSignIn(req: Request, personId: string): Promise<string> {
    const returnTo = req.session.returnTo
    await regenerate(req)
    req.session.personId = personId
    req.session.signedInAt = now()
    req.session.lastSeenAt = now()
    await auth.recordSignIn(personId)
    return sameOriginPath(returnTo)
  }

  routes.get('/sign-in', (_req, res, { signedIn }) => {
    if (signedIn) return res.redirect(303, '/')
    res.render(SIGN_IN)
  })

  routes.post('/sign-in', async (req, res) => {
    const form = parseForm(signInSchema, req.body)
    const result = await auth.checkPassword(form.email, form.password, req.ip ?? 'unknown')
    if (result.status !== 'ok') {
      const message =
        result.status === 'throttled'
          ? `There have been too many attempts to sign in. Wait ${result.minutes} minutes and try again`
          : 'Enter a correct email address and password'
      return renderWithErrors(res, SIGN_IN, new ValidationError({ email: message }), { values: { email: form.email } })
    }
    const returnTo = req.session.returnTo
    await regenerate(req)
    if (returnTo) req.session.returnTo = returnTo
    req.session.pending = { personId: result.personId, next: result.next, at: now() }
    res.redirect(303, result.next === 'code' ? '/sign-in/code' : '/sign-in/set-up-authenticator')
  })

  routes.get('/sign-in/code', (req, res) => {
    if (!pendingOf(req, 'code')) return res.redirect(303, '/sign-in')
    res.render(CODE)
  })

  routes.post('/sign-in/code', async (req, res) => {
    const pending = pendingOf(req, 'code')
    if (!pending) return res.redirect(303, '/sign-in')
    const code = codeIn(req.body)
    if (code === undefined)
      return renderWithErrors(
        res,
        CODE,
        new ValidationError({ code: 'Enter the 6-digit code from your authenticator app' }),
        {},
      )
    const outcome = await auth.checkCode(pending.personId, code, req.ip ?? 'unknown')
    if (outcome !== 'ok') {
      const message =
        outcome === 'throttled'
          ? 'There have been too many attempts. Wait 15 minutes and try again'
          : 'The code is not correct or has already been used. Enter the current 6-digit code from your authenticator app'
      return renderWithErrors(res, CODE, new ValidationError({ code: message }), {})
    }
    res.redirect(303, await finishSignIn(req, pending.personId))
  })

  async function enrolmentView(personId: string) {
    const enrolment = await auth.enrolmentSecret(personId)
    if (!enrolment) return undefined
    const qr = await totpQrCode(enrolment.secret, enrolment.email, 'JTAI Ready')
    return { qrDataUrl: qr.dataUrl, secret: formatSecret(enrolment.secret) }
  }

  routes.get('/sign-in/set-up-authenticator', async (req, res) => {
    const pending = pendingOf(req, 'enrol')
    const view = pending && (await enrolmentView(pending.personId))
    if (!view) return res.redirect(303, '/sign-in')
    res.render(ENROL, view)
  })

  routes.post('/sign-in/set-up-authenticator', async (req, res) => {
    const pending = pendingOf(req, 'enrol')
    if (!pending) return res.redirect(303, '/sign-in')
    const code = codeIn(req.body)
    if (code === undefined || !(await auth.completeEnrolment(pending.personId, code))) {
      const view = await enrolmentView(pending.personId)
      if (!view) return res.redirect(303, '/sign-in')
      return renderWithErrors(
        res,
        ENROL,
        new ValidationError({ code: 'Enter the 6-digit code your authenticator app shows for JTAI Ready' }),
        view,
      )
    }
    res.redirect(303, await finishSignIn(req, pending.personId))
  })

  // A button, not a form to fill in.
  routes.post('/sign-out', async (req, res, { scope }) => {
    await auth.recordSignOut(scope, 'signed-out')
    await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())))
    res.clearCookie('jtai.sid')
    res.redirect(303, '/signed-out')
  })

  routes.get('/signed-out', (_req, res) => res.render('auth/views/signed-out.njk'))

  routes.post('/session/keep-alive', (req, res) => {
    // The auth middleware has already counted this request as activity.
    // Seconds from now, by the server's clock: the page counts down from these, so a wrong clock
    // in the browser does not matter. 'limit' means the session ends at endsAtText whatever happens.
    if (req.accepts(['html', 'json']) === 'json') {
      const { secondsLeft, endsBecause, endsAtText, warningSeconds } = res.locals.sessionTiming as SessionTiming
      return res.json({ secondsLeft, endsBecause, endsAtText, warningSeconds, canStaySignedIn: endsBecause === 'idle' })
    }
    res.redirect(303, sameOriginPath(bodyOf(req).returnTo))
  })

  routes.get('/setup/:token', async (_req, res, { params }) => {
    if (!(await setup.isLiveSetupToken(params.token))) return res.status(404).render(SETUP_USED)
    res.render(SETUP, { values: {} })
  })

  routes.post('/setup/:token', async (req, res, { params }) => {
    if (!(await setup.isLiveSetupToken(params.token))) return res.status(404).render(SETUP_USED)
    try {
      const form = parseFormWith(setupSchema, req.body, setupPasswordProblems)
      const personId = await setup.completeSetup(params.token, form)
      await regenerate(req)
      req.session.pending = { personId, next: 'enrol', at: now() }
      res.redirect(303, '/sign-in/set-up-authenticator')
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      // The passwords are never sent back.
      const { password: _p, confirm: _c, ...values } = bodyOf(req)
      renderWithErrors(res, SETUP, e, { values }, SETUP_FIELDS)
    }
  })

  routes.get('/password/:token', async (_req, res, { params }) => {
    const person = await auth.personForResetToken(params.token)
    if (!person) return res.status(404).render(LINK_EXPIRED)
    res.render(PASSWORD, { personName: person.name })
  })

  routes.post('/password/:token', async (req, res, { params }) => {
    const person = await auth.personForResetToken(params.token)
    if (!person) return res.status(404).render(LINK_EXPIRED)
    try {
      const form = parseForm(passwordSchema, req.body)
      await auth.resetPassword(params.token, form.password, form.confirm)
      await regenerate(req)
      req.session.flash = 'Your password has been set. Sign in with your new password.'
      res.redirect(303, '/sign-in')
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, PASSWORD, e, { personName: person.name }, PASSWORD_FIELDS)
    }
  })
}
