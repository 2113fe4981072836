import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ExcelJS from 'exceljs'
import request from 'supertest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  csrfFrom,
  signIn,
  type Agent,
  type TestApp,
} from '../../../test/support/app'
import { CORPUS } from '../../../test/fixtures/annex-a/buildBadFileCorpus'
import {
  CLEAN_NOTIFIED,
  criminalExploitationRows,
  list6Rows,
  list7Rows,
  notInEducationRows,
  writeListCsv,
} from '../../../test/fixtures/annex-a/cleanLists'
import { CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED } from './files/samples'

const SAMPLE = fileURLToPath(new URL('../../../test/fixtures/annex-a/Annex_A_2024_Jan.xlsx', import.meta.url))

let t: TestApp
let partnershipId: string
let admin: Agent
let laLead: Agent
let laContributor: Agent
let policeLead: Agent
let policeContributor: Agent

const dateFields = (iso: string) => {
  const [y, m, d] = iso.split('-')
  return { 'notified-day': d!, 'notified-month': m!, 'notified-year': y! }
}

/** Uploads a file through the real form and follows the check to its findings page. */
async function upload(
  agent: Agent,
  path: string,
  notified: string,
): Promise<{ importId: string; page: request.Response }> {
  const form = await agent.get('/annex-a/upload').expect(200)
  let req = agent.post('/annex-a/upload').field('_csrf', csrfFrom(form.text))
  for (const [k, v] of Object.entries(dateFields(notified))) req = req.field(k, v)
  const res = await req.attach('file', path).expect(303)
  return follow(agent, res.headers.location!)
}

/** Polls a check until it is done (as the progress page's script does), then opens the findings. */
async function follow(agent: Agent, checkUrl: string): Promise<{ importId: string; page: request.Response }> {
  expect(checkUrl).toMatch(/^\/annex-a\/checks\/[0-9a-f-]{36}$/)
  for (let i = 0; i < 300; i++) {
    const status = await agent.get(`${checkUrl}?format=json`).expect(200)
    expect(status.body.status).toMatch(/^[\d,]+ rows? read so far/)
    expect(status.body.percent === null || (status.body.percent >= 0 && status.body.percent <= 100)).toBe(true)
    if (status.body.done) {
      expect(status.body.next).toMatch(/^\/annex-a\/imports\//)
      const page = await agent.get(status.body.next).expect(200)
      return { importId: String(status.body.next).split('/').pop()!, page }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the check never finished')
}

const childRows = async () =>
  await t.handle.db
    .selectFrom('annex_a_children')
    .select(['id', 'list', 'child_id', 'current'])
    .where('partnership_id', '=', partnershipId)
    .execute()
const audit = async (action: string) =>
  t.handle.db
    .selectFrom('audit_events')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('action', '=', action)
    .orderBy('seq')
    .execute()

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  const la = await createAgency(t, partnershipId, 'Anytown Children’s Services', 'la-childrens-services')
  const police = await createAgency(t, partnershipId, 'Anytown Police', 'police')
  laLead = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId: la }))
  laContributor = await signIn(t, await createPerson(t, partnershipId, ['contributor'], { agencyId: la }))
  policeLead = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId: police }))
  policeContributor = await signIn(t, await createPerson(t, partnershipId, ['contributor'], { agencyId: police }))
}, 120_000)
afterAll(async () => t.close())

