import { z } from 'zod'
import type { Holiday } from './holiday'
import { isIsoDate } from './isoDate'

/** Longer than any real bank holiday's name ("Bank holiday for the coronation of King Charles III" is 51). */
const MAX_TITLE = 120

const eventSchema = z.object({
  title: z.string().min(1).max(MAX_TITLE, `should be a name of ${MAX_TITLE} characters or fewer`),
  date: z.string().refine(isIsoDate, 'is not a real date in the form YYYY-MM-DD'),
  notes: z.string().optional(),
  bunting: z.boolean().optional(),
})

const divisionSchema = z.object({
  division: z.string().optional(),
  events: z.array(eventSchema),
})

const DIVISION = 'england-and-wales'

/** Result of reading a gov.uk bank holidays file: the holidays, or what is wrong with it. */
export type GovUkParseResult = { ok: true; holidays: Holiday[] } | { ok: false; problems: string[] }

/**
 * Reads gov.uk's bank-holidays.json (https://www.gov.uk/bank-holidays.json) and returns the
 * England and Wales events. Accepts the file's text or already-parsed JSON. Problems are written
 * for an administrator who uploaded the file, not for a developer.
 */
export function parseGovUkBankHolidays(input: unknown): GovUkParseResult {
  let data: unknown = input
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input)
    } catch {
      return { ok: false, problems: ['The file is not valid JSON, so it cannot be a gov.uk bank holidays list.'] }
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problems: ['The file should be a JSON object with an "england-and-wales" section.'] }
  }
  if (!(DIVISION in data)) {
    return {
      ok: false,
      problems: [
        'The file has no "england-and-wales" section; download it from https://www.gov.uk/bank-holidays.json.',
      ],
    }
  }
  const parsed = divisionSchema.safeParse((data as Record<string, unknown>)[DIVISION])
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const where = issue.path.length
          ? `england-and-wales.${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.')}`.replace(
              /\.\[/g,
              '[',
            )
          : 'england-and-wales'
        return `${where}: ${describeIssue(issue)}`
      }),
    }
  }
  const problems: string[] = []
  const seen = new Map<string, string>()
  for (const event of parsed.data.events) {
    const earlier = seen.get(event.date)
    if (earlier !== undefined) problems.push(`${event.date} is listed twice ("${earlier}" and "${event.title}").`)
    seen.set(event.date, event.title)
  }
  if (parsed.data.events.length === 0) problems.push('The "england-and-wales" section lists no bank holidays.')
  if (problems.length) return { ok: false, problems }
  const holidays = parsed.data.events
    .map((e) => ({ date: e.date, title: e.title }))
    .sort((a, b) => (a.date < b.date ? -1 : 1))
  return { ok: true, holidays }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type')
    return `should be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : issue.expected === 'string' ? 'text' : issue.expected === 'boolean' ? 'true or false' : issue.expected} but is missing or of the wrong kind`
  if (issue.code === 'too_small') return 'should not be empty'
  return issue.message
}
