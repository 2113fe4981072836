import { AGENCY_TYPES, AGENCY_TYPE_LABELS, STATUTORY_BY_DEFAULT } from '../../domain/directory'
import type { Services } from '../../services'
import type { Scope } from '../../shared/scope'
import type { Routes } from '../../web/routes'
import { AGENCY_FIELDS, agencySchema } from './schemas'

const FORM = 'directory/views/agency-form.njk'

export const agencyTypeItems = AGENCY_TYPES.map((t) => ({ value: t, text: AGENCY_TYPE_LABELS[t] }))

export function agencyRoutes(routes: Routes, services: Services): void {
  const { directory } = services

  async function approverChoices(scope: Scope, agencyId: string) {
    const people = await directory.listPeople(scope, { agencyId, role: 'senior-approver' })
    return people.map((p) => ({ value: p.id, text: `${p.name}${p.job_title ? `, ${p.job_title}` : ''}` }))
  }

  routes.get('/agencies', async (_req, res, { scope }) => {
    res.render('directory/views/agencies.njk', {
      agencies: await directory.listAgencies(scope),
      typeLabels: AGENCY_TYPE_LABELS,
    })
  })

  routes.get('/agencies/new', (_req, res) => {
    res.render(FORM, { values: {}, typeItems: agencyTypeItems, statutoryTypes: STATUTORY_BY_DEFAULT })
  })

  routes.form('/agencies/new', {
    view: FORM,
    schema: agencySchema,
    order: AGENCY_FIELDS,
    context: () => ({ typeItems: agencyTypeItems }),
    async onValid(form, req, { scope }) {
      const agency = await directory.createAgency(scope, {
        ...form,
        isStatutory: form.isStatutory === 'yes',
        seniorApproverId: null,
      })
      req.session.flash = `${agency.name} has been added. Now add its people and choose its senior approver.`
      return `/agencies/${agency.id}`
    },
  })

  routes.get('/agencies/:agencyId', async (_req, res, { scope, params }) => {
    const agency = await directory.getAgency(scope, params.agencyId)
    const people = await directory.listPeople(scope, { agencyId: agency.id })
    const approver = people.find((p) => p.id === agency.senior_approver_id)
    res.render('directory/views/agency.njk', { agency, people, approver, typeLabel: AGENCY_TYPE_LABELS[agency.type] })
  })

  routes.get('/agencies/:agencyId/edit', async (_req, res, { scope, params }) => {
    const agency = await directory.getAgency(scope, params.agencyId)
    res.render(FORM, {
      agency,
      values: {
        name: agency.name,
        type: agency.type,
        isStatutory: agency.is_statutory ? 'yes' : 'no',
        seniorApproverId: agency.senior_approver_id ?? '',
      },
      typeItems: agencyTypeItems,
      approverItems: await approverChoices(scope, agency.id),
    })
  })

  routes.form('/agencies/:agencyId/edit', {
    view: FORM,
    schema: agencySchema,
    order: AGENCY_FIELDS,
    async context(_req, { scope, params }) {
      const agency = await directory.getAgency(scope, params.agencyId)
      return { agency, typeItems: agencyTypeItems, approverItems: await approverChoices(scope, agency.id) }
    },
    async onValid(form, req, { scope, params }) {
      const agency = await directory.getAgency(scope, params.agencyId)
      await directory.updateAgency(scope, agency.id, { ...form, isStatutory: form.isStatutory === 'yes' })
      req.session.flash = `${form.name} has been updated.`
      return `/agencies/${agency.id}`
    },
  })
}