describe('Annex A import', () => {
  let sampleImport: string

  it('checks the sample workbook off the request path and shows its findings per list and by rule', async () => {
    const { importId, page } = await upload(admin, SAMPLE, '2021-03-10')
    sampleImport = importId
    expect(page.text).toContain('Findings for Annex_A_2024_Jan.xlsx')
    expect(page.text).toContain('Children in need')
    expect(page.text).toContain('Excel error value in a cell')
    expect(page.text).toContain('Value not recognised for this column')
    expect(page.text).toContain('Map values')
    expect(page.text).not.toContain('Accept this file')
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .selectAll()
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    expect(imp).toMatchObject({ status: 'validated', notified_on: '2021-03-10', file_name: 'Annex_A_2024_Jan.xlsx' })
    expect(imp.errors).toBeGreaterThan(0)
    expect(await audit('annex-a.validated')).toHaveLength(1)
  })

  it('drills down from a rule to its rows, and shows a row with the bad cell marked', async () => {
    const problems = await admin.get(`/annex-a/imports/${sampleImport}/problems?rule=cell.excel-error`).expect(200)
    expect(problems.text).toContain('10 problems')
    expect(problems.text).toContain('#N/A')
    const rowLink = /href="(\/annex-a\/imports\/[^"]+\/row\?list=List%206&amp;row=2)"/.exec(problems.text)
    expect(rowLink).not.toBeNull()
    const row = await admin.get(rowLink![1]!.replace(/&amp;/g, '&')).expect(200)
    expect(row.text).toContain('List 6 row 2')
    expect(row.text).toMatch(/app-cell--problem[^>]*>\s*#N\/A/)
    expect(row.headers['cache-control']).toBe('no-store')
    await admin.get(`/annex-a/imports/${sampleImport}/problems?rule=no.such-rule`).expect(404)
    // Both reads are in the audit log: which rule, list and row (the spreadsheet's row number), never a cell's value.
    const [problemsRead] = await audit('annex-a.problems-viewed')
    expect(problemsRead).toMatchObject({
      entity_type: 'annex-a-import',
      entity_id: sampleImport,
      details: { rule: 'cell.excel-error', list: null, page: 1, shown: 10, total: 10 },
    })
    const [rowRead] = await audit('annex-a.row-viewed')
    expect(rowRead).toMatchObject({
      entity_type: 'annex-a-import',
      entity_id: sampleImport,
      details: { list: 'List 6', row: 2 },
    })
    expect(JSON.stringify([problemsRead, rowRead])).not.toContain('#N/A')
    // A row that is not in the file is not found, and not recorded.
    await admin.get(`/annex-a/imports/${sampleImport}/row?list=List%206&row=99999`).expect(404)
    await admin.get(`/annex-a/imports/${sampleImport}/row?list=List%2099&row=2`).expect(404)
    expect(await audit('annex-a.row-viewed')).toHaveLength(1)
    // Values as read in plain words: codes without their letters, dates written out.
    const plain = await admin.get(`/annex-a/imports/${sampleImport}/row?list=List%201&row=2`).expect(200)
    expect(plain.text).toMatch(/>\s*Female\s*</)
    expect(plain.text).not.toContain('b) Female')
    expect(plain.text).toContain('25 January 2015')
    expect(plain.text).not.toContain('2015-01-25')
  })

  it('downloads the problem report as an attachment that is never cached or sniffed', async () => {
    const res = await admin.get(`/annex-a/imports/${sampleImport}/problems.xlsx`).responseType('blob').expect(200)
    expect(res.headers['content-disposition']).toMatch(/^attachment;/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK')
    const [event] = await audit('annex-a.problems-downloaded')
    expect(event).toMatchObject({ entity_type: 'annex-a-import', entity_id: sampleImport })
  })

  it('refuses to accept while errors remain, and writes nothing', async () => {
    const before = (
      await t.handle.db.selectFrom('audit_events').select('seq').where('partnership_id', '=', partnershipId).execute()
    ).length
    const page = await admin.get(`/annex-a/imports/${sampleImport}/accept`).expect(200)
    expect(page.text).toContain('It cannot be accepted until none are left')
    const res = await admin
      .post(`/annex-a/imports/${sampleImport}/accept`)
      .type('form')
      .send({ _csrf: admin.csrf, reason: 'Please' })
      .expect(400)
    expect(res.text).toContain('<title>Error: ')
    expect(res.text).toMatch(/This file still has \d+ errors/)
    expect(await childRows()).toHaveLength(0)
    expect(
      (
        await t.handle.db
          .selectFrom('annex_a_imports')
          .select('status')
          .where('id', '=', sampleImport)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('validated')
    expect(
      (await t.handle.db.selectFrom('audit_events').select('seq').where('partnership_id', '=', partnershipId).execute())
        .length,
    ).toBe(before)
  })

  let list6Import: string
  it('maps an unrecognised value once, remembers it, and checks the file again', async () => {
    const path = await writeListCsv('List_6.csv', list6Rows({ disabilitySpelling: 'Disabled - learning' }))
    const { importId, page } = await upload(admin, path, CLEAN_NOTIFIED)
    list6Import = importId
    expect(page.text).toContain('1 value is not recognised')
    const map = await admin.get(`/annex-a/imports/${importId}/map`).expect(200)
    expect(map.text).toContain('Does the Child have a Disability')
    expect(map.text).toContain('“Disabled - learning”')
    // Each code is offered in plain words; the Ofsted code is what is sent.
    expect(map.text).toMatch(/<option value="a\) Yes"[^>]*>Yes<\/option>/)
    // The page shows cell values from the file: a read of child-level data, logged like the register.
    expect(map.headers['cache-control']).toBe('no-store')
    const [mappingRead] = await audit('annex-a.mapping-viewed')
    expect(mappingRead).toMatchObject({ entity_id: importId, details: { columns: 1, values: 1 } })
    const key = /name="key-0" value="([^"]+)"/.exec(map.text)![1]!
    const none = await admin
      .post(`/annex-a/imports/${importId}/map`)
      .type('form')
      .send({ _csrf: admin.csrf, 'key-0': key, 'code-0': '' })
      .expect(400)
    expect(none.text).toContain('Choose a code for at least one value')
    const saved = await admin
      .post(`/annex-a/imports/${importId}/map`)
      .type('form')
      .send({ _csrf: admin.csrf, 'key-0': key, 'code-0': 'a) Yes' })
      .expect(303)
    const after = await follow(admin, saved.headers.location!)
    expect(after.page.text).not.toContain('Map values')
    expect(after.page.text).toContain('Accept this file')
    expect(
      await t.handle.db
        .selectFrom('value_mappings')
        .select(['column_id', 'spelling', 'code'])
        .where('partnership_id', '=', partnershipId)
        .execute(),
    ).toEqual([{ column_id: 'does_the_child_have_a_disability', spelling: 'disabled - learning', code: 'a) Yes' }])
    expect(await audit('annex-a.values-mapped')).toHaveLength(1)
    // A later file with the same spelling needs no mapping.
    const again = await upload(
      admin,
      await writeListCsv('List_6.csv', list6Rows({ disabilitySpelling: 'Disabled - learning' })),
      CLEAN_NOTIFIED,
    )
    expect(again.page.text).not.toContain('Map values')
    expect(again.page.text).toContain('Accept this file')
  })

  it('accepts a file with no errors in one go, with its audit event', async () => {
    await admin
      .post(`/annex-a/imports/${list6Import}/accept`)
      .type('form')
      .send({ _csrf: admin.csrf, reason: '' })
      .expect(303)
      .expect('Location', '/annex-a')
    const rows = await childRows()
    expect(rows.map((r) => [r.list, r.child_id, r.current])).toEqual([
      ['List 6', 'C1001', true],
      ['List 6', 'C1002', true],
    ])
    const [event] = await audit('annex-a.accepted')
    expect(event).toMatchObject({ entity_id: list6Import })
    const history = await admin.get('/annex-a').expect(200)
    expect(history.text).toContain('has been accepted: 2 rows from List 6')
    // Accepting twice is refused.
    await admin.post(`/annex-a/imports/${list6Import}/accept`).type('form').send({ _csrf: admin.csrf }).expect(409)
  })

  it('a re-import of a list replaces it and keeps the earlier version as history', async () => {
    const { importId } = await upload(
      admin,
      await writeListCsv('List_6.csv', list6Rows({ extraChild: true })),
      CLEAN_NOTIFIED,
    )
    await admin.post(`/annex-a/imports/${importId}/accept`).type('form').send({ _csrf: admin.csrf }).expect(303)
    const rows = await childRows()
    expect(
      rows
        .filter((r) => r.current)
        .map((r) => r.child_id)
        .sort(),
    ).toEqual(['C1001', 'C1002', 'C1003'])
    expect(rows.filter((r) => !r.current)).toHaveLength(2)
    expect(
      (
        await t.handle.db
          .selectFrom('annex_a_imports')
          .select('status')
          .where('id', '=', list6Import)
          .executeTakeFirstOrThrow()
      ).status,
    ).toBe('superseded')
    const history = await admin.get('/annex-a').expect(200)
    expect(history.text).toContain('Replaced by a later file')
    const seven = await upload(admin, await writeListCsv('List_7.csv', list7Rows()), CLEAN_NOTIFIED)
    await admin.post(`/annex-a/imports/${seven.importId}/accept`).type('form').send({ _csrf: admin.csrf }).expect(303)
  })

  it('downloads the Ofsted-ready workbook and records the download', async () => {
    const res = await admin.get('/annex-a/export.xlsx').buffer(true).expect(200)
    expect(res.headers['content-disposition']).toMatch(/^attachment;.*Annex A/)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['cache-control']).toBe('no-store')
    expect(await audit('annex-a.exported')).toHaveLength(1)
  })
})

