import type { Page } from 'playwright-core'

/** Opens the timeline week a milestone is in (each week folds away; only the current one starts open). */
export async function openWeekOf(page: Page, title: string): Promise<void> {
  const week = page.locator('main details', { has: page.locator('tr', { hasText: title }) }).first()
  if ((await week.getAttribute('open')) === null) await week.locator('summary').click()
}
