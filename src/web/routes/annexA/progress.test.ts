import express from 'express'
import { describe, expect, it } from 'vitest'
import { setUpNunjucks } from '../../nunjucksSetup'
import { progressSentence } from './presenters'

describe('the Annex A progress page', () => {
  const env = setUpNunjucks(express())
  const render = (job: { rowsRead: number; percent: number | null; list: string | null }) =>
    env.render('pages/annexA/progress.njk', { job: { ...job, fileName: 'annex-a.xlsx' }, checkUrl: '/annex-a/checks/x', status: progressSentence(job) })

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
