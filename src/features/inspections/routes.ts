import type { Response } from 'express'
import { formatIsoDate, londonDateOf, londonNow } from '../../domain/calendar'
import { ROLES, ROLE_LABELS } from '../../domain/directory'
import { buildIcsCalendar } from '../../domain/ics'
import { describeAnchor, milestonesToIcsEvents, type ComputedMilestone } from '../../domain/timeline'
import type { Services } from '../../services'
import { ConflictError, NotFoundError, statusOf, ValidationError } from '../../shared/errors'
import { isDoneFor, type InspectionTimeline, type SkippedPlanTask } from './service'
import type { Scope } from '../../shared/scope'
import { dateInputValues } from '../../web/dateInput'
import { safeXlsxValue, sendXlsx, setDownloadHeaders } from '../../web/exports'
import { setXlsxDateCell } from '../../web/exports/xlsx'
import { bodyOf, errorList, parseForm, type FieldErrors } from '../../web/forms'
import type { RouteOptions, Routes } from '../../web/routes'
import {
  byWeek,
  dayOfInspection,
  describeInspection,
  isMine,
  myTasks,
  nextDeadline,
  presentMilestone,
} from './presenters'
import {
  ASSIGN_FIELDS,
  assignSchema,
  doneSchema,
  NEW_INSPECTION_FIELDS,
  newInspectionSchema,
  OVERRIDE_FIELDS,
  overrideSchema,
  readNotifiedOn,
  readOverrideDate,
  TASK_FIELDS,
  taskSchema,
} from './schemas'

/** Why local plan tasks were not copied into a new inspection, naming each one. */
export function describeSkipped(skipped: readonly SkippedPlanTask[]): string {
  const why = (t: SkippedPlanTask) =>
    t.reason === 'same-id'
      ? `“${t.title}” (this framework already has a milestone called “${t.taskId}”)`
      : t.reason === 'loop'
        ? `“${t.title}” (it is counted from another local plan task that is counted from it)`
        : `“${t.title}” (it is counted from “${t.anchor}”, which is neither a milestone of this framework nor a task in your local plan)`
  return `${skipped.length === 1 ? 'This task' : `These ${skipped.length} tasks`} in your local plan could not be added: ${skipped.map(why).join('; ')}.`
}

/** The warning for a milestone moved to a weekend, bank holiday or closure day (accepted all the same). */
export function notWorkingWarning(date: string): string {
  return `${formatIsoDate(date)} is not a working day; milestones counted from it start from the next working day.`
}

const roleItems = ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] }))

const LIST = 'inspections/views/list.njk'
const NEW = 'inspections/views/new.njk'
const MILESTONE = 'inspections/views/milestone.njk'
const TASK_FORM = 'inspections/views/task-form.njk'

/** What every page of one inspection shows: the inspection, its title and, for a practice one, the layout's banner. */
const pageOf = (t: InspectionTimeline) => ({
  inspection: t.inspection,
  title: describeInspection(t),
  practice: t.inspection.practice,
})