describe('child register', () => {
  it('lists children across lists, with filters', async () => {
    const all = await laLead.get('/register').expect(200)
    expect(all.text).toContain('3 children')
    expect(all.text).toContain('C1001')
    const cp = await laLead.get('/register?list=List%207').expect(200)
    expect(cp.text).toContain('1 child match the filters')
    expect(cp.text).toContain('C1001')
    expect(cp.text).not.toContain('C1002')
    const older = await laLead.get('/register?age=16-17').expect(200)
    expect(older.text).toContain('C1003')
    expect(older.text).not.toContain('C1001')
    const disabled = await laLead.get(`/register?disability=${encodeURIComponent('a) Yes')}`).expect(200)
    expect(disabled.text).toContain('C1002')
    expect(disabled.text).not.toContain('C1003')
  })

  it('records each view of the register as a read: the filters and how many children, never who', async () => {
    const before = (await audit('register.viewed')).length
    await laLead.get('/register?list=List%207&age=5-9').expect(200)
    // A filter value the register does not offer (here a child's id typed into the address) is not written down.
    await laLead.get('/register?ethnicity=C1001').expect(200)
    const events = await audit('register.viewed')
    expect(events).toHaveLength(before + 2)
    expect(events.at(-2)).toMatchObject({
      entity_type: 'child-register',
      entity_id: null,
      details: { filters: { list: 'List 7', ageBand: '5-9' }, page: 1 },
    })
    expect(events.at(-1)).toMatchObject({
      details: { filters: { ethnicity: 'not recognised' }, page: 1, shown: 0, total: 0 },
    })
    const listed = events.at(-2)!.details as { shown: number; total: number }
    expect(listed.shown).toBe(listed.total)
    for (const e of events) expect(JSON.stringify(e)).not.toMatch(/C100\d/)
  })

  it('shows a child’s journey by an opaque id and records the view as a read', async () => {
    const list = await laLead.get('/register?list=List%207').expect(200)
    const href = /href="(\/register\/children\/([0-9a-f-]{36}))"/.exec(list.text)!
    expect(href[1]).not.toContain('C1001')
    const before = await audit('child.viewed')
    const page = await laLead.get(href[1]!).expect(200)
    expect(page.text).toContain('Child C1001')
    expect(page.text).toContain('List 6: Children in need')
    expect(page.text).toContain('List 7: Child protection')
    expect(page.text.indexOf('1 October 2025')).toBeLessThan(page.text.indexOf('10 December 2025'))
    expect(page.headers['cache-control']).toBe('no-store')
    const after = await audit('child.viewed')
    expect(after).toHaveLength(before.length + 1)
    expect(after.at(-1)).toMatchObject({ entity_type: 'child', entity_id: href[2] })
    expect(JSON.stringify(after.at(-1))).not.toContain('C1001')
  })

  it('refuses someone from the police, even with a role the policy allows', async () => {
    const home = await policeLead.get('/').expect(200)
    expect(home.text).not.toContain('href="/register"')
    expect(home.text).not.toContain('href="/annex-a"')
    expect((await laLead.get('/').expect(200)).text).toContain('href="/register"')
    for (const path of ['/register', '/annex-a', '/annex-a/upload']) {
      const res = await policeLead.get(path).expect(403)
      expect(res.text).toContain('You do not have access to this page')
    }
    const rowId = (await childRows()).find((r) => r.current)!.id
    await policeLead.get(`/register/children/${rowId}`).expect(403)
    const form = await laLead.get('/annex-a/upload').expect(200)
    const res = await policeLead
      .post('/annex-a/upload')
      .field('_csrf', csrfFrom(form.text))
      .attach('file', SAMPLE)
      .expect(403)
    expect(res.text).toContain('You do not have access to this page')
    expect(await audit('child.viewed')).toHaveLength(1)
  })

  it('refuses contributors, even in the local authority’s children’s services, and hides the links', async () => {
    for (const agent of [laContributor, policeContributor]) {
      const home = await agent.get('/').expect(200)
      expect(home.text).not.toContain('href="/register"')
      expect(home.text).not.toContain('href="/annex-a"')
    }
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .select('id')
      .where('partnership_id', '=', partnershipId)
      .executeTakeFirstOrThrow()
    const rowId = (await childRows()).find((r) => r.current)!.id
    for (const path of [
      '/register',
      `/register/children/${rowId}`,
      '/annex-a',
      '/annex-a/upload',
      '/annex-a/export.xlsx',
      `/annex-a/imports/${imp.id}`,
      `/annex-a/imports/${imp.id}/problems.xlsx`,
    ]) {
      const res = await laContributor.get(path).expect(403)
      expect(res.text).toContain('You do not have access to this page')
    }
    expect(await audit('child.viewed')).toHaveLength(1)
  })

  it('gives another partnership nothing', async () => {
    const other = await createPartnership(t, 'Elsewhere SCP')
    const outsider = await signIn(t, await createPerson(t, other, ['administrator']))
    const rowId = (await childRows()).find((r) => r.current)!.id
    await outsider.get(`/register/children/${rowId}`).expect(404)
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .select('id')
      .where('partnership_id', '=', partnershipId)
      .executeTakeFirstOrThrow()
    await outsider.get(`/annex-a/imports/${imp.id}`).expect(404)
    const register = await outsider.get('/register').expect(200)
    expect(register.text).toContain('0 children')
  })
})

