import type { Response } from 'express'
import type { Scope } from '../../../shared/scope'
import type { Services } from '../../../services'
import { londonDateOf } from '../../../domain/calendar'
import { countdown, KNOWN_LABELS } from '../../../domain/caseTracking/matrix'
import { NotFoundError, ValidationError } from '../../../shared/errors'
import type { Routes } from '../../../web/routes'
import { dateInputValues, readDateInput } from '../../../web/dateInput'
import { bodyOf, parseForm, parseFormWith, renderWithErrors, type FieldErrors } from '../../../web/forms'
import { sendMatrixWorkbook } from './exports'
import {
  answerRows,
  cellText,
  INVOLVEMENT_LABELS,
  KNOWN_CHOICES,
  QUESTION_ANSWER_LABELS,
  statusTag,
} from './presenters'
import {
  ANSWER_FIELDS,
  answerSchema,
  INVOLVEMENT_VALUES,
  KNOWN_VALUES,
  QUESTION_ANSWERS,
  questionField,
  submitSchema,
} from './schemas'
import type { AnswerFields, AnswerView, CaseQuestion, CaseReturnsService } from './service'

const RETURN = 'caseTracking/views/returns-index.njk'
const CHILD = 'caseTracking/views/returns-child.njk'
const MATRIX = 'caseTracking/views/matrix.njk'

/** A stored answer's "known to us" (from a correction's before or after) in words. */
const knownText = (known: unknown): string =>
  typeof known === 'string' && Object.hasOwn(KNOWN_CHOICES, known) ? KNOWN_CHOICES[known as 'yes'] : 'No answer'

/** The answer form's values from a saved answer (or an empty form at version 0). */
function formValues(answer: AnswerView | null, questions: readonly CaseQuestion[]): Record<string, string> {
  if (!answer) return { version: '0' }
  return {
    version: String(answer.version),
    known: answer.known,
    involvement: answer.involvement ?? '',
    leadPractitioner: answer.leadPractitioner ?? '',
    team: answer.team ?? '',
    ...dateInputValues('lastContact', answer.lastContactOn),
    note: answer.note ?? '',
    ...Object.fromEntries(questions.map((q) => [questionField(q.id), answer.frameworkAnswers[q.id] ?? ''])),
  }
}

/**
 * Reads the answer form: the schema, then for "Yes" the involvement, a real date of last contact not
 * in the future, and an answer to each of the framework's questions; all problems in one round.
 * Fields only asked with "Yes" are dropped otherwise.
 */
function readAnswer(body: unknown, questions: readonly CaseQuestion[], today: string) {
  const allowed = new Set([...Object.keys(answerSchema.shape), ...questions.map((q) => questionField(q.id)), '_csrf'])
  let lastContactOn: string | null = null
  const form = parseFormWith(answerSchema, body, (raw) => {
    const errors: FieldErrors = {}
    const unknown = Object.keys(raw).filter((k) => !allowed.has(k))
    if (unknown.length)
      errors.form = `The form contained fields this page does not accept (${unknown.join(', ')}). Reload the page and try again`
    if (raw.known !== 'yes') return errors
    if (raw.involvement === undefined || raw.involvement === '')
      errors.involvement = 'Select how your agency is involved with this child'
    const date = readDateInput(raw, 'lastContact', 'Date of last contact')
    if ('error' in date) errors.lastContact = date.error
    else if (date.value && date.value > today) errors.lastContact = 'Date of last contact must be today or in the past'
    else lastContactOn = date.value
    for (const q of questions) {
      const v = raw[questionField(q.id)]
      if (typeof v !== 'string' || !(QUESTION_ANSWERS as readonly string[]).includes(v))
        errors[questionField(q.id)] = `Select Yes, No or Not known for “${q.text}”`
    }
    return errors
  })
  const yes = form.known === 'yes'
  const fields: AnswerFields = {
    known: form.known,
    involvement: yes ? (form.involvement ?? null) : null,
    leadPractitioner: yes ? form.leadPractitioner || null : null,
    team: yes ? form.team || null : null,
    lastContactOn: yes ? lastContactOn : null,
    note: yes ? form.note || null : null,
    frameworkAnswers: yes ? Object.fromEntries(questions.map((q) => [q.id, String(form[questionField(q.id)])])) : {},
  }
  return { fields, version: form.version, reason: form.reason || null }
}

