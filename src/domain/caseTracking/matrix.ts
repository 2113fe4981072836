/**
 * The coordinator's live matrix of the agencies' "known to us" returns: pure rules, no I/O.
 * Children down, agencies across; each cell an agency's answer about a child.
 */

export type Known = 'yes' | 'no' | 'checking'

export interface MatrixAnswer {
  childId: string
  agencyId: string
  known: Known
  late: boolean
}

export interface MatrixReturn {
  agencyId: string
  submittedAt: Date | null
  late: boolean
}

/** Where an agency's return stands. */
export type ReturnStatus = 'submitted' | 'submitted-late' | 'in-progress' | 'not-started'

export const RETURN_STATUS_LABELS: Readonly<Record<ReturnStatus, string>> = {
  submitted: 'Submitted',
  'submitted-late': 'Submitted (late)',
  'in-progress': 'In progress',
  'not-started': 'Not started',
}

/** A cell's words: Yes, No, Checking, or — for no answer yet. */
export const KNOWN_LABELS: Readonly<Record<Known, string>> = { yes: 'Yes', no: 'No', checking: 'Checking' }
export const NO_ANSWER = '—'

/** Submitted (late when after the deadline), else in progress once anyone has answered, else not started. */
export function returnStatus(ret: MatrixReturn | undefined, answers: number): ReturnStatus {
  if (ret?.submittedAt) return ret.late ? 'submitted-late' : 'submitted'
  return answers > 0 ? 'in-progress' : 'not-started'
}

/** How many children are known (answered Yes) to no agency, to 1, to 2, and to 3 or more. */
export interface KnownCounts {
  none: number
  one: number
  two: number
  threeOrMore: number
}

/**
 * Counts the children by how many agencies answered Yes for them. Answers for children not in
 * `childIds` are ignored; an agency answering twice for one child counts once.
 */
export function knownCounts(childIds: readonly string[], answers: readonly MatrixAnswer[]): KnownCounts {
  const knownBy = new Map<string, Set<string>>(childIds.map((id) => [id, new Set()]))
  for (const a of answers) if (a.known === 'yes') knownBy.get(a.childId)?.add(a.agencyId)
  const counts: KnownCounts = { none: 0, one: 0, two: 0, threeOrMore: 0 }
  for (const agencies of knownBy.values()) {
    const n = agencies.size
    if (n === 0) counts.none++
    else if (n === 1) counts.one++
    else if (n === 2) counts.two++
    else counts.threeOrMore++
  }
  return counts
}

/** Per agency: how many children it has answered, how many Yes, and its status. */
export interface AgencyProgress {
  agencyId: string
  answered: number
  known: number
  checking: number
  status: ReturnStatus
}

export function agencyProgress(
  agencyIds: readonly string[],
  childIds: readonly string[],
  answers: readonly MatrixAnswer[],
  returns: readonly MatrixReturn[],
): AgencyProgress[] {
  const children = new Set(childIds)
  return agencyIds.map((agencyId) => {
    const mine = answers.filter((a) => a.agencyId === agencyId && children.has(a.childId))
    return {
      agencyId,
      answered: mine.length,
      known: mine.filter((a) => a.known === 'yes').length,
      checking: mine.filter((a) => a.known === 'checking').length,
      status: returnStatus(
        returns.find((r) => r.agencyId === agencyId),
        mine.length,
      ),
    }
  })
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "2 days 3 hours", "1 hour 20 minutes", "45 minutes", "less than a minute". */
function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return 'less than a minute'
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  if (days > 0) return hours ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day')
  if (hours > 0) return mins ? `${plural(hours, 'hour')} ${plural(mins, 'minute')}` : plural(hours, 'hour')
  return plural(mins, 'minute')
}

/** The countdown to the deadline: "1 hour 20 minutes left", or "Deadline passed 10 minutes ago". */
export function countdown(now: Date, dueAt: Date): { passed: boolean; text: string } {
  const ms = dueAt.getTime() - now.getTime()
  if (ms > 0) {
    const text = span(ms)
    return { passed: false, text: `${text.charAt(0).toUpperCase()}${text.slice(1)} left` }
  }
  const ago = span(-ms)
  return {
    passed: true,
    text: ago === 'less than a minute' ? 'Deadline passed just now' : `Deadline passed ${ago} ago`,
  }
}

/** Whether an answer or return made at `at` is late for a deadline (none: never late). */
export function isLate(at: Date, dueAt: Date | null): boolean {
  return dueAt !== null && at.getTime() > dueAt.getTime()
}