describe('theme lists from a framework', () => {
  const CE = 'Children at risk of criminal exploitation'

  it('identifies and validates the criminal exploitation theme list, then accepts it', async () => {
    const before = await laLead.get('/register').expect(200)
    expect(before.text).toContain('No theme list (such as children at risk of criminal exploitation) has been accepted')
    const bad = await upload(
      admin,
      await writeListCsv(`${CE}.csv`, criminalExploitationRows({ riskSpelling: 'Trafficking drugs' })),
      CLEAN_NOTIFIED,
    )
    expect(bad.page.text).toContain(CE)
    expect(bad.page.text).toContain('Value not recognised for this column')
    expect(bad.page.text).not.toContain('Accept this file')
    // Drilling down to a row of a theme list finds it (the theme list is in the import's library).
    const problems = await admin.get(`/annex-a/imports/${bad.importId}/problems?rule=cell.unmapped`).expect(200)
    const rowLink = /href="(\/annex-a\/imports\/[^"]+\/row\?list=[^"]+&amp;row=2)"/.exec(problems.text)
    expect(rowLink).not.toBeNull()
    const row = await admin.get(rowLink![1]!.replace(/&amp;/g, '&')).expect(200)
    expect(row.text).toContain(`${CE} row 2`)
    expect(row.text).toMatch(/app-cell--problem[^>]*>\s*Trafficking drugs/)

    const { importId, page } = await upload(
      admin,
      await writeListCsv('ce.csv', criminalExploitationRows()),
      CLEAN_NOTIFIED,
    )
    expect(page.text).toContain(CE)
    expect(page.text).toContain('Accept this file')
    await admin
      .post(`/annex-a/imports/${importId}/accept`)
      .type('form')
      .send({ _csrf: admin.csrf, reason: '' })
      .expect(303)
    const rows = await t.handle.db
      .selectFrom('annex_a_children')
      .select(['list', 'child_id', 'theme', 'event_date'])
      .where('partnership_id', '=', partnershipId)
      .where('list', '=', CE)
      .orderBy('child_id')
      .execute()
    expect(rows).toEqual([
      { list: CE, child_id: 'C1001', theme: true, event_date: '2025-11-01' },
      { list: CE, child_id: 'C2001', theme: true, event_date: '2026-01-15' },
    ])
  })

  it('filters the register to children on a theme list, matched by child id across lists', async () => {
    const all = await laLead.get('/register').expect(200)
    expect(all.text).toContain('4 children')
    expect(all.text).toContain('On a theme list only')
    const theme = await laLead.get('/register?theme=yes').expect(200)
    expect(theme.text).toContain('2 children match the filters')
    expect(theme.text).toContain('C1001')
    expect(theme.text).toContain('C2001')
    expect(theme.text).not.toContain('C1002')
    const href = /href="(\/register\/children\/[0-9a-f-]{36})">C1001</.exec(theme.text)!
    const child = await laLead.get(href[1]!).expect(200)
    expect(child.text).toContain(CE)
    expect(child.text).toContain('List 6: Children in need')
    expect(child.text).toContain('Date risk identified')
  })

  it('puts the accepted theme list in the Ofsted workbook', async () => {
    await admin.get('/annex-a/export.xlsx').buffer(true).expect(200)
    const [, latest] = await audit('annex-a.exported')
    expect((latest!.details as { lists: string[] }).lists).toContain(CE)
  })
})

