import type { Request } from 'express'
import { z } from 'zod'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import { formatSecret, totpQrCode } from './totp'
import { email, parseForm, parseFormWith, renderWithErrors, requiredText, optionalText, type FieldErrors } from '../../web/forms'
import { passwordProblem } from './passwords'
import type { RouteOptions, Routes } from '../../web/routes'
import type { SessionTiming } from '../../web/middleware/auth'

const PENDING_MS = 10 * 60_000

const signInSchema = z.strictObject({
  email: z.string().optional().transform((s) => (s ?? '').trim()),
  password: z.string().optional().transform((s) => s ?? ''),
})
const codeSchema = z.strictObject({ code: z.string().optional().transform((s) => (s ?? '').replace(/\s+/g, '')) })
const passwordSchema = z.strictObject({ password: z.string().optional().default(''), confirm: z.string().optional().default('') })
const setupSchema = z.strictObject({
  partnershipName: requiredText('Enter the name of your safeguarding children partnership'),
  name: requiredText('Enter your full name'),
  email: email(),
  jobTitle: optionalText(),
  password: z.string().optional().default(''),
  confirm: z.string().optional().default(''),
})

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())))
}

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
    return returnTo && returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/'
  }

  routes.get('/sign-in', (req, res) => {
    if (req.scope) return res.redirect(303, '/')
    res.render('auth/views/sign-in.njk')
  })

  routes.post('/sign-in', async (req, res) => {
    const form = parseForm(signInSchema, req.body)
    const result = await auth.checkPassword(form.email, form.password, req.ip ?? 'unknown')
    if (result.status !== 'ok') {
      const message =
        result.status === 'throttled'
          ? `There have been too many attempts to sign in. Wait ${result.minutes} minutes and try again`
          : 'Enter a correct email address and password'
      return renderWithErrors(res, 'auth/views/sign-in.njk', new ValidationError({ email: message }), { values: { email: form.email } })
    }
    const returnTo = req.session.returnTo
    await regenerate(req)
    if (returnTo) req.session.returnTo = returnTo
    req.session.pending = { personId: result.personId, next: result.next, at: now() }
    res.redirect(303, result.next === 'code' ? '/sign-in/code' : '/sign-in/set-up-authenticator')
  })

  routes.get('/sign-in/code', (req, res) => {
    if (!pendingOf(req, 'code')) return res.redirect(303, '/sign-in')
    res.render('auth/views/code.njk')
  })

  routes.post('/sign-in/code', async (req, res) => {
    const pending = pendingOf(req, 'code')
    if (!pending) return res.redirect(303, '/sign-in')
    const { code } = parseForm(codeSchema, req.body)
    if (!/^\d{6}$/.test(code)) {
      return renderWithErrors(res, 'auth/views/code.njk', new ValidationError({ code: 'Enter the 6-digit code from your authenticator app' }), {})
    }
    const outcome = await auth.checkCode(pending.personId, code, req.ip ?? 'unknown')
    if (outcome !== 'ok') {
      const message = outcome === 'throttled' ? 'There have been too many attempts. Wait 15 minutes and try again' : 'The code is not correct or has already been used. Enter the current 6-digit code from your authenticator app'
      return renderWithErrors(res, 'auth/views/code.njk', new ValidationError({ code: message }), {})
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
    res.render('auth/views/enrol.njk', view)
  })

  routes.post('/sign-in/set-up-authenticator', async (req, res) => {
    const pending = pendingOf(req, 'enrol')
    if (!pending) return res.redirect(303, '/sign-in')
    const { code } = parseForm(codeSchema, req.body)
    if (!/^\d{6}$/.test(code) || !(await auth.completeEnrolment(pending.personId, code))) {
      const view = await enrolmentView(pending.personId)
      if (!view) return res.redirect(303, '/sign-in')
      return renderWithErrors(res, 'auth/views/enrol.njk', new ValidationError({ code: 'Enter the 6-digit code your authenticator app shows for JTAI Ready' }), view)
    }
    res.redirect(303, await finishSignIn(req, pending.personId))
  })

  routes.post('/sign-out', async (req, res) => {
    await auth.recordSignOut(req.scope!, 'signed-out')
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
    const back = typeof req.body?.returnTo === 'string' && req.body.returnTo.startsWith('/') && !req.body.returnTo.startsWith('//') ? req.body.returnTo : '/'
    res.redirect(303, back)
  })

  routes.get('/setup/:token', async (req, res) => {
    if (!(await setup.isLiveSetupToken(String(req.params.token)))) return res.status(404).render('auth/views/setup-used.njk')
    res.render('auth/views/setup.njk', { values: {} })
  })

  routes.post('/setup/:token', async (req, res) => {
    const token = String(req.params.token)
    if (!(await setup.isLiveSetupToken(token))) return res.status(404).render('auth/views/setup-used.njk')
    const order = ['partnershipName', 'name', 'email', 'jobTitle', 'password', 'confirm']
    try {
      const form = parseFormWith(setupSchema, req.body, (raw): FieldErrors => {
        const password = typeof raw.password === 'string' ? raw.password : ''
        const problem = passwordProblem(password)
        if (problem) return { password: problem }
        return password === raw.confirm ? {} : { confirm: 'The passwords do not match. Enter the same password twice' }
      })
      const personId = await setup.completeSetup(token, form)
      await regenerate(req)
      req.session.pending = { personId, next: 'enrol', at: now() }
      res.redirect(303, '/sign-in/set-up-authenticator')
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      const { password: _p, confirm: _c, ...values } = (req.body ?? {}) as Record<string, unknown>
      renderWithErrors(res, 'auth/views/setup.njk', e, { values }, order)
    }
  })

  routes.get('/password/:token', async (req, res) => {
    const person = await auth.personForResetToken(String(req.params.token))
    if (!person) return res.status(404).render('auth/views/link-expired.njk')
    res.render('auth/views/password.njk', { personName: person.name })
  })

  routes.post('/password/:token', async (req, res) => {
    const token = String(req.params.token)
    const person = await auth.personForResetToken(token)
    if (!person) return res.status(404).render('auth/views/link-expired.njk')
    try {
      const form = parseForm(passwordSchema, req.body)
      await auth.resetPassword(token, form.password, form.confirm)
      await regenerate(req)
      req.session.flash = 'Your password has been set. Sign in with your new password.'
      res.redirect(303, '/sign-in')
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'auth/views/password.njk', e, { personName: person.name }, ['password', 'confirm'])
    }
  })
}
