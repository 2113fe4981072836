import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WorkingDayCalendar } from '../../domain/calendar/workingDayCalendar'
import { bundledFrameworksDirectory } from '../../features/frameworks/loadDirectory'
import { createTimelineCommand, timelineCommand } from './timeline'

async function run(args: string[], command = timelineCommand) {
  let stdout = ''
  let stderr = ''
  const code = await command.run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) })
  return { code, stdout, stderr }
}

describe('jtai timeline', () => {
  it('prints the timeline as JSON in exactly the agreed shape', async () => {
    const { code, stdout, stderr } = await run(['--framework', 'front-door', '--notified', '2023-01-09', '--json'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const body = JSON.parse(stdout) as { framework: string; milestones: Record<string, unknown>[] }
    expect(Object.keys(body)).toEqual(['framework', 'milestones'])
    expect(body.framework).toBe('front-door')
    for (const m of body.milestones) expect(Object.keys(m)).toEqual(['id', 'title', 'date', 'time', 'day'])
    expect(body.milestones[0]).toEqual({
      id: 'notification',
      title: 'Inspection notified',
      date: '2023-01-09',
      time: null,
      day: 1,
    })
    expect(body.milestones.find((m) => m.id === 'audit-report-due')).toMatchObject({
      date: '2023-01-19',
      time: '17:00',
      day: 9,
    })
    expect(body.milestones.find((m) => m.id === 'publication')).toMatchObject({ date: '2023-03-16', day: null })
  })

  it('accepts --option=value and prints a readable table by default', async () => {
    const { code, stdout } = await run(['--framework=serious-youth-violence', '--notified=2024-03-18'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^Joint targeted area inspections of the multi-agency response to serious youth violence/)
    expect(stdout).toMatch(/11\s+Wed 3 Apr 2024\s+Fieldwork starts\s+Senior approver/)
    expect(stdout).toMatch(/Day\s+Date\s+Time\s+Milestone\s+Owner/)
  })

  it.each([
    [
      ['--framework', 'nope', '--notified', '2023-01-09'],
      /^There is no framework "nope"; choose one of: criminal-exploitation, .*front-door.*\.\n$/,
    ],
    [
      ['--framework', 'front-door', '--notified', '2023-02-30'],
      /^The notification date "2023-02-30" is not a real date in the form YYYY-MM-DD\.\n$/,
    ],
    [
      ['--framework', 'front-door', '--notified', '2023-01-07'],
      /^The notification date 2023-01-07 is not a working day \(a weekend\)/,
    ],
    [['--framework', 'front-door', '--notified', '2023-12-25'], /not a working day \(Christmas Day\)/],
    [['--framework', 'front-door'], /^Say when the inspection was notified/],
    [['--notified', '2023-01-09'], /^Say which framework with --framework <id>/],
    [['--framework'], /^--framework needs a value\.\n$/],
    [['--frame', 'front-door'], /^"--frame" is not an option of the timeline command/],
  ])('refuses %j with one sentence and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(message)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })

  it('uses the calendar and folder it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'frameworks-'))
    await writeFile(
      join(dir, 'front-door.json'),
      await readFile(join(bundledFrameworksDirectory(), 'front-door.json'), 'utf8'),
    )
    await writeFile(join(dir, 'early-help.json'), '{"id": "early-help"}')
    const calendar = new WorkingDayCalendar({ closures: [{ date: '2023-01-10', title: 'Office move' }] })
    const command = createTimelineCommand({ frameworksDir: dir, calendar })
    const ok = await run(['--framework', 'front-door', '--notified', '2023-01-09', '--json'], command)
    const annexA = (JSON.parse(ok.stdout) as { milestones: { id: string; date: string }[] }).milestones.find(
      (m) => m.id === 'annex-a-due',
    )
    expect(annexA?.date).toBe('2023-01-11')
    const broken = await run(['--framework', 'early-help', '--notified', '2023-01-09'], command)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(
      /^The framework file has a problem and cannot be used \(early-help\.json: title: is missing/,
    )
  })
})
