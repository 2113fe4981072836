import { z } from 'zod'

/** The three fields of a GOV.UK date input called `name`. */
export const dateInputFields = (name: string) => ({
  [`${name}-day`]: z.string().optional().default(''),
  [`${name}-month`]: z.string().optional().default(''),
  [`${name}-year`]: z.string().optional().default(''),
})

/**
 * Reads a GOV.UK date input into 'YYYY-MM-DD'. Returns null when all three parts are empty, or a
 * message that says which part is wrong.
 */
export function readDateInput(form: Record<string, unknown>, name: string, label: string): { value: string | null } | { error: string } {
  const part = (p: string) => String(form[`${name}-${p}`] ?? '').trim()
  const [d, m, y] = [part('day'), part('month'), part('year')]
  if (!d && !m && !y) return { value: null }
  const missing = [!d && 'day', !m && 'month', !y && 'year'].filter(Boolean)
  if (missing.length) return { error: `${label} must include a ${missing.join(' and ')}` }
  if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y)) return { error: `${label} must be a real date, like 27 3 2027` }
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`
  const date = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { error: `${label} must be a real date, like 27 3 2027` }
  return { value: iso }
}

/** Splits 'YYYY-MM-DD' into the date input's values for re-display. */
export function dateInputValues(name: string, iso: string | null | undefined): Record<string, string> {
  if (!iso) return {}
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y ?? '' }
}
