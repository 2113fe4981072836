import type { ListValidator } from './listValidator'
import type { ValidationContext } from './validationContext'

/** A child on a child protection plan (List 7) is a child in need, so should also be on List 6. */
export function checkCpChildrenInCin(validators: ListValidator[], ctx: ValidationContext): void {
  const cin = validators.find((v) => v.list.number === 6)
  const cp = validators.find((v) => v.list.number === 7)
  if (!cin || !cp) return
  const cinIds = new Set<string>()
  for (const row of cin.rowsByNumber.values()) if (row.childId) cinIds.add(row.childId)
  for (const row of cp.rowsByNumber.values()) {
    if (!row.childId || cinIds.has(row.childId)) continue
    ctx.add('cp.missing-from-cin', {
      list: cp.key,
      row: row.row,
      column: cp.list.columns.find((c) => c.id === cp.list.childIdColumn)?.label ?? null,
      value: row.childId,
      message: `Child ${row.childId} is on a child protection plan but not in ${cin.key} (children in need): add them to ${cin.key}, or check the child id.`,
    }, row)
  }
}