describe('cross-list rules against the lists already accepted', () => {
  it('checks a List 7 uploaded on its own against the List 6 accepted from an earlier file', async () => {
    const crossPartnership = await createPartnership(t, 'Crosslist SCP')
    const coordinator = await signIn(t, await createPerson(t, crossPartnership, ['administrator']))
    const six = await upload(coordinator, await writeListCsv('List_6.csv', list6Rows()), CLEAN_NOTIFIED)
    expect(six.page.text).toContain('Accept this file')
    await coordinator
      .post(`/annex-a/imports/${six.importId}/accept`)
      .type('form')
      .send({ _csrf: coordinator.csrf, reason: '' })
      .expect(303)

    // C1001 is on the accepted List 6; C9009 is not.
    const [headers, c1001] = list7Rows() as [string[], string[]]
    const seven = await upload(
      coordinator,
      await writeListCsv('List_7.csv', [headers, c1001, ['C9009', ...c1001.slice(1)]]),
      CLEAN_NOTIFIED,
    )
    expect(seven.page.text).toContain('Child protection child missing from children in need')
    const problems = await coordinator
      .get(`/annex-a/imports/${seven.importId}/problems?rule=cp.missing-from-cin`)
      .expect(200)
    expect(problems.text).toContain('C9009')
    expect(problems.text).toContain('not in the accepted List 6')
    expect(problems.text).not.toContain('Child C1001 ')
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .select(['errors', 'queries'])
      .where('id', '=', seven.importId)
      .executeTakeFirstOrThrow()
    expect(imp).toEqual({ errors: 0, queries: 1 })
  })
})

