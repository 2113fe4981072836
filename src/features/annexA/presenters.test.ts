import express from 'express'
import { describe, expect, it } from 'vitest'
import { setUpNunjucks } from '../../web/nunjucksSetup'
import type { FileTypeRefusal, FoundContent } from '../../domain/fileTypes'
import { UploadError } from '../../web/uploads'
import { annexAUploadMessage, progressSentence } from './presenters'

describe('the Annex A progress page', () => {
  const env = setUpNunjucks(express())
  const render = (job: { rowsRead: number; percent: number | null; list: string | null }) =>
    env.render('annexA/views/progress.njk', {
      job: { ...job, fileName: 'annex-a.xlsx' },
      checkUrl: '/annex-a/checks/x',
      status: progressSentence(job),
    })

  it('says how many rows and about how much of the file, and fills the bar to match', () => {
    const html = render({ rowsRead: 12_000, percent: 40, list: 'List 3' })
    expect(html).toContain('12,000 rows read so far (about 40% of the file), now reading List 3.')
    expect(html).toMatch(/<progress class="app-progress" id="annex-a-bar" max="100" value="40"/)
  })

  it('leaves the bar moving without a value until the share is known', () => {
    const html = render({ rowsRead: 0, percent: null, list: null })
    expect(html).toContain('0 rows read so far.')
    expect(html).not.toMatch(/<progress[^>]*value=/)
  })

  it('says "row" for one row', () => {
    expect(progressSentence({ rowsRead: 1, percent: 0, list: null })).toBe('1 row read so far (about 0% of the file).')
  })
})

describe('upload refusals worded for Annex A', () => {
  const refusal = (filename: string, found: FoundContent | null, reason: FileTypeRefusal = 'mismatch') =>
    new UploadError('wrong-type', 400, 'file', 'the upload layer’s own words', {
      filename,
      extension: filename.split('.').pop()!.toLowerCase(),
      reason,
      found,
    })

  it.each([
    ['lists.xlsm', 'zip', 'macro-enabled workbook'],
    ['lists.xls', 'ole', 'old-style Excel 97–2003 (.xls) file'],
    ['lists.ods', 'ods', 'OpenDocument spreadsheet'],
    ['lists.xlsx', 'ole', 'password-protected'],
    ['lists.xlsx', 'zip', 'damaged or is not really an Excel workbook'],
    [
      'lists.xlsx',
      'pdf',
      'The file ‘lists.xlsx’ is a PDF, but its name ends in .xlsx. Save the Annex A lists as an Excel Workbook (.xlsx)',
    ],
    ['list 3.csv', 'not-text', 'is not a plain-text CSV file'],
  ] as [string, FoundContent, string][])('%s that is really %s', (name, found, words) => {
    expect(annexAUploadMessage(refusal(name, found))).toContain(words)
  })

  it('says a damaged workbook is damaged', () => {
    expect(annexAUploadMessage(refusal('lists.xlsx', null, 'unrecognised'))).toContain('damaged')
  })

  it('keeps the upload layer’s words for other refusals', () => {
    expect(annexAUploadMessage(new UploadError('too-large', 413, 'file', 'The file must be smaller than 100 MB'))).toBe(
      'The file must be smaller than 100 MB',
    )
  })
})
