import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bundledFrameworksDirectory, loadFrameworksFromDirectory } from '../../features/frameworks/loadDirectory'
import { formatFrameworkProblem, parseFramework } from './parse'

const frontDoorText = await readFile(join(bundledFrameworksDirectory(), 'front-door.json'), 'utf8')

function messagesWith(caseQuestions: unknown): string[] {
  const result = parseFramework(JSON.stringify({ ...JSON.parse(frontDoorText), caseQuestions }), 'front-door.json')
  return result.ok ? [] : result.errors.map(formatFrameworkProblem)
}

describe('framework questions about each selected child (caseQuestions)', () => {
  it('the criminal exploitation framework asks one; the others none (the seeds give no more)', async () => {
    const { frameworks } = await loadFrameworksFromDirectory(bundledFrameworksDirectory())
    const asked = Object.fromEntries(frameworks.map((f) => [f.id, (f.caseQuestions ?? []).map((q) => q.text)]))
    expect(asked).toEqual({
      'criminal-exploitation': ['Is the child known to be at risk of or experiencing criminal exploitation?'],
      'csa-family': [],
      'domestic-abuse': [],
      'early-help': [],
      'front-door': [],
      'serious-youth-violence': [],
    })
  })

  it('accepts a question with a hint, and refuses a repeated id, an empty text and an unknown field', () => {
    expect(messagesWith([{ id: 'missing-from-education', text: 'Is the child missing education?', hint: 'From your records' }])).toEqual([])
    expect(messagesWith([{ id: 'q', text: 'A?' }, { id: 'q', text: 'B?' }])).toEqual([
      'front-door.json: caseQuestions: should not repeat a question id',
    ])
    expect(messagesWith([{ id: 'q', text: ' ' }])[0]).toMatch(/caseQuestions\[0\]\.text/)
    expect(messagesWith([{ id: 'q', text: 'A?', answers: ['Yes'] }])[0]).toMatch(/caseQuestions\[0\]/)
  })
})
