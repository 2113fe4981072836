import { isIsoDate, longUkDate, ukDate } from './calendarDates'
import { withoutCodeLetter } from './normaliseText'
import type { ListValidator } from './listValidator'
import type { ListLibrary } from './specSchema'
import type { ValidationContext } from './validationContext'

const DOB = 'date_of_birth'
const SEX = 'gender'

/**
 * A child on one of the partnership's currently accepted lists, as the cross-list rules need it.
 * Plain data (strings and nulls only) so it passes to the validation worker by structured cloning.
 */
export interface AcceptedChild {
  /** The list's key, e.g. "List 6" or a theme list's title. */
  list: string
  childId: string
  /** 'YYYY-MM-DD' or null. */
  dob: string | null
  /** The Ofsted code for sex/gender (e.g. "b) Female") or null. */
  sex: string | null
}

/**
 * The accepted children that still count once this file is accepted: a list present in the file replaces
 * the accepted version of that list, so accepted rows of those lists are dropped. Malformed entries are ignored.
 */
export function acceptedOutsideFile(
  accepted: readonly AcceptedChild[] | undefined,
  validators: ListValidator[],
): AcceptedChild[] {
  if (!accepted?.length) return []
  const inFile = new Set(validators.map((v) => v.key))
  const out: AcceptedChild[] = []
  for (const a of accepted) {
    if (
      !a ||
      typeof a.list !== 'string' ||
      typeof a.childId !== 'string' ||
      a.childId.trim() === '' ||
      inFile.has(a.list)
    )
      continue
    out.push({
      list: a.list,
      childId: a.childId.trim(),
      dob: typeof a.dob === 'string' && isIsoDate(a.dob.slice(0, 10)) ? a.dob.slice(0, 10) : null,
      sex: typeof a.sex === 'string' && a.sex.trim() !== '' ? a.sex : null,
    })
  }
  return out
}

function childIdLabel(v: ListValidator): string | null {
  return v.list.columns.find((c) => c.id === v.list.childIdColumn)?.label ?? null
}

/**
 * A child on a child protection plan (List 7) is a child in need, so should also be on List 6. Each list
 * comes from this file when it is here, otherwise from the partnership's accepted version (`accepted`,
 * already without the lists in this file), and the message says which.
 */
export function checkCpChildrenInCin(
  validators: ListValidator[],
  ctx: ValidationContext,
  library?: ListLibrary,
  accepted: readonly AcceptedChild[] = [],
): void {
  const cin = validators.find((v) => v.list.number === 6)
  const cp = validators.find((v) => v.list.number === 7)
  const cinKey = cin?.key ?? library?.lists.find((l) => l.number === 6)?.key ?? 'List 6'
  const cpKey = cp?.key ?? library?.lists.find((l) => l.number === 7)?.key ?? 'List 7'
  if (cp) {
    let cinIds: Set<string> | null = null
    if (cin) {
      cinIds = new Set()
      for (const row of cin.rowsByNumber.values()) if (row.childId) cinIds.add(row.childId)
    } else if (accepted.some((a) => a.list === cinKey)) {
      cinIds = new Set(accepted.filter((a) => a.list === cinKey).map((a) => a.childId))
    }
    if (!cinIds) return
    const where = cin ? `${cinKey} (children in need)` : `the accepted ${cinKey} (children in need)`
    const fix = cin
      ? `add them to ${cinKey}, or check the child id.`
      : `add them to ${cinKey} and upload it again, or check the child id.`
    for (const row of cp.rowsByNumber.values()) {
      if (!row.childId || cinIds.has(row.childId)) continue
      ctx.add(
        'cp.missing-from-cin',
        {
          list: cp.key,
          row: row.row,
          column: childIdLabel(cp),
          value: row.childId,
          message: `Child ${row.childId} is on a child protection plan but not in ${where}: ${fix}`,
        },
        row,
      )
    }
    return
  }
  // A new List 6 without List 7: it replaces the accepted List 6, so check the accepted List 7 against it.
  if (!cin) return
  const cinIds = new Set<string>()
  for (const row of cin.rowsByNumber.values()) if (row.childId) cinIds.add(row.childId)
  const reported = new Set<string>()
  for (const a of accepted) {
    if (a.list !== cpKey || cinIds.has(a.childId) || reported.has(a.childId)) continue
    reported.add(a.childId)
    ctx.add('cp.missing-from-cin', {
      list: cin.key,
      row: null,
      column: childIdLabel(cin),
      value: a.childId,
      message: `Child ${a.childId} is on a child protection plan in the accepted ${cpKey} but not in this ${cinKey} (children in need): add them to ${cinKey}, or check the child id in both lists.`,
    })
  }
}

