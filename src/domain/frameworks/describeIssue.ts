import type { z } from 'zod'

/** Plain English for one zod issue; `root` is the whole input so the actual value can be described. */
export function describeZodIssue(issue: z.core.$ZodIssue, root: unknown): string {
  // Messages written in our schemas start with "should"; zod's defaults are developer-speak.
  if (issue.message.startsWith('should') || issue.message.startsWith('must')) return issue.message
  const actual = valueAt(root, issue.path)
  switch (issue.code) {
    case 'invalid_type':
      return actual === undefined ? `is missing (it should be ${kindName(issue.expected)})` : `should be ${kindName(issue.expected)}, not ${describeValue(actual)}`
    case 'invalid_value':
      return `should be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${describeValue(actual)}`
    case 'too_small':
      return issue.origin === 'array'
        ? `should list at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`
        : issue.origin === 'string'
          ? 'should not be empty'
          : `should be ${String(issue.minimum)} or more`
    case 'too_big':
      return issue.origin === 'array' ? `should list at most ${String(issue.maximum)} items` : `should be ${String(issue.maximum)} or less`
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a field' : 'fields'} ${issue.keys.map((k) => `"${k}"`).join(', ')} that ${issue.keys.length === 1 ? 'is' : 'are'} not recognised (check the spelling)`
    case 'invalid_union':
      return issue.discriminator
        ? `should be one of the allowed kinds, not ${describeValue(actual)}`
        : 'does not match any of the allowed shapes'
    case 'invalid_format':
      return 'is not in the expected format'
    default:
      return issue.message
  }
}

function kindName(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
  }
  return names[expected] ?? expected
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || typeof value === 'symbol') return String(value)
  // Not a value JSON can hold.
  return typeof value
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}
