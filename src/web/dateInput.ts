import { z } from 'zod'

/** The three fields of a GOV.UK date input called `name`. */
export const dateInputFields = (name: string) => ({
  [`${name}-day`]: z.string().optional().default(''),
  [`${name}-month`]: z.string().optional().default(''),
  [`${name}-year`]: z.string().optional().default(''),
})

/** The years a date input accepts. */
export const MIN_YEAR = 2000
export const MAX_YEAR = 2099

/**
 * Reads a GOV.UK date input into 'YYYY-MM-DD'. Returns null when all three parts are empty, or a
 * message that says which part is wrong.
 */
export function readDateInput(
  form: Record<string, unknown>,
  name: string,
  label: string,
): { value: string | null } | { error: string } {
  const part = (p: string) => fieldText(form[`${name}-${p}`]).trim()
  const [d, m, y] = [part('day'), part('month'), part('year')]
  if (!d && !m && !y) return { value: null }
  const missing = [!d && 'day', !m && 'month', !y && 'year'].filter(Boolean)
  if (missing.length) return { error: `${label} must include a ${missing.join(' and ')}` }
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y))
    return { error: `${label} must be a real date, like 27 3 2027` }
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const date = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso)
    return { error: `${label} must be a real date, like 27 3 2027` }
  // Every date people enter here (notification, milestones, closure days, access, provided) is near
  // now; a year far outside would only be a slip, and the working-day calendar is built per year.
  if (Number(y) < MIN_YEAR || Number(y) > MAX_YEAR)
    return { error: `${label} must be between ${MIN_YEAR} and ${MAX_YEAR}` }
  return { value: iso }
}

/**
 * A form field's value as text. The urlencoded parser (extended: false) gives a list for a field sent
 * more than once: joined with commas, it is never a valid date part.
 */
function fieldText(value: unknown): string {
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return value.join(',')
  return typeof value === 'number' ? String(value) : ''
}

/** Splits 'YYYY-MM-DD' into the date input's values for re-display. */
export function dateInputValues(name: string, iso: string | null | undefined): Record<string, string> {
  if (!iso) return {}
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y ?? '' }
}