describe('accepting a file whose only findings are queries', () => {
  it('needs a reason for each kind of query, then keeps, shows, reports and audits each one', async () => {
    const other = await createPartnership(t, 'Queries SCP')
    const coordinator = await signIn(t, await createPerson(t, other, ['inspection-coordinator']))
    const six = await upload(coordinator, await writeListCsv('List_6.csv', list6Rows()), CLEAN_NOTIFIED)
    await coordinator
      .post(`/annex-a/imports/${six.importId}/accept`)
      .type('form')
      .send({ _csrf: coordinator.csrf })
      .expect(303)
    // C9009 is on the List 7 but not the accepted List 6, and C1001's row is there twice: two kinds of query.
    const [headers, c1001] = list7Rows() as [string[], string[]]
    const seven = await upload(
      coordinator,
      await writeListCsv('List_7.csv', [headers, c1001, c1001, ['C9009', ...c1001.slice(1)]]),
      CLEAN_NOTIFIED,
    )
    expect(seven.page.text).toContain('Accept this file')
    const form = await coordinator.get(`/annex-a/imports/${seven.importId}/accept`).expect(200)
    expect(form.text).toContain('name="reason-cp-missing-from-cin"')
    expect(form.text).toContain('name="reason-row-duplicate"')
    expect(form.text).toContain('Duplicate row (1 query)')

    const cpReason = 'C9009 moved in from another authority; their child in need record follows on Monday.'
    for (const dup of ['', '   ']) {
      const refused = await coordinator
        .post(`/annex-a/imports/${seven.importId}/accept`)
        .type('form')
        .send({ _csrf: coordinator.csrf, 'reason-cp-missing-from-cin': cpReason, 'reason-row-duplicate': dup })
        .expect(400)
      expect(refused.text).toContain('<title>Error: ')
      const summary = /<div class="govuk-error-summary[\s\S]*?<\/ul>/.exec(refused.text)![0]
      expect(summary).toContain('href="#reason-row-duplicate"')
      expect(summary).toContain('Explain why the query ‘Duplicate row’ can be accepted')
      expect(summary).not.toContain('reason-cp-missing-from-cin')
      expect(refused.text).toMatch(/govuk-error-message[\s\S]*?Explain why the query ‘Duplicate row’ can be accepted/)
      expect(refused.text).toContain(cpReason)
    }
    const rowsOfSeven = () =>
      t.handle.db.selectFrom('annex_a_children').select('id').where('import_id', '=', seven.importId).execute()
    expect(await rowsOfSeven()).toHaveLength(0)

    const dupReason = 'C1001 had two plans started on one day; the second is a recording error being corrected.'
    await coordinator
      .post(`/annex-a/imports/${seven.importId}/accept`)
      .type('form')
      .send({
        _csrf: coordinator.csrf,
        'reason-cp-missing-from-cin': `  ${cpReason}  `,
        'reason-row-duplicate': dupReason,
      })
      .expect(303)
      .expect('Location', '/annex-a')
    expect(await rowsOfSeven()).toHaveLength(3)
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .select(['status', 'queries', 'queries_reason', 'queries_reasons'])
      .where('id', '=', seven.importId)
      .executeTakeFirstOrThrow()
    expect(imp).toMatchObject({ status: 'accepted', queries: 2, queries_reason: null })
    expect(imp.queries_reasons).toEqual(
      expect.arrayContaining([
        { rule: 'cp.missing-from-cin', title: expect.any(String), count: 1, reason: cpReason },
        { rule: 'row.duplicate', title: 'Duplicate row', count: 1, reason: dupReason },
      ]),
    )
    expect(imp.queries_reasons).toHaveLength(2)
    const events = await t.handle.db
      .selectFrom('audit_events')
      .selectAll()
      .where('partnership_id', '=', other)
      .where('action', '=', 'annex-a.accepted')
      .orderBy('seq')
      .execute()
    expect(events.at(-1)).toMatchObject({
      entity_id: seven.importId,
      details: {
        queries: 2,
        queriesReasons: expect.arrayContaining([{ rule: 'row.duplicate', count: 1, reason: dupReason }]),
      },
    })
    const findings = await coordinator.get(`/annex-a/imports/${seven.importId}`).expect(200)
    expect(findings.text).toContain('Why ‘Duplicate row’ was accepted (1 query)')
    expect(findings.text).toContain(dupReason)
    expect(findings.text).toContain(cpReason)

    const report = await coordinator
      .get(`/annex-a/imports/${seven.importId}/problems.xlsx`)
      .responseType('blob')
      .expect(200)
    const workbook = new ExcelJS.Workbook()
    const body = report.body as Buffer
    await workbook.xlsx.load(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer)
    const byRule = workbook.getWorksheet('By rule')!
    expect(byRule.getRow(1).getCell(5).value).toBe('Why it was accepted')
    const reasonsInReport: unknown[] = []
    byRule.eachRow((row, n) => n > 1 && reasonsInReport.push(row.getCell(5).value))
    expect(reasonsInReport).toEqual(expect.arrayContaining([cpReason, dupReason]))
  })
})

