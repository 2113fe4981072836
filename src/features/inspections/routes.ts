import type { Request, Response } from 'express'
import { z } from 'zod'
import { formatIsoDate, londonDateOf } from '../../domain/calendar'
import { ROLES, ROLE_LABELS } from '../../domain/directory'
import { buildIcsCalendar } from '../../domain/ics'
import { describeAnchor, milestonesToIcsEvents, type ComputedMilestone } from '../../domain/timeline'
import type { Services } from '../../services'
import { ConflictError, statusOf, ValidationError } from '../../shared/errors'
import { londonNow, type InspectionTimeline, type SkippedPlanTask } from './service'
import { hasRole, type Scope } from '../../shared/scope'
import { dateInputFields, dateInputValues, readDateInput } from '../../web/dateInput'
import { safeXlsxValue, sendXlsx, setDownloadHeaders } from '../../web/exports'
import { bodyOf, errorList, optionalText, parseForm, requiredText } from '../../web/forms'
import type { RouteOptions, Routes } from '../../web/routes'
import { byWeek, dayOfInspection, describeInspection, myTasks, nextDeadline, presentMilestone } from './presenters'

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const timeField = (message: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim().replace('.', ':'))
    .transform((s) => (/^\d:\d\d$/.test(s) ? `0${s}` : s))
    .refine((s) => s === '' || TIME.test(s), message)
    .transform((s) => (s === '' ? null : s))

const newInspectionSchema = z.strictObject({
  frameworkId: z.string({ error: 'Select the framework' }).min(1, 'Select the framework'),
  ...dateInputFields('notifiedOn'),
  notifiedTime: timeField('Enter the time of notification in the 24-hour clock, like 09:30'),
  practice: z.enum(['yes', 'no'], { error: 'Select whether this is a practice inspection' }),
})

const overrideSchema = z.strictObject({
  ...dateInputFields('date'),
  time: timeField('Enter the time in the 24-hour clock, like 17:00, or leave it empty'),
  reason: requiredText('Enter the reason for the change, like “Lead inspector moved the audit day”', 500),
})

const taskSchema = z.strictObject({
  title: requiredText('Enter the task', 120),
  description: optionalText(1000),
  ownerRole: z.enum(ROLES, { error: 'Select who does the task' }),
  anchorMilestone: z.string({ error: 'Select the milestone this task is counted from' }).min(1, 'Select the milestone this task is counted from'),
  offsetWorkingDays: z
    .string({ error: 'Enter the number of working days' })
    .trim()
    .regex(/^-?\d{1,3}$/, 'Enter the number of working days as a whole number, like 2, 0 or -1')
    .transform(Number),
  time: timeField('Enter the time in the 24-hour clock, like 10:00, or leave it empty'),
  keepInPlan: z.literal('yes').optional(),
})

const doneSchema = z.strictObject({
  done: z.enum(['yes', 'no'], { error: 'Choose whether the task is done' }),
  returnTo: z.enum(['my-tasks', 'timeline', 'milestone']).optional(),
})

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
const canManage = (scope: Scope) => hasRole(scope, 'administrator', 'inspection-coordinator')