/** "14/05/2012 in the accepted List 6 and List 7; 15/05/2012 in the accepted List 3". */
function describeAccepted(conflicts: Array<{ list: string; value: string }>): string {
  const byValue = new Map<string, string[]>()
  for (const c of conflicts) {
    const lists = byValue.get(c.value) ?? []
    if (!lists.includes(c.list)) lists.push(c.list)
    byValue.set(c.value, lists)
  }
  return [...byValue].map(([value, lists]) => `${value} in the accepted ${lists.join(' and ')}`).join('; ')
}

/**
 * One child with a different date of birth or sex in this file and in the partnership's accepted lists
 * (`accepted`, already without the lists in this file). Each row is compared with every accepted list
 * the child is on, and the message names the accepted list the other value came from.
 */
export function checkChildrenAgainstAccepted(
  validators: ListValidator[],
  ctx: ValidationContext,
  accepted: readonly AcceptedChild[],
): void {
  if (!accepted.length) return
  const byChild = new Map<string, AcceptedChild[]>()
  for (const a of accepted) {
    if (!a.dob && !a.sex) continue
    const list = byChild.get(a.childId)
    if (list) list.push(a)
    else byChild.set(a.childId, [a])
  }
  if (!byChild.size) return
  for (const v of validators) {
    if (!v.list.childIdColumn) continue
    const dobLabel = v.list.columns.find((c) => c.id === DOB)?.label ?? 'Date of Birth'
    const sexLabel = v.list.columns.find((c) => c.id === SEX)?.label ?? 'Gender'
    for (const row of v.rowsByNumber.values()) {
      const childId = row.childId
      if (!childId) continue
      const others = byChild.get(childId)
      if (!others) continue
      const dob = typeof row.values[DOB] === 'string' ? row.values[DOB] : null
      const sex = typeof row.values[SEX] === 'string' ? row.values[SEX] : null
      if (dob) {
        const conflicts = others.flatMap((o) =>
          o.dob && o.dob !== dob ? [{ list: o.list, value: longUkDate(o.dob) }] : [],
        )
        if (conflicts.length) {
          ctx.add(
            'child.inconsistent-dob',
            {
              list: v.key,
              row: row.row,
              column: dobLabel,
              value: ukDate(dob),
              message: `Child ${childId} has date of birth ${longUkDate(dob)} here but ${describeAccepted(conflicts)}: correct whichever is wrong so the child matches across lists (an accepted list is corrected by uploading it again).`,
            },
            row,
          )
        }
      }
      if (sex) {
        const conflicts = others.flatMap((o) =>
          o.sex && o.sex !== sex ? [{ list: o.list, value: withoutCodeLetter(o.sex) }] : [],
        )
        if (conflicts.length) {
          ctx.add(
            'child.inconsistent-sex',
            {
              list: v.key,
              row: row.row,
              column: sexLabel,
              value: sex,
              message: `Child ${childId} is recorded as ${withoutCodeLetter(sex)} here but ${describeAccepted(conflicts)}: correct whichever is wrong so the child matches across lists (an accepted list is corrected by uploading it again).`,
            },
            row,
          )
        }
      }
    }
  }
}
