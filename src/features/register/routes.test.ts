import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildTestApp,
  createAgency,
  createPartnership,
  createPerson,
  signIn,
  type Agent,
  type TestApp,
} from '../../../test/support/app'

let t: TestApp
let partnershipId: string
let admin: Agent
let policeLead: Agent

const IDS = ['10', '2', '1', '123', '1234', '1234A', '99%', '990', 'A10', 'A7']

/** Accepted Annex A children written straight into the register's table: the register is the subject here. */
async function seedChildren(pid: string): Promise<void> {
  const { id: importId } = await t.handle.db
    .insertInto('annex_a_imports')
    .values({
      partnership_id: pid,
      inspection_id: null,
      notified_on: '2026-03-02',
      file_name: 'lists.xlsx',
      file_key: '00000000-0000-4000-8000-0000000000b1',
      sha256: '0'.repeat(64),
      spec_version: 'ilacs-2023',
      rows_read: IDS.length,
      errors: 0,
      queries: 0,
      status: 'accepted',
      uploaded_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [i, childId] of IDS.entries())
    await t.handle.db
      .insertInto('annex_a_children')
      .values({
        partnership_id: pid,
        import_id: importId,
        list: childId === '1234A' ? 'List 8' : 'List 6',
        theme: false,
        row: i + 2,
        child_id: childId,
        dob: '2012-05-14',
        sex: 'b) Female',
        ethnicity: 'a) WBRI',
        disability: 'c) Unknown',
        legal_status: null,
        event_date: '2025-12-02',
        current: true,
        values: JSON.stringify({ child_unique_id: childId }),
      })
      .execute()
}

/** The Child Unique IDs the register shows, in its order. */
const listed = (html: string) =>
  [...html.matchAll(/href="\/register\/children\/[0-9a-f-]{36}">([^<]+)</g)].map((m) => m[1])
const search = (agent: Agent, fields: Record<string, string>) =>
  agent
    .post('/register/search')
    .type('form')
    .send({ _csrf: agent.csrf, ...fields })

beforeAll(async () => {
  t = await buildTestApp()
  partnershipId = await createPartnership(t, 'Anytown SCP')
  admin = await signIn(t, await createPerson(t, partnershipId, ['administrator']))
  const police = await createAgency(t, partnershipId, 'Anytown Police', 'police')
  policeLead = await signIn(t, await createPerson(t, partnershipId, ['agency-lead'], { agencyId: police }))
  await seedChildren(partnershipId)
}, 60_000)
afterAll(async () => t.close())

describe('child register', () => {
  it('sorts IDs as numbers where they are numbers (2 before 10), then as text', async () => {
    const page = await admin.get('/register').expect(200)
    expect(listed(page.text)).toEqual(['1', '2', '10', '123', '990', '1234', '1234A', '99%', 'A7', 'A10'])
  })

  it('shows coded values in words and dates as UK dates', async () => {
    const page = await admin.get('/register').expect(200)
    expect(page.text).toContain('>Female<')
    expect(page.text).not.toContain('b) Female')
    expect(page.text).toContain('White British')
    // (The filter's option values stay the codes the lists hold.)
    expect(page.text).not.toMatch(/>\s*a\) WBRI\s*</)
    expect(page.text).toContain('14 May 2012')
    expect(page.text).toContain('2 December 2025')
    // The filters offer the same words.
    expect(page.text).toMatch(/<option value="a\) WBRI"[^>]*>White British<\/option>/)
    const rowId = /\/register\/children\/([0-9a-f-]{36})/.exec(page.text)![1]!
    const child = await admin.get(`/register/children/${rowId}`)
    expect(child.text).toContain('Female')
    expect(child.text).not.toContain('b) Female')
    expect(child.text).toContain('14 May 2012')
  })

  it('finds a child by the whole ID or its first characters, keeping the ID out of every address', async () => {
    const res = await search(admin, { childId: '123', action: 'search' }).expect(303)
    expect(res.headers.location).toBe('/register')
    const found = await admin.get('/register').expect(200)
    expect(listed(found.text)).toEqual(['123', '1234', '1234A'])
    expect(found.text).toContain('3 children match the search')
    expect(found.text).toContain('value="123"')

    await search(admin, { childId: ' 2 ' }).expect(303)
    expect(listed((await admin.get('/register').expect(200)).text)).toEqual(['2'])
    await search(admin, { childId: 'a1' }).expect(303)
    expect(listed((await admin.get('/register').expect(200)).text)).toEqual(['A10'])
    // % and _ are only themselves, not patterns.
    await search(admin, { childId: '99%' }).expect(303)
    expect(listed((await admin.get('/register').expect(200)).text)).toEqual(['99%'])
    await search(admin, { childId: '_' }).expect(303)
    expect(listed((await admin.get('/register').expect(200)).text)).toEqual([])

    // The filters come along, in the address; the search stays in the session.
    const filtered = await search(admin, { childId: '1234', list: 'List 8' }).expect(303)
    expect(filtered.headers.location).toBe('/register?list=List+8')
    const both = await admin.get(filtered.headers.location!).expect(200)
    expect(listed(both.text)).toEqual(['1234A'])
    // The search form carries the filters shown, so searching again keeps them.
    expect(both.text).toContain('<input type="hidden" name="list" value="List 8">')
    expect(both.text).toContain('1 child match the search and the filters')

    await search(admin, { childId: '1234', action: 'clear' }).expect(303)
    expect(listed((await admin.get('/register').expect(200)).text)).toHaveLength(IDS.length)
  })

  it('records that someone searched, never the ID they searched for', async () => {
    await search(admin, { childId: '1234A' }).expect(303)
    await admin.get('/register').expect(200)
    const event = await t.handle.db
      .selectFrom('audit_events')
      .select(['details', 'summary'])
      .where('partnership_id', '=', partnershipId)
      .where('action', '=', 'register.viewed')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(event.details).toMatchObject({ filters: { childId: 'searched' }, shown: 1, total: 1 })
    expect(JSON.stringify(event)).not.toContain('1234')
    await search(admin, { action: 'clear' }).expect(303)
  })

  it('explains a search it cannot use, and refuses people who may not see child data', async () => {
    const long = await search(admin, { childId: 'x'.repeat(51) }).expect(400)
    expect(long.text).toContain('govuk-error-summary')
    expect(long.text).toContain('href="#childId"')
    expect(long.text).toContain('A Child Unique ID is at most 50 characters')
    const refused = await search(policeLead, { childId: '1' }).expect(403)
    expect(refused.text).toContain('You do not have access to this page')
  })
})
