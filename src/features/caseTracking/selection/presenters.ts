import type { SelectedChildRow } from './repository'

/**
 * A warning, never a block, when a count is outside the framework's usual range: "32 children are
 * selected. The inspectors usually select 20 to 30: check this is right."
 */
export function rangeWarning(
  count: number,
  range: { min: number; max: number },
  kind: 'selected' | 'audit',
): string | null {
  if (count >= range.min && count <= range.max) return null
  const are = count === 1 ? 'child is' : 'children are'
  return kind === 'selected'
    ? `${count} ${are} selected. The inspectors usually select ${range.min} to ${range.max}: check this is right.`
    : `${count} ${are} chosen for audit. The inspectors usually choose ${range.min} to ${range.max}: check this is right.`
}

/** Selected children for the pages' tables, with what each row shows. */
export function presentChildren<T extends SelectedChildRow>(children: readonly T[]) {
  return children.map((c) => ({
    ...c,
    otherText: Object.entries(c.other)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  }))
}
