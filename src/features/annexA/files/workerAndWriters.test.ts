import { execFile } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { ilacsLibrary } from './specCache'
import { validateAnnexAFile } from './validateAnnexAFile'
import { findRow, readAllRows } from './rowsFile'
import { validateInProcess, validateInWorker } from './validateInWorker'
import { writeOfstedWorkbook } from './writeOfstedWorkbook'
import { writeProblemReport } from './writeProblemReport'

const SAMPLE = new URL('../../../../test/fixtures/annex-a/Annex_A_2024_Jan.xlsx', import.meta.url).pathname
const REPO = new URL('../../../../', import.meta.url).pathname

describe('validateInWorker', () => {
  it('gives the same result as in-process validation under vitest', async () => {
    const progress: number[] = []
    const inWorker = await validateInWorker(SAMPLE, { notified: '2021-03-10' }, (p) => progress.push(p.rowsRead))
    const direct = await validateAnnexAFile(SAMPLE, { notified: '2021-03-10' })
    expect(inWorker.problems).toEqual(direct.problems)
    expect(progress.at(-1)).toBe(59)
  })
  it('works when the app runs under tsx', async () => {
    const script = `import('./src/features/annexA/files/validateInWorker.ts').then(async (m) => { const r = await m.validateInWorker(${JSON.stringify(SAMPLE)}, { notified: '2021-03-10' }); console.log(JSON.stringify({ readable: r.readable, lists: r.lists.length })) })`
    // The tsx CLI as `npm start` runs it, on this test's Node (npx would add an npm process, and run
    // whichever `node` is first on PATH).
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx')
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, '-e', script], { cwd: REPO, timeout: 60_000 })
    expect(JSON.parse(stdout.trim().split('\n').pop() ?? '{}')).toEqual({ readable: true, lists: 11 })
  }, 60_000)
  it('with a rows file, writes the rows there (as in-process validation finds them) and sends none back', async () => {
    const rowsPath = join(await mkdtemp(join(tmpdir(), 'annex-a-rows-')), 'rows.ndjson')
    const inWorker = await validateInWorker(SAMPLE, { notified: '2021-03-10' }, () => {}, rowsPath)
    const direct = await validateAnnexAFile(SAMPLE, { notified: '2021-03-10' })
    expect(inWorker.rows).toEqual([])
    expect(direct.rows.length).toBeGreaterThan(0)
    expect(await readAllRows(rowsPath)).toEqual(direct.rows)
    const last = direct.rows.at(-1)!
    expect(await findRow(rowsPath, last.list, last.row)).toEqual(last)
    expect(await findRow(rowsPath, last.list, 99_999)).toBeUndefined()
    const inProcess = await validateInProcess(SAMPLE, { notified: '2021-03-10' }, () => {}, `${rowsPath}.2`)
    expect(inProcess.rows).toEqual([])
    expect(await readAllRows(`${rowsPath}.2`)).toEqual(direct.rows)
  })
  it('turns an unreadable file into one sentence', async () => {
    const r = await validateInWorker('/no/such/file.xlsx', { notified: '2021-03-10' })
    expect(r.readable).toBe(false)
    expect(r.problems).toHaveLength(1)
  })
})

describe('writers', () => {
  it('writes the problem report and an Ofsted-ready, formula-safe workbook', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'annex-a-out-'))
    const result = await validateAnnexAFile(SAMPLE, { notified: '2021-03-10' })
    await writeProblemReport(result, join(dir, 'report.xlsx'))
    const report = new ExcelJS.Workbook()
    await report.xlsx.readFile(join(dir, 'report.xlsx'))
    expect(report.worksheets.map((w) => w.name)).toEqual(['Summary', 'By rule', 'Problems', 'Values to map'])
    expect(report.getWorksheet('Problems')?.rowCount).toBe(result.problems.length + 1)

    const rows = [...result.rows]
    const first = rows[0]
    if (first) rows[0] = { ...first, values: { ...first.values, child_unique_id: '=HYPERLINK("http://x")' } }
    await writeOfstedWorkbook(rows, ilacsLibrary('ilacs-2023'), join(dir, 'ofsted.xlsx'))
    const out = new ExcelJS.Workbook()
    await out.xlsx.readFile(join(dir, 'ofsted.xlsx'))
    const list1 = out.getWorksheet('List 1')
    expect(out.worksheets).toHaveLength(11)
    expect(list1?.getRow(1).getCell(2).value).toBe('Gender')
    expect(list1?.getRow(2).getCell(1).value).toBe('\'=HYPERLINK("http://x")')
    expect(list1?.getRow(2).getCell(4).value).toBe('25/01/2015')
    expect(list1?.getRow(2).getCell(2).value).toBe('b) Female')
  })
})
