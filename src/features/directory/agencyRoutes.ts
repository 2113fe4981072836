import { z } from 'zod'
import { AGENCY_TYPES, AGENCY_TYPE_LABELS, STATUTORY_BY_DEFAULT } from '../../domain/directory'
import type { Services } from '../../services'
import { ValidationError } from '../../shared/errors'
import type { Scope } from '../../shared/scope'
import { parseForm, renderWithErrors, requiredText } from '../../web/forms'
import type { Routes } from '../../web/routes'

const agencySchema = z.strictObject({
  name: requiredText('Enter the agency’s name', 120),
  type: z.enum(AGENCY_TYPES, { error: 'Select the type of agency' }),
  isStatutory: z.enum(['yes', 'no'], { error: 'Select whether the agency is a statutory safeguarding partner' }),
  seniorApproverId: z.string().optional().transform((s) => (s ? s : null)),
})

const ORDER = ['name', 'type', 'isStatutory', 'seniorApproverId']

export const agencyTypeItems = AGENCY_TYPES.map((t) => ({ value: t, text: AGENCY_TYPE_LABELS[t] }))

export function agencyRoutes(routes: Routes, services: Services): void {
  const { directory } = services

  async function approverChoices(scope: Scope, agencyId: string) {
    const people = await directory.listPeople(scope, { agencyId, role: 'senior-approver' })
    return people.map((p) => ({ value: p.id, text: `${p.name}${p.job_title ? `, ${p.job_title}` : ''}` }))
  }

  routes.get('/agencies', async (req, res) => {
    res.render('directory/views/agencies.njk', { agencies: await directory.listAgencies(req.scope!), typeLabels: AGENCY_TYPE_LABELS })
  })

  routes.get('/agencies/new', (_req, res) => {
    res.render('directory/views/agency-form.njk', { values: {}, typeItems: agencyTypeItems, statutoryTypes: STATUTORY_BY_DEFAULT })
  })

  routes.post('/agencies/new', async (req, res) => {
    try {
      const form = parseForm(agencySchema, req.body)
      const agency = await directory.createAgency(req.scope!, { ...form, isStatutory: form.isStatutory === 'yes', seniorApproverId: null })
      req.session.flash = `${agency.name} has been added. Now add its people and choose its senior approver.`
      res.redirect(303, `/agencies/${agency.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/agency-form.njk', e, { values: req.body, typeItems: agencyTypeItems }, ORDER)
    }
  })

  routes.get('/agencies/:agencyId', async (req, res) => {
    const agency = await directory.getAgency(req.scope!, String(req.params.agencyId))
    const people = await directory.listPeople(req.scope!, { agencyId: agency.id })
    const approver = people.find((p) => p.id === agency.senior_approver_id)
    res.render('directory/views/agency.njk', { agency, people, approver, typeLabel: AGENCY_TYPE_LABELS[agency.type] })
  })

  routes.get('/agencies/:agencyId/edit', async (req, res) => {
    const agency = await directory.getAgency(req.scope!, String(req.params.agencyId))
    res.render('directory/views/agency-form.njk', {
      agency,
      values: { name: agency.name, type: agency.type, isStatutory: agency.is_statutory ? 'yes' : 'no', seniorApproverId: agency.senior_approver_id ?? '' },
      typeItems: agencyTypeItems,
      approverItems: await approverChoices(req.scope!, agency.id),
    })
  })

  routes.post('/agencies/:agencyId/edit', async (req, res) => {
    const agency = await directory.getAgency(req.scope!, String(req.params.agencyId))
    try {
      const form = parseForm(agencySchema, req.body)
      await directory.updateAgency(req.scope!, agency.id, { ...form, isStatutory: form.isStatutory === 'yes' })
      req.session.flash = `${form.name} has been updated.`
      res.redirect(303, `/agencies/${agency.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      renderWithErrors(res, 'directory/views/agency-form.njk', e, { agency, values: req.body, typeItems: agencyTypeItems, approverItems: await approverChoices(req.scope!, agency.id) }, ORDER)
    }
  })
}
