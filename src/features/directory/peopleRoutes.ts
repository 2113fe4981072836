import type { Request } from 'express'
import type { z } from 'zod'
import { ROLES, ROLE_LABELS } from '../../domain/directory'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { dateInputValues } from '../../web/dateInput'
import { bodyOf, parseForm, renderWithErrors } from '../../web/forms'
import type { RouteOptions, Routes } from '../../web/routes'
import { personRows } from './presenters'
import {
  AVAILABILITY_FIELDS,
  DISABLE_FIELDS,
  PERSON_ANCHORS,
  PERSON_FIELDS,
  accessEndsOnProblem,
  availabilitySchema,
  disableSchema,
  emptySchema,
  personSchema,
  readAccessEndsOn,
  resetSchema,
} from './schemas'

const FORM = 'directory/views/person-form.njk'
const AVAILABILITY = 'directory/views/availability.njk'
const DISABLE = 'directory/views/disable.njk'
const RESET = 'directory/views/reset.njk'

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

  // Only people who may deputise (same agency, active, not an inspector); the service checks it again.
  async function deputyItems(scope: Scope, personId: string) {
    const people = await directory.deputyChoices(scope, personId)
    return [
      { value: '', text: 'Choose a deputy' },
      ...people.map((p) => ({ value: p.id, text: `${p.name}${p.job_title ? `, ${p.job_title}` : ''}` })),
    ]
  }

  const personForm = {
    view: FORM,
    schema: personSchema,
    order: PERSON_FIELDS,
    anchors: PERSON_ANCHORS,
    check: accessEndsOnProblem,
  }
  const personInput = (form: z.output<typeof personSchema>) => ({
    name: form.name,
    email: form.email,
    jobTitle: form.jobTitle,
    phone: form.phone,
    agencyId: form.agencyId,
    roles: form.roles,
    accessEndsOn: readAccessEndsOn(form),
  })

  routes.get('/people', async (req, res, { scope }) => {
    const agencyId = typeof req.query.agency === 'string' && req.query.agency ? req.query.agency : undefined
    const role = ROLES.find((r) => r === req.query.role)
    const [people, agencies] = await Promise.all([
      directory.listPeople(scope, { agencyId, role, includeDisabled: req.query.show === 'all' }),
      directory.listAgencies(scope),
    ])
    res.render('directory/views/people.njk', {
      people,
      agencyItems: [{ value: '', text: 'All agencies' }, ...agencies.map((a) => ({ value: a.id, text: a.name }))],
      roleLabels: ROLE_LABELS,
      roleItems,
      filter: { agency: agencyId ?? '', role: role ?? '', show: req.query.show === 'all' ? 'all' : '' },
    })
  })

  routes.get('/people/new', async (req, res, { scope }) => {
    const agency = typeof req.query.agency === 'string' ? req.query.agency : ''
    res.render(FORM, { values: { agencyId: agency, roles: [] }, ...(await formContext(scope)) })
  })

  routes.form('/people/new', {
    ...personForm,
    context: async (req, { scope }) => ({ values: withRoles(req), ...(await formContext(scope)) }),
    async onValid(form, req, { scope }) {
      const person = await directory.createPerson(scope, personInput(form))
      req.session.flash = `${person.name} has been added. Give them a sign-in link so they can set a password.`
      return `/people/${person.id}`
    },
  })

  routes.get('/people/:personId', async (_req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    res.render('directory/views/person.njk', {
      person,
      rows: personRows(person, scope),
      deputyProblem: await directory.deputyProblem(scope, person),
    })
  })

  routes.get('/people/:personId/edit', async (_req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    res.render(FORM, {
      person,
      values: {
        name: person.name,
        email: person.email,
        jobTitle: person.job_title,
        phone: person.phone ?? '',
        agencyId: person.agency_id ?? '',
        roles: person.roles,
        ...dateInputValues('accessEndsOn', person.access_ends_on),
      },
      ...(await formContext(scope)),
    })
  })

  routes.form('/people/:personId/edit', {
    ...personForm,
    async context(req, { scope, params }) {
      const person = await directory.getPerson(scope, params.personId)
      return { person, values: withRoles(req), ...(await formContext(scope)) }
    },
    async onValid(form, req, { scope, params }) {
      const person = await directory.getPerson(scope, params.personId)
      await directory.updatePerson(scope, person.id, personInput(form))
      req.session.flash = 'The changes have been saved.'
      return `/people/${person.id}`
    },
  })

  routes.get('/people/:personId/availability', async (_req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    res.render(AVAILABILITY, {
      person,
      values: { unavailable: person.unavailable ? 'yes' : 'no', deputyId: person.deputy_id ?? '' },
      deputyItems: await deputyItems(scope, person.id),
    })
  })

  routes.form('/people/:personId/availability', {
    view: AVAILABILITY,
    schema: availabilitySchema,
    order: AVAILABILITY_FIELDS,
    async context(_req, { scope, params }) {
      const person = await directory.getPerson(scope, params.personId)
      return { person, deputyItems: await deputyItems(scope, person.id) }
    },
    async onValid(form, req, { scope, params }) {
      const person = await directory.getPerson(scope, params.personId)
      await directory.setAvailability(scope, person.id, form.unavailable === 'yes', form.deputyId)
      req.session.flash =
        form.unavailable === 'yes'
          ? `${person.name} is marked unavailable. Their deputy acts for them.`
          : `${person.name} is marked available.`
      return `/people/${person.id}`
    },
  })

  routes.get('/people/:personId/disable', async (_req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    res.render(DISABLE, { person })
  })

  routes.form('/people/:personId/disable', {
    view: DISABLE,
    schema: disableSchema,
    order: DISABLE_FIELDS,
    context: async (_req, { scope, params }) => ({ person: await directory.getPerson(scope, params.personId) }),
    async onValid(form, req, { scope, params }) {
      const person = await directory.getPerson(scope, params.personId)
      if (!form.confirm) throw new ValidationError({ confirm: `Confirm that you want to disable ${person.name}` })
      await directory.setDisabled(scope, person.id, true)
      req.session.flash = `${person.name} has been disabled and signed out everywhere.`
      return `/people/${person.id}`
    },
  })

  // A button, not a form to fill in: nothing to show again.
  routes.post('/people/:personId/enable', async (req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    parseForm(emptySchema, req.body)
    await directory.setDisabled(scope, person.id, false)
    req.session.flash = `${person.name} can sign in again.`
    res.redirect(303, `/people/${person.id}`)
  })

  routes.get('/people/:personId/reset', async (_req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    res.render(RESET, { person })
  })

  // Not routes.form: on success it shows the link, once, on a page that is not stored, rather than redirecting.
  routes.post('/people/:personId/reset', async (req, res, { scope, params }) => {
    const person = await directory.getPerson(scope, params.personId)
    try {
      const form = parseForm(resetSchema, req.body)
      const token = await directory.issuePasswordReset(scope, person.id, form.resetTotp === 'yes')
      res
        .set('Cache-Control', 'no-store')
        .render('directory/views/reset-link.njk', { person, link: `${options.baseUrl}/password/${token}` })
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, RESET, e, { person }, ['confirm'])
    }
  })
}

/** The body as sent, with the role checkboxes always a list (one ticked box arrives as text). */
function withRoles(req: Request): Record<string, unknown> {
  const b = bodyOf(req)
  return { ...b, roles: b.roles === undefined ? [] : Array.isArray(b.roles) ? b.roles : [b.roles] }
}
