import { z } from 'zod'
import { ROLES, ROLE_LABELS, type Role } from '../../domain/directory'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { dateInputFields, dateInputValues, readDateInput } from '../../web/dateInput'
import { checkboxes, email, optionalText, parseForm, parseFormWith, renderWithErrors, requiredText, type FieldErrors } from '../../web/forms'
import type { RouteOptions, Routes } from '../../web/routes'

const personSchema = z.strictObject({
  name: requiredText('Enter the person’s full name', 120),
  email: email(),
  jobTitle: optionalText(120),
  agencyId: z.string().optional().transform((s) => (s ? s : null)),
  roles: checkboxes(ROLES, 'Select roles from the list'),
  ...dateInputFields('accessEndsOn'),
})
const availabilitySchema = z.strictObject({
  unavailable: z.enum(['yes', 'no'], { error: 'Select whether this person is available' }),
  deputyId: z.string().optional().transform((s) => (s ? s : null)),
})
const confirmSchema = z.strictObject({ confirm: z.enum(['yes'], { error: 'Confirm that you want to do this' }).optional() })
const resetSchema = z.strictObject({ resetTotp: z.enum(['yes']).optional() })

const ORDER = ['name', 'email', 'jobTitle', 'agencyId', 'roles', 'accessEndsOn']
const ANCHORS = { accessEndsOn: 'accessEndsOn-day' }
const roleItems = ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }))

export function peopleRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { directory } = services

  async function formContext(scope: Scope) {
    const agencies = await directory.listAgencies(scope)
    return {
      agencyItems: [{ value: '', text: 'Choose an agency' }, ...agencies.map((a) => ({ value: a.id, text: a.name }))],
      roleItems,
    }
  }

  function readPerson(body: unknown) {
    const form = parseFormWith(personSchema, body, (raw): FieldErrors => {
      const date = readDateInput(raw, 'accessEndsOn', 'The date access ends')
      return 'error' in date ? { accessEndsOn: date.error } : {}
    })
    const accessEndsOn = readDateInput(form, 'accessEndsOn', 'The date access ends') as { value: string | null }
    return { name: form.name, email: form.email, jobTitle: form.jobTitle, agencyId: form.agencyId, roles: form.roles as Role[], accessEndsOn: accessEndsOn.value }
  }

  routes.get('/people', async (req, res) => {
    const scope = req.scope!
    const agencyId = typeof req.query.agency === 'string' && req.query.agency ? req.query.agency : undefined
    const role = ROLES.find((r) => r === req.query.role)
    const [people, agencies] = await Promise.all([directory.listPeople(scope, { agencyId, role, includeDisabled: req.query.show === 'all' }), directory.listAgencies(scope)])
    res.render('directory/views/people.njk', { people, agencyItems: [{ value: '', text: 'All agencies' }, ...agencies.map((a) => ({ value: a.id, text: a.name }))], roleLabels: ROLE_LABELS, roleItems, filter: { agency: agencyId ?? '', role: role ?? '', show: req.query.show === 'all' ? 'all' : '' } })
  })

  routes.get('/people/new', async (req, res) => {
    const agency = typeof req.query.agency === 'string' ? req.query.agency : ''
    res.render('directory/views/person-form.njk', { values: { agencyId: agency, roles: [] }, ...(await formContext(req.scope!)) })
  })

  routes.post('/people/new', async (req, res) => {
    try {
      const person = await directory.createPerson(req.scope!, readPerson(req.body))
      req.session.flash = `${person.name} has been added. Give them a sign-in link so they can set a password.`
      res.redirect(303, `/people/${person.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/person-form.njk', e, { values: withRoles(req.body), ...(await formContext(req.scope!)) }, ORDER, ANCHORS)
    }
  })

  routes.get('/people/:personId', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    res.render('directory/views/person.njk', { person, roleLabels: ROLE_LABELS })
  })

  routes.get('/people/:personId/edit', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    res.render('directory/views/person-form.njk', {
      person,
      values: { name: person.name, email: person.email, jobTitle: person.job_title, agencyId: person.agency_id ?? '', roles: person.roles, ...dateInputValues('accessEndsOn', person.access_ends_on) },
      ...(await formContext(req.scope!)),
    })
  })

  routes.post('/people/:personId/edit', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    try {
      await directory.updatePerson(req.scope!, person.id, readPerson(req.body))
      req.session.flash = 'The changes have been saved.'
      res.redirect(303, `/people/${person.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/person-form.njk', e, { person, values: withRoles(req.body), ...(await formContext(req.scope!)) }, ORDER, ANCHORS)
    }
  })

  async function deputyItems(scope: Scope, personId: string) {
    const people = await directory.listPeople(scope)
    return [{ value: '', text: 'Choose a deputy' }, ...people.filter((p) => p.id !== personId).map((p) => ({ value: p.id, text: `${p.name}${p.agency_name ? ` (${p.agency_name})` : ''}` }))]
  }

  routes.get('/people/:personId/availability', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    res.render('directory/views/availability.njk', { person, values: { unavailable: person.unavailable ? 'yes' : 'no', deputyId: person.deputy_id ?? '' }, deputyItems: await deputyItems(req.scope!, person.id) })
  })

  routes.post('/people/:personId/availability', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    try {
      const form = parseForm(availabilitySchema, req.body)
      await directory.setAvailability(req.scope!, person.id, form.unavailable === 'yes', form.deputyId)
      req.session.flash = form.unavailable === 'yes' ? `${person.name} is marked unavailable. Their deputy acts for them.` : `${person.name} is marked available.`
      res.redirect(303, `/people/${person.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/availability.njk', e, { person, values: req.body, deputyItems: await deputyItems(req.scope!, person.id) }, ['unavailable', 'deputyId'])
    }
  })

  routes.get('/people/:personId/disable', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    res.render('directory/views/disable.njk', { person })
  })

  routes.post('/people/:personId/disable', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    try {
      const form = parseForm(confirmSchema, req.body)
      if (!form.confirm) throw new ValidationError({ confirm: `Confirm that you want to disable ${person.name}` })
      await directory.setDisabled(req.scope!, person.id, true)
      req.session.flash = `${person.name} has been disabled and signed out everywhere.`
      res.redirect(303, `/people/${person.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/disable.njk', e, { person }, ['confirm'])
    }
  })

  routes.post('/people/:personId/enable', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    parseForm(z.strictObject({}), req.body)
    await directory.setDisabled(req.scope!, person.id, false)
    req.session.flash = `${person.name} can sign in again.`
    res.redirect(303, `/people/${person.id}`)
  })

  routes.get('/people/:personId/reset', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    res.render('directory/views/reset.njk', { person })
  })

  routes.post('/people/:personId/reset', async (req, res) => {
    const person = await directory.getPerson(req.scope!, String(req.params.personId))
    try {
      const form = parseForm(resetSchema, req.body)
      const token = await directory.issuePasswordReset(req.scope!, person.id, form.resetTotp === 'yes')
      res.set('Cache-Control', 'no-store').render('directory/views/reset-link.njk', { person, link: `${options.baseUrl}/password/${token}` })
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/reset.njk', e, { person }, ['confirm'])
    }
  })
}

function withRoles(body: unknown): Record<string, unknown> {
  const b = (body ?? {}) as Record<string, unknown>
  return { ...b, roles: b.roles === undefined ? [] : Array.isArray(b.roles) ? b.roles : [b.roles] }
}
