import AxeBuilder from '@axe-core/playwright'
import type { Page } from 'playwright-core'

/** WCAG 2.2 AA, the level public-sector services must meet. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>
export type AxeViolation = AxeResults['violations'][number]

export interface AxeOptions {
  /** CSS selectors to leave out of the check (use sparingly, with a reason next to the call). */
  exclude?: string[]
  /** Rule ids to skip (use sparingly, with a reason next to the call). */
  disableRules?: string[]
  /**
   * Run axe in the page itself (default true) instead of opening a blank page in the same context to
   * gather the results: the same rules and the same results for a page without cross-origin frames
   * (the app has none), at a fraction of the time on a busy machine, because opening a page means
   * starting a renderer. Set false for a page that embeds a cross-origin frame.
   */
  legacyMode?: boolean
}

/** Runs axe-core on the page as it is now and returns the WCAG 2.2 AA violations. */
export async function axeViolations(page: Page, options: AxeOptions = {}): Promise<AxeViolation[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS)
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector)
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules)
  builder = builder.setLegacyMode(options.legacyMode ?? true)
  const results = await builder.analyze()
  return results.violations
}

/** One line per violation, then one indented line per offending element. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map(
        (n) => `    target: ${JSON.stringify(n.target)}${n.failureSummary ? ` (${oneLine(n.failureSummary)})` : ''}`,
      )
      return [`  - ${v.id} [${v.impact ?? 'unknown impact'}]: ${v.help} (${v.helpUrl})`, ...targets].join('\n')
    })
    .join('\n')
}

/** Fails with a readable list (id, help, target) when the page has any WCAG 2.2 AA violation. */
export async function expectNoAxeViolations(page: Page, options: AxeOptions = {}): Promise<void> {
  const violations = await axeViolations(page, options)
  if (violations.length > 0) {
    throw new Error(
      `${violations.length} accessibility violation(s) (axe-core, ${WCAG_TAGS.join(', ')}) on ${page.url()}:\n${formatViolations(violations)}`,
    )
  }
}

function oneLine(text: string): string {
  const line = text
    .replace(/\s*\n\s*/g, '; ')
    .replace(/:;/g, ':')
    .trim()
  return line.length > 300 ? `${line.slice(0, 297)}...` : line
}
