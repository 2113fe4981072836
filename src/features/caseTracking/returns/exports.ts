import type { ServerResponse } from 'node:http'
import type ExcelJS from 'exceljs'
import { RETURN_STATUS_LABELS } from '../../../domain/caseTracking/matrix'
import { safeXlsxValue, sendXlsx } from '../../../web/exports'
import type { CellValue } from '../../../web/exports'
import { setXlsxDateCell, setXlsxDateTimeCell } from '../../../web/exports/xlsx'
import { INVOLVEMENT_LABELS, KNOWN_CHOICES, QUESTION_ANSWER_LABELS } from './presenters'
import type { AnswerView, CaseReturnsService } from './service'

type ExportData = Awaited<ReturnType<CaseReturnsService['exportData']>>

/** A cell of the workbook: text or a number (formula-safe), or a real date or date-and-time cell. */
type Cell = { value: CellValue } | { date: string | null } | { dateTime: Date | null }

function put(cell: ExcelJS.Cell, c: Cell): void {
  if ('date' in c) setXlsxDateCell(cell, c.date)
  else if ('dateTime' in c) setXlsxDateTimeCell(cell, c.dateTime)
  else cell.value = safeXlsxValue(c.value)
}

/**
 * The combined return for the inspectors: one row per child (its identifiers, and how many agencies
 * know it), then one group of columns per agency with its answer in full. A second sheet lists each
 * agency's return. Every text cell is formula-safe; dates are real date cells.
 */
export async function sendMatrixWorkbook(res: ServerResponse, { view, answerOf }: ExportData): Promise<void> {
  const perAgency = (a: AnswerView | null): Cell[] => [
    { value: a ? KNOWN_CHOICES[a.known] : 'No answer' },
    { value: a?.involvement ? INVOLVEMENT_LABELS[a.involvement] : null },
    { value: a?.leadPractitioner ?? null },
    { value: a?.team ?? null },
    { date: a?.lastContactOn ?? null },
    { value: a?.note ?? null },
    ...view.questions.map((q) => {
      const v = a?.frameworkAnswers[q.id]
      return { value: v ? (QUESTION_ANSWER_LABELS[v] ?? v) : null }
    }),
    { value: a ? (a.late ? 'Yes' : 'No') : null },
  ]
  const groupHeaders = [
    'Known to us',
    'Involvement',
    'Lead practitioner',
    'Team',
    'Date of last contact',
    'Note',
    ...view.questions.map((q) => q.text),
    'Answered late',
  ]
  const childHeaders = [
    'Row',
    'Local authority child ID',
    'Name',
    'Date of birth',
    'NHS number',
    'Address',
    'Known to (agencies)',
  ]

  await sendXlsx(res, 'case-tracking-returns.xlsx', (workbook) => {
    const sheet = workbook.addWorksheet('Returns', { views: [{ state: 'frozen', xSplit: 3, ySplit: 2 }] })
    sheet.columns = [
      ...[6, 18, 24, 16, 14, 30, 12].map((width) => ({ width })),
      ...view.agencies.flatMap(() => groupHeaders.map((h) => ({ width: Math.min(40, Math.max(12, h.length + 2)) }))),
    ]
    // Row 1 names each agency over the first column of its group; row 2 names the columns.
    const agencyRow = sheet.addRow([
      ...childHeaders.map(() => null),
      ...view.agencies.flatMap((a) => [safeXlsxValue(a.name), ...groupHeaders.slice(1).map(() => null)]),
    ])
    agencyRow.font = { bold: true }
    agencyRow.commit()
    const headerRow = sheet.addRow(
      [...childHeaders, ...view.agencies.flatMap(() => groupHeaders)].map((h) => safeXlsxValue(h)),
    )
    headerRow.font = { bold: true }
    headerRow.commit()
    for (const child of view.children) {
      const cells: Cell[] = [
        { value: child.position },
        { value: child.childRef },
        { value: child.name },
        { date: child.dateOfBirth },
        { value: child.nhsNumber },
        { value: child.address },
        { value: child.cells.filter((c) => c.known === 'yes').length },
        ...view.agencies.flatMap((a) => perAgency(answerOf(child.id, a.id))),
      ]
      const row = sheet.addRow([])
      cells.forEach((c, i) => put(row.getCell(i + 1), c))
      row.commit()
    }

    const agencies = workbook.addWorksheet('Agencies', { views: [{ state: 'frozen', ySplit: 1 }] })
    agencies.columns = [
      { header: 'Agency', width: 30 },
      { header: 'Return', width: 18 },
      { header: 'Children answered', width: 10 },
      { header: 'Children known', width: 10 },
      { header: 'Still checking', width: 10 },
      { header: 'Submitted', width: 20 },
      { header: 'Submitted by', width: 24 },
      { header: 'Last chased', width: 20 },
    ]
    agencies.getRow(1).font = { bold: true }
    for (const a of view.agencies) {
      const cells: Cell[] = [
        { value: a.name },
        { value: RETURN_STATUS_LABELS[a.status] },
        { value: a.answered },
        { value: a.known },
        { value: a.checking },
        { dateTime: a.submittedAt },
        { value: a.submittedByName },
        { dateTime: a.chasedAt },
      ]
      const row = agencies.addRow([])
      cells.forEach((c, i) => put(row.getCell(i + 1), c))
      row.commit()
    }

    const changes = workbook.addWorksheet('Changes after submission', { views: [{ state: 'frozen', ySplit: 1 }] })
    changes.columns = [
      { header: 'Row', width: 6 },
      { header: 'Local authority child ID', width: 18 },
      { header: 'Agency', width: 30 },
      { header: 'Known to us before', width: 18 },
      { header: 'Known to us after', width: 18 },
      { header: 'Reason', width: 50 },
      { header: 'Changed by', width: 24 },
      { header: 'Changed', width: 20 },
    ]
    changes.getRow(1).font = { bold: true }
    const knownWords = (v: unknown) =>
      typeof v === 'string' && Object.hasOwn(KNOWN_CHOICES, v) ? KNOWN_CHOICES[v as 'yes'] : 'No answer'
    for (const c of view.corrections) {
      const cells: Cell[] = [
        { value: c.position },
        { value: view.children.find((x) => x.id === c.childId)?.childRef ?? null },
        { value: c.agencyName },
        { value: knownWords(c.before.known) },
        { value: knownWords(c.after.known) },
        { value: c.reason },
        { value: c.byName },
        { dateTime: c.at },
      ]
      const row = changes.addRow([])
      cells.forEach((cell, i) => put(row.getCell(i + 1), cell))
      row.commit()
    }
  })
}
