import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeTempCsv } from '../../../test/support/annexA'
import { annexACommand } from './annexA'

const SAMPLE = new URL('../../../test/fixtures/annex-a/Annex_A_2024_Jan.xlsx', import.meta.url).pathname

async function run(args: string[]) {
  let out = ''
  let err = ''
  const code = await annexACommand.run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) })
  return { code, out, err }
}

describe('jtai annex-a validate', () => {
  it('prints the JSON shape for the sample workbook', async () => {
    const { code, out, err } = await run(['validate', SAMPLE, '--notified', '2021-03-10', '--json'])
    expect(err).toBe('')
    expect(code).toBe(1) // the sample has errors
    const json = JSON.parse(out) as { lists: Array<Record<string, unknown>>; problems: Array<Record<string, unknown>> }
    expect(json.lists[2]).toEqual({ list: 'List 3', rows: 6, errors: 0, queries: 0 })
    expect(Object.keys(json.problems[0] ?? {})).toEqual(['rule', 'severity', 'list', 'row', 'column', 'message'])
  })
  it('prints a readable summary without --json', async () => {
    const { out } = await run(['validate', SAMPLE, '--notified', '2021-03-10'])
    expect(out).toContain('Problems by rule:')
    expect(out).toContain('List 6')
  })
  it('refuses an unreadable file with one sentence and no stack trace', async () => {
    const path = await writeTempCsv('broken.xlsx', [['not', 'a', 'workbook']])
    const { code, out, err } = await run(['validate', path, '--json'])
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err.trim().split('\n')).toHaveLength(1)
    expect(err).toContain('rename it to .csv')
    expect(err).not.toMatch(/\bat \w+ \(/)
  })
  it('rejects a bad --notified date and a missing file', async () => {
    expect((await run(['validate', SAMPLE, '--notified', '2024-02-30'])).code).toBe(2)
    const missing = await run(['validate', '/no/such/file.xlsx'])
    expect(missing.code).toBe(2)
    expect(missing.out).toBe('')
    expect(missing.err).toBe(
      'There is no file at /no/such/file.xlsx: check the path and give the path of an .xlsx or .csv file.\n',
    )
  })
  it('says a folder is a folder, not a file, in one sentence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-folder-'))
    for (const args of [
      ['validate', dir],
      ['validate', dir, '--json'],
    ]) {
      const { code, out, err } = await run(args)
      expect(code).toBe(2)
      expect(out).toBe('')
      expect(err).toBe(`${dir} is a folder, not a file: give the path of an .xlsx or .csv file.\n`)
      expect(err).not.toContain('Something unexpected')
    }
  })
})
