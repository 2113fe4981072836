import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import ExcelJS from 'exceljs'
import { chronologyCommand } from './chronology'

const REPO = new URL('../../../', import.meta.url).pathname

/** Runs `jtai chronology …` as `npm run --silent jtai --` does (tsx src/cli/index.ts), as a child process. */
function jtai(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = join(REPO, 'node_modules', '.bin', 'tsx')
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsx, join(REPO, 'src/cli/index.ts'), 'chronology', ...args],
      { cwd, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

async function corpus(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'chronology-cli-'))
  const workbook = new ExcelJS.Workbook()
  const sheet = workbook.addWorksheet('Chronology')
  sheet.addRow(['Police chronology: Child A'])
  sheet.addRow(['Date', 'Time', 'What happened', 'Agency'])
  sheet.addRow([new Date('2026-03-03T00:00:00Z'), '14:05', 'Child seen at home by officers', 'Police'])
  sheet.addRow(['2 March 2026', null, 'Referral received', 'Police'])
  sheet.getColumn(1).numFmt = 'dd/mm/yyyy'
  await workbook.xlsx.writeFile(join(dir, 'police.xlsx'))
  await writeFile(
    join(dir, 'csc_chronology.csv'),
    'Event date,Details\n03/03/2026 10:00,Officers saw the child at home\n03/03/2026,Strategy discussion\n',
  )
  await writeFile(join(dir, 'school.csv'), 'Date,Event\n31/02/2026,Absent\n04/03/2026,\n05/03/2026,Attended\n')
  await writeFile(join(dir, 'notes.txt'), 'Some notes about the child\nwith no headings\n')
  return dir
}

describe('jtai chronology merge (as a child process)', () => {
  it('prints exactly the agreed JSON, in date order, and exits 0 when every row was read', async () => {
    const dir = await corpus()
    const { code, stdout, stderr } = await jtai(['merge', 'police.xlsx', 'csc_chronology.csv', '--json'], dir)
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual({
      entries: [
        {
          date: '2026-03-02',
          time: null,
          agency: 'Police',
          description: 'Referral received',
          file: 'police.xlsx',
          row: 4,
        },
        {
          date: '2026-03-03',
          time: '10:00',
          agency: 'csc',
          description: 'Officers saw the child at home',
          file: 'csc_chronology.csv',
          row: 2,
        },
        {
          date: '2026-03-03',
          time: '14:05',
          agency: 'Police',
          description: 'Child seen at home by officers',
          file: 'police.xlsx',
          row: 3,
        },
        {
          date: '2026-03-03',
          time: null,
          agency: 'csc',
          description: 'Strategy discussion',
          file: 'csc_chronology.csv',
          row: 3,
        },
      ],
      problems: [],
    })
    expect(stdout.endsWith('}\n')).toBe(true)
  }, 60_000)

  it('exits 1 with the unreadable rows in problems, not in entries', async () => {
    const dir = await corpus()
    const { code, stdout, stderr } = await jtai(['merge', 'school.csv', 'police.xlsx', '--json'], dir)
    expect(stderr).toBe('')
    expect(code).toBe(1)
    const body = JSON.parse(stdout) as { entries: Array<{ file: string; row: number }>; problems: unknown[] }
    expect(body.entries.map((e) => `${e.file} ${e.row}`)).toEqual(['police.xlsx 4', 'police.xlsx 3', 'school.csv 4'])
    expect(body.problems).toEqual([
      { file: 'school.csv', row: 2, column: 'Date', message: "'31/02/2026' is not a real date" },
      { file: 'school.csv', row: 3, column: 'Event', message: 'there is no description of what happened' },
    ])
  }, 60_000)

  it('exits 2 with one line on stderr when a file is missing or not a chronology', async () => {
    const dir = await corpus()
    for (const [file, message] of [
      ['gone.xlsx', 'gone.xlsx cannot be read: there is no such file: check the path.\n'],
      ['notes.txt', 'notes.txt cannot be read: no heading row with a date and what happened was found'],
    ] as const) {
      const { code, stdout, stderr } = await jtai(['merge', 'police.xlsx', file, '--json'], dir)
      expect(code).toBe(2)
      expect(stdout).toBe('')
      expect(stderr.startsWith(message)).toBe(true)
      expect(stderr.trim().split('\n')).toHaveLength(1)
    }
  }, 60_000)

  it('prints a readable table without --json, days apart and duplicates flagged', async () => {
    const dir = await corpus()
    const { code, stdout } = await jtai(['merge', 'police.xlsx', 'csc_chronology.csv'], dir)
    expect(code).toBe(0)
    expect(stdout.split('\n').slice(0, 6)).toEqual([
      'Date        Time   Agency  What happened',
      '2026-03-02         Police  Referral received',
      '',
      '2026-03-03  10:00  csc     Officers saw the child at home  [possible duplicate of Police (police.xlsx row 3)]',
      '2026-03-03  14:05  Police  Child seen at home by officers  [possible duplicate of csc (csc_chronology.csv row 2)]',
      '2026-03-03         csc     Strategy discussion',
    ])
    expect(stdout).toContain('4 events, 2 flagged as possible duplicates.')
    const school = await jtai(['merge', 'school.csv'], dir)
    expect(school.code).toBe(1)
    expect(school.stdout).toContain("school.csv row 2, Date: '31/02/2026' is not a real date")
  }, 60_000)

  it('refuses usage mistakes with exit 2 and answers --help (in process)', async () => {
    const run = async (args: string[]) => {
      let stdout = ''
      let stderr = ''
      const code = await chronologyCommand.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
      return { code, stdout, stderr }
    }
    for (const args of [['merge'], ['merge', 'police.xlsx', '--csv'], ['split'], []]) {
      const bad = await run(args)
      expect(bad.code).toBe(2)
      expect(bad.stdout).toBe('')
      expect(bad.stderr).toContain('Usage: npm run jtai -- chronology merge <file>... [--json]')
    }
    expect(await run(['--help'])).toEqual({
      code: 0,
      stdout: 'Usage: npm run jtai -- chronology merge <file>... [--json]\n',
      stderr: '',
    })
  })
})