/** What the child's answer page shows besides the form's values. */
function childContext(page: Awaited<ReturnType<CaseReturnsService['childPage']>>, now: Date) {
  const { window: w, child, answer, submitted, corrections } = page
  return {
    child,
    agencyName: w.agency.name,
    dueAt: w.dueAt,
    passed: w.dueAt !== null && w.dueAt.getTime() < now.getTime(),
    practice: w.practice,
    questions: w.questions.map((q) => ({ ...q, field: questionField(q.id) })),
    answer,
    submitted,
    corrections: corrections.map((c) => ({
      ...c,
      beforeRows: answerRows(c.before, w.questions),
      afterRows: answerRows(c.after, w.questions),
    })),
    knownItems: KNOWN_VALUES.map((value) => ({ value, text: KNOWN_CHOICES[value] })),
    involvementItems: INVOLVEMENT_VALUES.map((value) => ({ value, text: INVOLVEMENT_LABELS[value] })),
    questionItems: QUESTION_ANSWERS.map((value) => ({ value, text: QUESTION_ANSWER_LABELS[value] })),
  }
}

export function returnsRoutes(routes: Routes, services: Services): void {
  const { caseReturns, clock } = services

  async function returnPage(scope: Scope, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const { window: w, open: page } = await caseReturns.returnPage(scope)
    if (!page) return res.status(status).render(RETURN, { window: w, ...extra })
    const now = clock.now()
    const checking = page.children.filter((c) => c.answer?.known === 'checking').length
    const unanswered = page.children.filter((c) => !c.answer).length
    res.status(status).render(RETURN, {
      window: w,
      passed: w.dueAt !== null && w.dueAt.getTime() < now.getTime(),
      countdown: w.dueAt ? countdown(now, w.dueAt) : null,
      children: page.children.map((c) => ({
        ...c,
        answerText: c.answer ? KNOWN_CHOICES[c.answer.known] : 'Not answered',
        answerClasses: c.answer
          ? c.answer.known === 'checking'
            ? 'govuk-tag--yellow'
            : 'govuk-tag--green'
          : 'govuk-tag--grey',
      })),
      answered: page.children.length - unanswered,
      unanswered,
      checking,
      submitted: page.submitted,
      maySubmit: page.maySubmit,
      corrections: page.corrections.map((c) => ({
        ...c,
        position: page.children.find((x) => x.id === c.childId)?.position,
        beforeText: knownText(c.before.known),
        afterText: knownText(c.after.known),
      })),
      ...extra,
    })
  }

  routes.get('/case-tracking/return', async (_req, res, { scope }) => returnPage(scope, res))

  routes.get('/case-tracking/return/children/:childId', async (_req, res, { scope, params }) => {
    const page = await caseReturns.childPage(scope, params.childId)
    res.render(CHILD, { ...childContext(page, clock.now()), values: formValues(page.answer, page.window.questions) })
  })

  routes.post('/case-tracking/return/children/:childId', async (req, res, { scope, params }) => {
    const w = await caseReturns.windowOf(scope)
    if (w.state !== 'open') throw new NotFoundError('Child')
    const order = [
      ...ANSWER_FIELDS.slice(0, -2),
      ...w.questions.map((q) => questionField(q.id)),
      ...ANSWER_FIELDS.slice(-2),
    ]
    try {
      const { fields, version, reason } = readAnswer(req.body, w.questions, londonDateOf(clock.now()))
      const outcome = await caseReturns.saveAnswer(scope, params.childId, fields, version, reason)
      if (outcome.saved) {
        req.session.flash = outcome.corrected
          ? 'Your change has been saved and shown as a change after submission.'
          : `Your answer has been saved${outcome.late ? '. It is marked late: the deadline had passed' : ''}.`
        return res.redirect(303, '/case-tracking/return')
      }
      // Someone saved first: show both, keep what this person entered, and nothing is overwritten.
      const page = await caseReturns.childPage(scope, params.childId)
      const theirs = outcome.theirs
      res.status(409).render(CHILD, {
        ...childContext(page, clock.now()),
        values: { ...bodyOf(req), version: String(theirs.version) },
        conflict: {
          byName: theirs.updatedByName ?? 'someone else',
          at: theirs.updatedAt,
          theirs: answerRows(theirs, w.questions),
          yours: answerRows(fields, w.questions),
        },
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const page = await caseReturns.childPage(scope, params.childId)
      renderWithErrors(res, CHILD, error, { ...childContext(page, clock.now()), values: bodyOf(req) }, order, {
        known: 'known',
        involvement: 'involvement',
        lastContact: 'lastContact-day',
      })
    }
  })

  routes.post('/case-tracking/return/submit', async (req, res, { scope }) => {
    try {
      const form = parseForm(submitSchema, req.body)
      const { late } = await caseReturns.submit(scope, form.confirmChecking === 'yes')
      req.session.flash = `Your agency’s return has been submitted${late ? ' (late: the deadline had passed)' : ''}.`
      res.redirect(303, '/case-tracking/return')
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      await returnPage(scope, res, 400, {
        errors: error.errors,
        errorList: Object.entries(error.errors).map(([k, text]) => ({
          text,
          href: k === 'children' ? '#children' : `#${k}`,
        })),
      })
    }
  })

  /** The matrix page's view model (null before release). */
  async function matrixPage(scope: Scope) {
    const view = await caseReturns.matrix(scope)
    if (typeof view === 'string') return { released: false, state: view }
    return {
      released: true,
      view,
      agencies: view.agencies.map((a) => ({ ...a, tag: statusTag(a.status) })),
      rows: view.children.map((c) => ({
        ...c,
        cells: c.cells.map((cell, i) => ({
          agencyId: view.agencies[i]!.id,
          text: cellText(cell.known),
          late: cell.late,
        })),
      })),
      notSubmitted: view.agencies.filter((a) => a.status !== 'submitted' && a.status !== 'submitted-late').length,
      corrections: view.corrections.map((c) => ({
        ...c,
        change: `${knownText(c.before.known)} → ${knownText(c.after.known)}`,
      })),
    }
  }

  routes.get('/case-tracking/matrix', async (_req, res, { scope }) => {
    res.render(MATRIX, await matrixPage(scope))
  })

  // The live update's data: answers by opaque child id, counts and the countdown; no identifiers.
  routes.get('/case-tracking/matrix/live', async (_req, res, { scope }) => {
    const live = await caseReturns.live(scope)
    res.set('Cache-Control', 'no-store')
    if (!live) return res.json({ released: false })
    res.json({
      released: true,
      countdown: live.countdown,
      counts: live.counts,
      agencies: live.agencies.map((a) => ({ ...a, tag: statusTag(a.status) })),
      cells: Object.fromEntries(
        Object.entries(live.cells).map(([childId, cells]) => [
          childId,
          cells.map((c) => ({ text: c.known ? KNOWN_LABELS[c.known] : cellText(null), late: c.late })),
        ]),
      ),
    })
  })

  routes.post('/case-tracking/matrix/chase', async (req, res, { scope }) => {
    const { agencies, people, unreachable } = await caseReturns.chase(scope)
    req.session.flash =
      `${agencies} ${agencies === 1 ? 'agency has' : 'agencies have'} been chased: ${people} ${people === 1 ? 'person was' : 'people were'} notified.` +
      (unreachable.length
        ? ` Nobody could be notified at ${unreachable.join(', ')}: give ${unreachable.length === 1 ? 'it' : 'each'} an agency lead, or contact ${unreachable.length === 1 ? 'it' : 'them'} directly.`
        : '')
    res.redirect(303, '/case-tracking/matrix')
  })

  routes.get('/case-tracking/matrix/export.xlsx', async (_req, res, { scope }) => {
    const data = await caseReturns.exportData(scope)
    await sendMatrixWorkbook(res, data)
  })
}