describe('Annex A for an inspection: the lists its framework asks for', () => {
  let jtai: string
  let coordinator: Agent
  let coordinatorId: string
  let inspectionId: string

  beforeAll(async () => {
    jtai = await createPartnership(t, 'JTAI SCP')
    const person = await createPerson(t, jtai, ['inspection-coordinator'])
    coordinatorId = person.id
    coordinator = await signIn(t, person)
    const scope = { partnershipId: jtai, personId: person.id, name: 'Coordinator', roles: person.roles, agencyId: null }
    const { inspection } = await t.services.inspections.create(scope, {
      frameworkId: 'criminal-exploitation',
      notifiedOn: CLEAN_NOTIFIED,
      notifiedTime: null,
      practice: false,
    })
    inspectionId = inspection.id
  })

  const accept = (importId: string) =>
    coordinator.post(`/annex-a/imports/${importId}/accept`).type('form').send({ _csrf: coordinator.csrf }).expect(303)
  const milestonePage = () => coordinator.get(`/inspections/${inspectionId}/milestones/annex-a-produced`).expect(200)

  it('names the lists on the upload page, checks only those, ignores the others and names the missing ones', async () => {
    const form = await coordinator.get('/annex-a/upload').expect(200)
    expect(form.text).toContain('Referrals (List 3)')
    expect(form.text).toContain('Section 47 enquiries and ICPCs (List 5)')
    expect(form.text).toContain('School-age children not in full-time education')
    expect(form.text).toContain(
      'Children at risk of criminal exploitation: the theme cohort, flagged by its “Risk type” column',
    )

    const { importId, page } = await upload(coordinator, CLEAN_SAMPLE_WORKBOOK, SAMPLE_NOTIFIED)
    expect(page.text).toContain('Lists this inspection asks for')
    expect(page.text).toContain(
      'This inspection’s framework asks for School-age children not in full-time education and Children at risk of criminal exploitation: not found in the file.',
    )
    expect(page.text).toContain('List 1 (Contacts) (sheet “List 1”)')
    expect(page.text).not.toContain('List not in the workbook')
    expect(page.text).toContain('No problems were found')
    const lists = /<table[\s\S]*?<\/table>/.exec(page.text)![0]
    expect(lists).toContain('Referrals')
    expect(lists).not.toContain('Contacts')

    const done = await accept(importId)
    expect(done.headers.location).toBe('/annex-a')
    const flash = (await coordinator.get('/annex-a').expect(200)).text
    expect(flash).toContain('from List 3, List 5 are now in the child register')
    expect(flash).toContain(
      'The inspection still needs School-age children not in full-time education and Children at risk of criminal exploitation.',
    )
    const accepted = await t.handle.db
      .selectFrom('annex_a_import_lists')
      .select('list')
      .where('import_id', '=', importId)
      .execute()
    expect(accepted.map((l) => l.list).sort()).toEqual(['List 3', 'List 5'])
    expect((await milestonePage()).text).not.toContain('Done by')
  })

  it('accepting the last list asked for marks “Annex A lists produced” done, with its audit event', async () => {
    const nfte = await upload(coordinator, await writeListCsv('NFTE.csv', notInEducationRows()), CLEAN_NOTIFIED)
    expect(nfte.page.text).toContain('not found in the file')
    await accept(nfte.importId)
    expect((await milestonePage()).text).not.toContain('Done by')

    const cohort = await upload(coordinator, await writeListCsv('CE.csv', criminalExploitationRows()), CLEAN_NOTIFIED)
    await accept(cohort.importId)
    expect((await coordinator.get('/annex-a').expect(200)).text).toContain(
      '‘Annex A lists produced’ is marked done on the inspection timeline.',
    )
    const completion = await t.handle.db
      .selectFrom('milestone_completions')
      .selectAll()
      .where('inspection_id', '=', inspectionId)
      .where('milestone_id', '=', 'annex-a-produced')
      .executeTakeFirstOrThrow()
    expect(completion).toMatchObject({ partnership_id: jtai, completed_by: coordinatorId })
    const events = await t.handle.db
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'details', 'seq'])
      .where('partnership_id', '=', jtai)
      .where('action', 'in', ['annex-a.accepted', 'milestone.completed'])
      .orderBy('seq')
      .execute()
    // One transaction: the acceptance and the milestone, one after the other.
    expect(events.slice(-2).map((e) => [e.action, e.entity_id])).toEqual([
      ['annex-a.accepted', cohort.importId],
      ['milestone.completed', inspectionId],
    ])
    expect((await milestonePage()).text).toContain('Done by Test inspection-coordinator')
  })
})

describe('the sample workbooks', () => {
  it('offers both on the upload page, as downloads', async () => {
    const form = await admin.get('/annex-a/upload').expect(200)
    expect(form.text).toContain('href="/annex-a/sample.xlsx"')
    expect(form.text).toContain('href="/annex-a/sample-cleaned.xlsx"')
    expect(form.text).toContain('Enter 10 March 2021 as the date Ofsted notified the partnership')
    for (const path of ['/annex-a/sample.xlsx', '/annex-a/sample-cleaned.xlsx']) {
      const res = await admin.get(path).responseType('blob').expect(200)
      expect(res.headers['content-type']).toContain('spreadsheetml')
      expect(res.headers['content-disposition']).toMatch(/^attachment/)
      expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK')
    }
  })

  it('the cleaned sample, uploaded with no inspection, is accepted with no errors and no queries', async () => {
    const other = await createPartnership(t, 'Newcomer SCP')
    const newcomer = await signIn(t, await createPerson(t, other, ['inspection-coordinator']))
    const cleaned = await newcomer.get('/annex-a/sample-cleaned.xlsx').responseType('blob').expect(200)
    const path = join(await mkdtemp(join(tmpdir(), 'annex-a-sample-')), 'Annex A sample (cleaned).xlsx')
    await writeFile(path, cleaned.body as Buffer)
    const { importId, page } = await upload(newcomer, path, SAMPLE_NOTIFIED)
    expect(page.text).toContain('No problems were found')
    expect(page.text).not.toContain('Lists this inspection asks for')
    const form = await newcomer.get(`/annex-a/imports/${importId}/accept`).expect(200)
    expect(form.text).not.toContain('Why the queries can be accepted')
    await newcomer.post(`/annex-a/imports/${importId}/accept`).type('form').send({ _csrf: newcomer.csrf }).expect(303)
    const imp = await t.handle.db
      .selectFrom('annex_a_imports')
      .select(['status', 'errors', 'queries'])
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    expect(imp).toEqual({ status: 'accepted', errors: 0, queries: 0 })
    const lists = await t.handle.db
      .selectFrom('annex_a_import_lists')
      .select('list')
      .where('import_id', '=', importId)
      .execute()
    expect(lists).toHaveLength(11)
  })
})