export function inspectionRoutes(routes: Routes, services: Services, options: RouteOptions): void {
  const { inspections, frameworks } = services
  const now = () => londonNow(options.clock)

  async function load(req: Request, res: Response): Promise<InspectionTimeline> {
    const t = await inspections.timeline(req.scope!, String(req.params.inspectionId))
    // The layout shows a practice banner on every page of a practice inspection.
    res.locals.practice = t.inspection.practice
    return t
  }

  async function frameworkItems(scope: Scope) {
    return (await frameworks.list(scope)).map((f) => ({ value: f.framework.id, text: `${f.framework.title} (version ${f.framework.version})` }))
  }

  routes.get('/inspections', async (req, res) => {
    const list = await inspections.list(req.scope!)
    res.render('inspections/views/list.njk', {
      inspections: list.map((i) => ({ id: i.id, title: (i.framework as { title?: string }).title ?? i.framework_id, notified: formatIsoDate(i.notified_on), practice: i.practice, closed: i.status === 'closed', by: i.created_by_name })),
      canManage: canManage(req.scope!),
    })
  })

  routes.get('/inspections/new', async (req, res) => {
    res.render('inspections/views/new.njk', { values: { practice: '' }, frameworkItems: await frameworkItems(req.scope!) })
  })

  routes.post('/inspections/new', async (req, res) => {
    try {
      // Every problem at once: the schema's and the date input's.
      const problems: Record<string, string> = {}
      let form: z.output<typeof newInspectionSchema> | undefined
      try {
        form = parseForm(newInspectionSchema, req.body)
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e
        Object.assign(problems, e.errors)
      }
      const date = readDateInput(bodyOf(req), 'notifiedOn', 'The notification date')
      if ('error' in date) problems.notifiedOn = date.error
      else if (!date.value) problems.notifiedOn = 'Enter the date the inspection was notified'
      if (!form || Object.keys(problems).length || !('value' in date) || !date.value) throw new ValidationError(problems)
      const { inspection, skippedPlanTasks } = await inspections.create(req.scope!, { frameworkId: form.frameworkId, notifiedOn: date.value, notifiedTime: form.notifiedTime, practice: form.practice === 'yes' })
      req.session.flash = `The ${inspection.practice ? 'practice ' : ''}inspection timeline has been worked out from ${formatIsoDate(inspection.notified_on)}.${skippedPlanTasks.length ? ` ${describeSkipped(skippedPlanTasks)}` : ''}`
      res.redirect(303, `/inspections/${inspection.id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      res.status(400).render('inspections/views/new.njk', { values: req.body, frameworkItems: await frameworkItems(req.scope!), errors: e.errors, errorList: errorList(e.errors, ['frameworkId', 'notifiedOn', 'notifiedTime', 'practice']) })
    }
  })

  routes.get('/inspections/:inspectionId', async (req, res) => {
    const t = await load(req, res)
    const n = now()
    res.render('inspections/views/timeline.njk', {
      inspection: t.inspection,
      title: describeInspection(t),
      framework: t.framework,
      weeks: byWeek(t, n),
      countdown: nextDeadline(t, n),
      dayOf: dayOfInspection(t, n),
      today: formatIsoDate(n.date),
      canManage: canManage(req.scope!),
      closed: t.inspection.status === 'closed' ? { by: t.inspection.closed_by_name ?? 'someone no longer listed', on: t.inspection.closed_at ? formatIsoDate(londonDateOf(t.inspection.closed_at)) : '' } : null,
    })
  })

  routes.get('/inspections/:inspectionId/print', async (req, res) => {
    const t = await load(req, res)
    res.render('inspections/views/print.njk', { inspection: t.inspection, title: describeInspection(t), weeks: byWeek(t, now()), printedAt: `${formatIsoDate(now().date)} at ${now().time}` })
  })

  const sendIcs = (res: Response, filename: string, t: InspectionTimeline, milestones: readonly ComputedMilestone[], name: string) => {
    const events = milestonesToIcsEvents(milestones, t.inspection.id).map((e) => (t.inspection.practice ? { ...e, title: `PRACTICE: ${e.title}` } : e))
    const body = buildIcsCalendar(events, { now: options.clock.now(), calendarName: name })
    setDownloadHeaders(res, { filename, mime: 'text/calendar; charset=utf-8', size: Buffer.byteLength(body) })
    res.end(body)
  }

  routes.get('/inspections/:inspectionId/calendar.ics', async (req, res) => {
    const t = await load(req, res)
    sendIcs(res, `inspection-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.ics`, t, t.milestones, describeInspection(t))
  })

  routes.get('/inspections/:inspectionId/my-tasks.ics', async (req, res) => {
    const t = await load(req, res)
    const roles = req.scope!.roles
    sendIcs(res, `my-tasks-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.ics`, t, t.milestones.filter((m) => roles.includes(m.ownerRole)), `My tasks: ${describeInspection(t)}`)
  })

  routes.get('/inspections/:inspectionId/timeline.xlsx', async (req, res) => {
    const t = await load(req, res)
    const n = now()
    await sendXlsx(res, `inspection-timeline-${t.inspection.notified_on}${t.inspection.practice ? '-practice' : ''}.xlsx`, (workbook) => {
      const practice = t.inspection.practice
      const sheet = workbook.addWorksheet(practice ? 'PRACTICE timeline' : 'Timeline')
      const columns = [
        { header: 'Date', key: 'date', width: 12 },
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
      ]
      sheet.columns = columns.map(({ key, width }) => ({ key, width }))
      if (practice) {
        // A practice timeline must never pass for a real one once it leaves the app.
        const note = sheet.addRow([`PRACTICE inspection (a rehearsal, not a real inspection): ${describeInspection(t)}`])
        note.font = { bold: true }
        note.commit()
      }
      const header = sheet.addRow(columns.map((c) => c.header))
      header.font = { bold: true }
      header.commit()
      for (const m of t.milestones.map((x) => presentMilestone(x, n))) {
        sheet
          .addRow({
            date: safeXlsxValue(m.date),
            day: safeXlsxValue(m.dayText.replace('Day ', '') ? Number(m.dayText.replace('Day ', '')) : null),
            time: safeXlsxValue(m.time),
            title: safeXlsxValue(m.title),
            owner: safeXlsxValue(m.owner),
            description: safeXlsxValue(m.description),
            local: safeXlsxValue(m.local ? 'Yes' : 'No'),
            status: safeXlsxValue(m.overridden ? 'Changed' : 'Computed'),
            by: safeXlsxValue(m.overriddenBy),
            reason: safeXlsxValue(m.reason),
            done: safeXlsxValue(m.doneText ?? 'No'),
          })
          .commit()
      }
      sheet.commit()
    })
  })

  routes.get('/inspections/:inspectionId/my-tasks', async (req, res) => {
    const t = await load(req, res)
    const n = now()
    const tasks = myTasks(t, req.scope!.roles, n)
    res.render('inspections/views/my-tasks.njk', {
      inspection: t.inspection,
      title: describeInspection(t),
      tasks,
      roles: req.scope!.roles.map((r) => ROLE_LABELS[r]),
      countdown: nextDeadline(t, n, (m) => req.scope!.roles.includes(m.ownerRole)),
      dayOf: dayOfInspection(t, n),
    })
  })

  async function milestonePage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const t = await load(req, res)
    const m = t.milestones.find((x) => x.id === String(req.params.milestoneId ?? req.params.taskId))
    if (!m) return res.status(404).render('errors/not-found.njk')
    const dependants = t.milestones.filter((x) => x.basedOn === m.id).map((x) => x.title)
    res.status(status).render('inspections/views/milestone.njk', {
      inspection: t.inspection,
      title: describeInspection(t),
      milestone: presentMilestone(m, now()),
      dependants,
      notWorking: t.calendar.isWorkingDay(m.date) ? null : notWorkingWarning(m.date),
      values: { ...dateInputValues('date', m.date), time: m.override ? (m.time ?? '') : '', reason: '' },
      ...extra,
    })
  }

  routes.get('/inspections/:inspectionId/milestones/:milestoneId', (req, res) => milestonePage(req, res))

  routes.post('/inspections/:inspectionId/milestones/:milestoneId', async (req, res) => {
    const id = String(req.params.inspectionId)
    try {
      const form = parseForm(overrideSchema, req.body)
      const date = readDateInput(form, 'date', 'The new date')
      if ('error' in date) throw new ValidationError({ date: date.error })
      if (!date.value) throw new ValidationError({ date: 'Enter the new date' })
      const updated = await inspections.overrideMilestone(req.scope!, id, String(req.params.milestoneId), { date: date.value, time: form.time, reason: form.reason })
      const cal = await services.calendar.calendarFor(req.scope!.partnershipId)
      req.session.flash = `${updated.title} is now ${formatIsoDate(updated.date)}${updated.time ? ` at ${updated.time}` : ''}. Milestones counted from it have moved too.${cal.isWorkingDay(updated.date) ? '' : ` ${notWorkingWarning(updated.date)}`}`
      res.redirect(303, `/inspections/${id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      await milestonePage(req, res, { values: req.body, errors: e.errors, errorList: errorList(e.errors, ['date', 'time', 'reason']) }, 400)
    }
  })

  routes.post('/inspections/:inspectionId/milestones/:milestoneId/reset', async (req, res) => {
    const id = String(req.params.inspectionId)
    await inspections.resetMilestone(req.scope!, id, String(req.params.milestoneId))
    req.session.flash = 'The milestone is back to its computed date.'
    res.redirect(303, `/inspections/${id}`)
  })

  for (const [path, closing] of [['close', true], ['reopen', false]] as const) {
    routes.post(`/inspections/:inspectionId/${path}`, async (req, res) => {
      const id = String(req.params.inspectionId)
      await inspections.setClosed(req.scope!, id, closing)
      req.session.flash = closing ? 'The inspection is closed. Its timeline stays here to read; the home page no longer shows it.' : 'The inspection is open again and shows on the home page.'
      res.redirect(303, `/inspections/${id}`)
    })
  }

  routes.post('/inspections/:inspectionId/milestones/:milestoneId/done', async (req, res) => {
    const id = String(req.params.inspectionId)
    const milestoneId = String(req.params.milestoneId)
    // Another partnership's ids are not found before the form is read.
    await inspections.get(req.scope!, id)
    const form = parseForm(doneSchema, req.body)
    const { title } = await inspections.setDone(req.scope!, id, milestoneId, form.done === 'yes')
    req.session.flash = form.done === 'yes' ? `${title} is marked as done.` : `${title} is marked as not done.`
    const back = { 'my-tasks': `/inspections/${id}/my-tasks`, timeline: `/inspections/${id}`, milestone: `/inspections/${id}/milestones/${milestoneId}` }
    res.redirect(303, back[form.returnTo ?? 'timeline'])
  })

  routes.post('/inspections/:inspectionId/tasks/:taskId/remove', async (req, res) => {
    const id = String(req.params.inspectionId)
    try {
      await inspections.removeLocalTask(req.scope!, id, String(req.params.taskId))
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e
      const errors = { remove: e.message }
      return milestonePage(req, res, { errors, errorList: errorList(errors, ['remove'], { remove: 'remove-task' }) }, statusOf(e))
    }
    req.session.flash = 'The local task has been removed from this inspection. Your local plan is unchanged.'
    res.redirect(303, `/inspections/${id}`)
  })

  async function taskPage(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const t = await load(req, res)
    res.status(status).render('inspections/views/task-form.njk', {
      inspection: t.inspection,
      title: describeInspection(t),
      anchorItems: [{ value: '', text: 'Choose a milestone' }, ...t.milestones.map((m) => ({ value: m.id, text: `${m.title} (${formatIsoDate(m.date, true)})` }))],
      roleItems: [{ value: '', text: 'Choose a role' }, ...roleItems],
      values: { offsetWorkingDays: '0' },
      ...extra,
    })
  }

  routes.get('/inspections/:inspectionId/tasks/new', (req, res) => taskPage(req, res))

  routes.post('/inspections/:inspectionId/tasks/new', async (req, res) => {
    const id = String(req.params.inspectionId)
    try {
      const form = parseForm(taskSchema, req.body)
      await inspections.addLocalTask(req.scope!, id, { ...form, keepInPlan: form.keepInPlan === 'yes' })
      req.session.flash = `${form.title} has been added to the timeline${form.keepInPlan ? ' and kept in your local plan for future inspections' : ''}.`
      res.redirect(303, `/inspections/${id}`)
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e
      await taskPage(req, res, { values: req.body, errors: e.errors, errorList: errorList(e.errors, ['title', 'description', 'ownerRole', 'anchorMilestone', 'offsetWorkingDays', 'time']) }, 400)
    }
  })

  routes.get('/local-plan', async (req, res) => {
    const plan = await inspections.localPlan(req.scope!)
    // Milestone titles from the partnership's frameworks' timelines; a task counted from another plan task names that task.
    const titles = new Map<string, string>()
    for (const { framework } of await frameworks.list(req.scope!)) for (const m of framework.timeline.milestones) if (!titles.has(m.id)) titles.set(m.id, m.title)
    for (const p of plan) titles.set(p.task_id, p.title)
    const titleOf = (id: string) => titles.get(id)
    res.render('inspections/views/local-plan.njk', {
      tasks: plan.map((p) => ({ id: p.id, title: p.title, owner: ROLE_LABELS[p.owner_role], when: `${describeAnchor({ kind: 'after', milestone: p.anchor_milestone, workingDays: p.offset_working_days }, titleOf)}${p.time ? `, ${p.time}` : ''}` })),
      canManage: canManage(req.scope!),
    })
  })

  routes.post('/local-plan/:planTaskId/remove', async (req, res) => {
    await inspections.removePlanTask(req.scope!, String(req.params.planTaskId))
    req.session.flash = 'The task has been removed from your local plan. Inspections already started keep it.'
    res.redirect(303, '/local-plan')
  })
}
