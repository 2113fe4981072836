import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ACTION_WORDS, actionInWords, entityInWords } from './actionWords'

const src = join(import.meta.dirname, '..', '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

/** The values of a string-literal union type, read from its source: `export type X = | 'a' | 'b'`. */
function unionValues(file: string, typeName: string): string[] {
  const text = readFileSync(join(src, file), 'utf8')
  const match = new RegExp(`type ${typeName} =([^=]*?)\\n\\n`).exec(text)
  if (!match) throw new Error(`No type ${typeName} in ${file}`)
  return [...match[1]!.matchAll(/'([a-z-]+)'/g)].map((m) => m[1]!)
}

/**
 * Every audit action name the code writes: the value of each `action:` property that names one
 * ('agency.created', either side of `done ? 'milestone.completed' : 'milestone.reopened'`), and
 * `evidence.${action}` for every EvidenceAction. Another kind of computed name fails, so it is seen.
 */
function actionsWritten(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8')
    // The property's value runs to the next property or the end of the object.
    for (const m of text.matchAll(/\baction:([\s\S]*?)(?:,?\s*\n\s*(?:[A-Za-z_]+[:,]|\}|\.\.\.)|,\s*[A-Za-z_]+:)/g)) {
      const value = m[1]!
      const where = relative(src, file)
      for (const name of value.matchAll(/'([a-z0-9-]+(?:\.[a-z0-9-]+)+)'/g)) found.set(name[1]!, where)
      const template = /`([a-z0-9-]+)\.\$\{(\w+)\}`/.exec(value)
      if (template) {
        if (template[1] !== 'evidence')
          throw new Error(`${where}: a computed action name this test cannot read: ${value}`)
        for (const a of unionValues('domain/evidenceStatus.ts', 'EvidenceAction')) found.set(`evidence.${a}`, where)
      }
    }
  }
  return found
}

describe('audit actions in words', () => {
  it('has plain words for every action name the code writes', () => {
    const written = actionsWritten()
    // The scan itself works: it finds actions from across the capabilities.
    for (const known of ['agency.created', 'milestone.reopened', 'evidence.sign-off', 'session.timed-out'])
      expect(written.has(known), known).toBe(true)
    expect(written.size).toBeGreaterThan(40)
    const missing = [...written].filter(([name]) => !ACTION_WORDS[name]).map(([name, file]) => `${name} (${file})`)
    expect(missing, 'add a sentence for each to ACTION_WORDS in src/features/audit/actionWords.ts').toEqual([])
  })

  it('says each action as one plain sentence', () => {
    for (const [name, words] of Object.entries(ACTION_WORDS)) {
      expect(words, name).toMatch(/^[A-Z][^.]*[a-z]$/)
      expect(words, name).not.toContain(name)
    }
    expect(actionInWords('milestone.overridden')).toBe('Moved a milestone date')
    expect(actionInWords('evidence.approve')).toBe('Approved a document')
  })

  it('keeps an action it does not know readable', () => {
    expect(actionInWords('thing.done-again')).toBe('Thing: done again')
    expect(actionInWords('imported')).toBe('Imported')
    expect(entityInWords('evidence-requirement')).toBe('Evidence')
    expect(entityInWords('local-task')).toBe('Local task')
  })
})