export function inspectionRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { inspections, frameworks } = services
  const now = () => londonNow(options.clock.now())
  const load = (scope: Scope, inspectionId: string): Promise<InspectionTimeline> =>
    inspections.timeline(scope, inspectionId)

  async function frameworkItems(scope: Scope) {
    return (await frameworks.list(scope)).map((f) => ({
      value: f.framework.id,
      text: `${f.framework.title} (version ${f.framework.version})`,
    }))
  }

  routes.get('/inspections', async (_req, res, { scope }) => {
    const list = await inspections.list(scope)
    res.render(LIST, {
      inspections: list.map((i) => ({
        id: i.id,
        title: (i.framework as { title?: string }).title ?? i.framework_id,
        notified: formatIsoDate(i.notified_on),
        practice: i.practice,
        closed: i.status === 'closed',
        by: i.created_by_name,
      })),
    })
  })

  routes.get('/inspections/new', async (_req, res, { scope }) => {
    res.render(NEW, { values: { practice: '' }, frameworkItems: await frameworkItems(scope) })
  })

  routes.form('/inspections/new', {
    view: NEW,
    schema: newInspectionSchema,
    order: NEW_INSPECTION_FIELDS,
    anchors: { notifiedOn: 'notifiedOn-day' },
    // Every problem at once: the schema's and the date input's.
    check: (raw): FieldErrors => {
      const date = readNotifiedOn(raw)
      return 'error' in date ? { notifiedOn: date.error } : {}
    },
    context: async (_req, { scope }) => ({ frameworkItems: await frameworkItems(scope) }),
    async onValid(form, req, { scope }) {
      const date = readNotifiedOn(form)
      if ('error' in date) throw new ValidationError({ notifiedOn: date.error })
      const { inspection, skippedPlanTasks } = await inspections.create(scope, {
        frameworkId: form.frameworkId,
        notifiedOn: date.value,
        notifiedTime: form.notifiedTime,
        practice: form.practice === 'yes',
      })
      req.session.flash = `The ${inspection.practice ? 'practice ' : ''}inspection timeline has been worked out from ${formatIsoDate(inspection.notified_on)}.${skippedPlanTasks.length ? ` ${describeSkipped(skippedPlanTasks)}` : ''}`
      return `/inspections/${inspection.id}`
    },
  })

  routes.get('/inspections/:inspectionId', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    const n = now()
    res.render('inspections/views/timeline.njk', {
      ...pageOf(t),
      framework: t.framework,
      weeks: byWeek(t, n, scope),
      countdown: nextDeadline(t, n),
      dayOf: dayOfInspection(t, n),
      today: formatIsoDate(n.date),
      closed:
        t.inspection.status === 'closed'
          ? {
              by: t.inspection.closed_by_name ?? 'someone no longer listed',
              on: t.inspection.closed_at ? formatIsoDate(londonDateOf(t.inspection.closed_at)) : '',
            }
          : null,
    })
  })

  routes.get('/inspections/:inspectionId/print', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    res.render('inspections/views/print.njk', {
      ...pageOf(t),
      weeks: byWeek(t, now()),
      printedAt: `${formatIsoDate(now().date)} at ${now().time}`,
    })
  })

  const sendIcs = (
    res: Response,
    filename: string,
    t: InspectionTimeline,
    milestones: readonly ComputedMilestone[],
    name: string,
  ) => {
    const events = milestonesToIcsEvents(milestones, t.inspection.id).map((e) =>
      t.inspection.practice ? { ...e, title: `PRACTICE: ${e.title}` } : e,
    )
    const body = buildIcsCalendar(events, { now: options.clock.now(), calendarName: name })
    setDownloadHeaders(res, { filename, mime: 'text/calendar; charset=utf-8', size: Buffer.byteLength(body) })
    res.end(body)
  }

  routes.get('/inspections/:inspectionId/calendar.ics', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    sendIcs(
      res,
      `inspection-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.ics`,
      t,
      t.milestones,
      describeInspection(t),
    )
  })

  routes.get('/inspections/:inspectionId/my-tasks.ics', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    sendIcs(
      res,
      `my-tasks-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.ics`,
      t,
      t.milestones.filter((m) => isMine(scope, m)),
      `My tasks: ${describeInspection(t)}`,
    )
  })

  routes.get('/inspections/:inspectionId/timeline.xlsx', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    const n = now()
    await sendXlsx(
      res,
      `inspection-timeline-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.xlsx`,
      (workbook) => {
        const practice = t.inspection.practice
        const sheet = workbook.addWorksheet(practice ? 'PRACTICE timeline' : 'Timeline')
        const columns = [
          { header: 'Date', key: 'date', width: 18 },
          { header: 'Day', key: 'day', width: 8 },
          { header: 'Time', key: 'time', width: 8 },
          { header: 'Milestone', key: 'title', width: 40 },
          { header: 'Owner', key: 'owner', width: 28 },
          { header: 'What happens', key: 'description', width: 60 },
          { header: 'Local task', key: 'local', width: 10 },
          { header: 'Date status', key: 'status', width: 12 },
          { header: 'Changed by', key: 'by', width: 20 },
          { header: 'Reason for change', key: 'reason', width: 40 },
          { header: 'Done', key: 'done', width: 40 },
          { header: 'Given to', key: 'assignee', width: 30 },
        ]
        sheet.columns = columns.map(({ key, width }) => ({ key, width }))
        if (practice) {
          // A practice timeline must never pass for a real one once it leaves the app.
          const note = sheet.addRow([
            `PRACTICE inspection (a rehearsal, not a real inspection): ${describeInspection(t)}`,
          ])
          note.font = { bold: true }
          note.commit()
        }
        const header = sheet.addRow(columns.map((c) => c.header))
        header.font = { bold: true }
        header.commit()
        for (const m of t.milestones.map((x) => presentMilestone(x, n))) {
          const row = sheet.addRow({
            date: null,
            day: safeXlsxValue(m.dayText.replace('Day ', '') ? Number(m.dayText.replace('Day ', '')) : null),
            time: safeXlsxValue(m.time),
            title: safeXlsxValue(m.title),
            owner: safeXlsxValue(m.owner),
            description: safeXlsxValue(m.description),
            local: safeXlsxValue(m.local ? 'Yes' : 'No'),
            status: safeXlsxValue(m.overridden ? 'Changed' : 'Computed'),
            by: safeXlsxValue(m.overriddenBy),
            reason: safeXlsxValue(m.reason),
            done: safeXlsxValue(m.doneText ?? m.agenciesDoneText ?? 'No'),
            assignee: safeXlsxValue(m.assigneeText?.replace(/^Given to /, '') ?? ''),
          })
          // A real date cell showing "2 March 2026", not text.
          setXlsxDateCell(row.getCell('date'), m.date)
          row.commit()
        }
        sheet.commit()
      },
    )
  })

  routes.get('/inspections/:inspectionId/my-tasks', async (_req, res, { scope, params }) => {
    const t = await load(scope, params.inspectionId)
    const n = now()
    res.render('inspections/views/my-tasks.njk', {
      ...pageOf(t),
      tasks: myTasks(t, scope, n),
      roles: scope.roles.map((r) => ROLE_LABELS[r]),
      countdown: nextDeadline(t, n, (m) => isMine(scope, m) && !isDoneFor(scope, m)),
      dayOf: dayOfInspection(t, n),
    })
  })

  /** The milestone page: what it shows, and the form's values before anything is sent. */
  async function milestonePage(scope: Scope, inspectionId: string, milestoneId: string) {
    const t = await load(scope, inspectionId)
    const m = t.milestones.find((x) => x.id === milestoneId)
    if (!m) throw new NotFoundError('Milestone')
    const people = await inspections.assigneeChoices(scope, inspectionId, milestoneId)
    return {
      page: {
        ...pageOf(t),
        milestone: presentMilestone(m, now(), scope),
        dependants: t.milestones.filter((x) => x.basedOn === m.id).map((x) => x.title),
        notWorking: t.calendar.isWorkingDay(m.date) ? null : notWorkingWarning(m.date),
        personItems: [
          { value: '', text: `Nobody by name: anyone with the ${ROLE_LABELS[m.ownerRole]} role` },
          ...people.map((p) => ({
            value: p.id,
            text: `${p.name}${p.agency_name ? `, ${p.agency_name}` : ''}${p.unavailable ? ' (unavailable)' : ''}`,
          })),
        ],
        assignedPersonId: m.assignee?.personId ?? '',
      },
      values: { ...dateInputValues('date', m.date), time: m.override ? (m.time ?? '') : '', reason: '' },
    }
  }

  routes.get('/inspections/:inspectionId/milestones/:milestoneId', async (_req, res, { scope, params }) => {
    const { page, values } = await milestonePage(scope, params.inspectionId, params.milestoneId)
    res.render(MILESTONE, { ...page, values })
  })

  routes.form('/inspections/:inspectionId/milestones/:milestoneId', {
    view: MILESTONE,
    schema: overrideSchema,
    order: OVERRIDE_FIELDS,
    // The summary's link goes to the day field, the date input's first box.
    anchors: { date: 'date-day' },
    context: async (_req, { scope, params }) =>
      (await milestonePage(scope, params.inspectionId, params.milestoneId)).page,
    async onValid(form, req, { scope, params }) {
      // The date is read once the rest of the form is right.
      const date = readOverrideDate(form)
      if ('error' in date) throw new ValidationError({ date: date.error })
      const updated = await inspections.overrideMilestone(scope, params.inspectionId, params.milestoneId, {
        date: date.value,
        time: form.time,
        reason: form.reason,
      })
      const cal = await services.calendar.calendarFor(scope.partnershipId)
      req.session.flash = `${updated.title} is now ${formatIsoDate(updated.date)}${updated.time ? ` at ${updated.time}` : ''}. Milestones counted from it have moved too.${cal.isWorkingDay(updated.date) ? '' : ` ${notWorkingWarning(updated.date)}`}`
      return `/inspections/${params.inspectionId}`
    },
  })

  routes.form('/inspections/:inspectionId/milestones/:milestoneId/assign', {
    view: MILESTONE,
    schema: assignSchema,
    order: ASSIGN_FIELDS,
    context: async (req, { scope, params }) => {
      const { page, values } = await milestonePage(scope, params.inspectionId, params.milestoneId)
      // The date form keeps its values; the person form shows what was sent.
      return { ...page, values: { ...values, ...bodyOf(req) } }
    },
    async onValid(form, req, { scope, params }) {
      const updated = await inspections.assign(scope, params.inspectionId, params.milestoneId, form.personId)
      req.session.flash = updated.assignee
        ? `${updated.title} is given to ${updated.assignee.name}.`
        : `${updated.title} is given to nobody by name: anyone with the ${ROLE_LABELS[updated.ownerRole]} role does it.`
      return `/inspections/${params.inspectionId}/milestones/${params.milestoneId}`
    },
  })

  routes.post('/inspections/:inspectionId/milestones/:milestoneId/reset', async (req, res, { scope, params }) => {
    await inspections.resetMilestone(scope, params.inspectionId, params.milestoneId)
    req.session.flash = 'The milestone is back to its computed date.'
    res.redirect(303, `/inspections/${params.inspectionId}`)
  })

  for (const [path, closing] of [
    ['close', true],
    ['reopen', false],
  ] as const) {
    routes.post(`/inspections/:inspectionId/${path}`, async (req, res, { scope, params }) => {
      await inspections.setClosed(scope, params.inspectionId, closing)
      req.session.flash = closing
        ? 'The inspection is closed. Its timeline stays here to read; the home page no longer shows it.'
        : 'The inspection is open again and shows on the home page.'
      res.redirect(303, `/inspections/${params.inspectionId}`)
    })
  }

  // A button with hidden fields, not a form to fill in: a problem shows the error page.
  routes.post('/inspections/:inspectionId/milestones/:milestoneId/done', async (req, res, { scope, params }) => {
    const { inspectionId: id, milestoneId } = params
    // Another partnership's ids are not found before the form is read.
    await inspections.get(scope, id)
    const form = parseForm(doneSchema, req.body)
    const { title } = await inspections.setDone(scope, id, milestoneId, form.done === 'yes')
    req.session.flash = form.done === 'yes' ? `${title} is marked as done.` : `${title} is marked as not done.`
    const back = {
      'my-tasks': `/inspections/${id}/my-tasks`,
      timeline: `/inspections/${id}`,
      milestone: `/inspections/${id}/milestones/${milestoneId}`,
    }
    res.redirect(303, back[form.returnTo ?? 'timeline'])
  })

  // A button, not a form: a task still counted from shows the milestone page again with 409.
  routes.post('/inspections/:inspectionId/tasks/:taskId/remove', async (req, res, { scope, params }) => {
    try {
      await inspections.removeLocalTask(scope, params.inspectionId, params.taskId)
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e
      const { page, values } = await milestonePage(scope, params.inspectionId, params.taskId)
      const errors = { remove: e.message }
      return res.status(statusOf(e)).render(MILESTONE, {
        ...page,
        values,
        errors,
        errorList: errorList(errors, ['remove'], { remove: 'remove-task' }),
      })
    }
    req.session.flash = 'The local task has been removed from this inspection. Your local plan is unchanged.'
    res.redirect(303, `/inspections/${params.inspectionId}`)
  })

  /** The local task form: everything but the values. */
  async function taskPage(scope: Scope, inspectionId: string) {
    const t = await load(scope, inspectionId)
    return {
      ...pageOf(t),
      anchorItems: [
        { value: '', text: 'Choose a milestone' },
        ...t.milestones.map((m) => ({ value: m.id, text: `${m.title} (${formatIsoDate(m.date)})` })),
      ],
      roleItems: [{ value: '', text: 'Choose a role' }, ...roleItems],
    }
  }

  routes.get('/inspections/:inspectionId/tasks/new', async (_req, res, { scope, params }) => {
    res.render(TASK_FORM, { ...(await taskPage(scope, params.inspectionId)), values: { offsetWorkingDays: '0' } })
  })

  routes.form('/inspections/:inspectionId/tasks/new', {
    view: TASK_FORM,
    schema: taskSchema,
    order: TASK_FIELDS,
    context: (_req, { scope, params }) => taskPage(scope, params.inspectionId),
    async onValid(form, req, { scope, params }) {
      await inspections.addLocalTask(scope, params.inspectionId, { ...form, keepInPlan: form.keepInPlan === 'yes' })
      req.session.flash = `${form.title} has been added to the timeline${form.keepInPlan ? ' and kept in your local plan for future inspections' : ''}.`
      return `/inspections/${params.inspectionId}`
    },
  })

  routes.get('/local-plan', async (_req, res, { scope }) => {
    const plan = await inspections.localPlan(scope)
    // Milestone titles from the partnership's frameworks' timelines; a task counted from another plan task names that task.
    const titles = new Map<string, string>()
    for (const { framework } of await frameworks.list(scope))
      for (const m of framework.timeline.milestones) if (!titles.has(m.id)) titles.set(m.id, m.title)
    for (const p of plan) titles.set(p.task_id, p.title)
    const titleOf = (id: string) => titles.get(id)
    res.render('inspections/views/local-plan.njk', {
      tasks: plan.map((p) => ({
        id: p.id,
        title: p.title,
        owner: ROLE_LABELS[p.owner_role],
        when: `${describeAnchor({ kind: 'after', milestone: p.anchor_milestone, workingDays: p.offset_working_days }, titleOf)}${p.time ? `, ${p.time}` : ''}`,
      })),
    })
  })

  routes.post('/local-plan/:planTaskId/remove', async (req, res, { scope, params }) => {
    await inspections.removePlanTask(scope, params.planTaskId)
    req.session.flash = 'The task has been removed from your local plan. Inspections already started keep it.'
    res.redirect(303, '/local-plan')
  })
}