describe('a file that cannot be read', () => {
  const storedKeys = async () => {
    const keys: string[] = []
    for await (const k of t.services.files.listKeys()) keys.push(k)
    return keys.sort()
  }
  const imports = async () =>
    (await t.handle.db.selectFrom('annex_a_imports').select('id').where('partnership_id', '=', partnershipId).execute())
      .length

  it.each([
    ['truncated zip', 'damaged'],
    ['zip header then garbage', 'damaged'],
    ['macro-enabled content type', 'macros'],
    ['macro-enabled (vbaProject.bin)', 'macro'],
    ['password-protected workbook', 'password'],
    ['old xls format', 'excel 97–2003'],
  ])('%s is refused with a specific message, and nothing is written or kept', async (name, words) => {
    const c = CORPUS.find((x) => x.name === name)!
    const path = await c.build(await mkdtemp(join(tmpdir(), 'annex-a-refused-')))
    const [keysBefore, importsBefore, refusedBefore] = [
      await storedKeys(),
      await imports(),
      (await audit('annex-a.refused')).length,
    ]
    const form = await laLead.get('/annex-a/upload').expect(200)
    let req = laLead.post('/annex-a/upload').field('_csrf', csrfFrom(form.text))
    for (const [k, v] of Object.entries(dateFields(CLEAN_NOTIFIED))) req = req.field(k, v)
    const res = await req.attach('file', path)
    let page: request.Response
    if (res.status === 303) {
      // Checked off the request path: the check ends by pointing back at itself, which then says why.
      const checkUrl = res.headers.location!
      let status = (await laLead.get(`${checkUrl}?format=json`).expect(200)).body as {
        done: boolean
        next: string | null
      }
      for (let i = 0; i < 300 && !status.done; i++) {
        await new Promise((r) => setTimeout(r, 100))
        status = (await laLead.get(`${checkUrl}?format=json`).expect(200)).body
      }
      expect(status.next).toBe(checkUrl)
      page = await laLead.get(checkUrl).expect(422)
      expect(page.text).toContain('The file could not be checked')
      expect(page.text).toContain('href="/annex-a/upload"')
      expect(await audit('annex-a.refused')).toHaveLength(refusedBefore + 1)
      const event = (await audit('annex-a.refused')).at(-1)!
      expect(event.details).toMatchObject({
        rule: c.rule,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        fileNameSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      expect(JSON.stringify(event)).not.toContain(c.fileName)
    } else {
      // Refused as it arrived (its first bytes say it is not a workbook): the upload form says why.
      expect(res.status).toBe(400)
      page = res
    }
    expect(page.text).toContain('<title>Error: ')
    expect(page.text).toContain('govuk-error-summary')
    const summary = /<div class="govuk-error-summary[\s\S]*?<\/ul>/.exec(page.text)![0]
    expect(summary.toLowerCase()).toContain(words)
    expect(page.text).not.toMatch(/\bat [\w.]+ \(|Something unexpected/)
    expect(await imports()).toBe(importsBefore)
    expect(await storedKeys()).toEqual(keysBefore)
  })
})

describe('after a restart', () => {
  it('a findings page starts no check: it offers one, and joins the check under way', async () => {
    const first = await upload(admin, SAMPLE, '2021-03-10')
    // A second app on the same database and file store: the findings are no longer in memory.
    const restarted = await buildTestApp({ handle: t.handle, files: t.services.files })
    const me = await signIn(restarted, await createPerson(restarted, partnershipId, ['administrator']))
    const checksBefore = (await audit('annex-a.validated')).length
    for (const path of ['', '/map', '/accept', '/problems?rule=child.duplicate']) {
      const page = await me.get(`/annex-a/imports/${first.importId}${path}`).expect(200)
      expect(page.text).toContain('Check the file again')
      expect(page.headers['cache-control']).toBe('no-store')
    }
    const started = await me
      .post(`/annex-a/imports/${first.importId}/check-again`)
      .type('form')
      .send({ _csrf: me.csrf })
      .expect(303)
    const again = await me
      .post(`/annex-a/imports/${first.importId}/check-again`)
      .type('form')
      .send({ _csrf: me.csrf })
      .expect(303)
    const visit = await me.get(`/annex-a/imports/${first.importId}`)
    if (visit.status === 303) expect(visit.headers.location).toBe(started.headers.location)
    expect(again.headers.location).toBe(started.headers.location)
    const done = await follow(me, started.headers.location!)
    expect(done.importId).toBe(first.importId)
    // Checking again updates the import's counts; a page view alone never wrote anything.
    expect((await audit('annex-a.validated')).length).toBe(checksBefore)
  })
})
