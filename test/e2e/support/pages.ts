/**
 * Moving through the hosted pages the way a member does: by headings, button and link names and
 * labels, with axe on every page arrived at.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { expectAccessible } from '../../support/browser.ts';
import { eventually } from './eventually.ts';

/** Waits for the page with this main heading, then checks it with axe: every page gets checked. */
export async function arriveAt(page: Page, heading: string): Promise<void> {
  await eventually(
    () => page.getByRole('heading', { level: 1 }).textContent(),
    (text) => expect(text, `the heading of ${page.url()}`).toBe(heading),
  );
  await expectAccessible(page);
}

export const button = (scope: Page | Locator, name: string) =>
  scope.getByRole('button', { name, exact: true });

export const link = (scope: Page | Locator, name: string) => scope.getByRole('link', { name, exact: true });

/**
 * Clicks a button or link and waits for the document it leads to, so that the next check never
 * runs on the page before (several steps go from "Profile" to "Profile").
 */
export async function follow(page: Page, control: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await control.click();
  await navigated;
  await page.waitForLoadState();
}

/**
 * A checkbox by the words its label starts with: a USWDS label may go on with a description
 * ("Remember this browser" "Skip this step on this browser for 30 days.").
 */
export const checkbox = (page: Page, label: string) =>
  page.getByRole('checkbox', { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) });

/**
 * Ticks a USWDS checkbox the way a member does, by its label: USWDS draws its own box and moves
 * the real input off-screen, where a pointer cannot reach it.
 */
export async function tick(page: Page, label: string): Promise<void> {
  const box = checkbox(page, label);
  await page.locator(`label[for="${await box.getAttribute('id')}"]`).click();
  expect(await box.isChecked(), `${label} is ticked`).toBe(true);
}

/**
 * The error USWDS shows next to a field: the message its input is described by. Reading it
 * through aria-describedby proves that a screen reader hears it with the field, not just that
 * some text sits nearby.
 */
export async function errorOf(page: Page, label: string): Promise<string | null> {
  const input = page.getByLabel(label, { exact: true });
  if ((await input.getAttribute('aria-invalid')) !== 'true') return null;
  const ids = (await input.getAttribute('aria-describedby'))?.split(/\s+/) ?? [];
  const messages = await Promise.all(
    ids.map((id) => page.locator(`[id="${id}"].usa-error-message`).allTextContents()),
  );
  return messages.flat().join(' ') || null;
}

/**
 * Chromium logs a console error for every document answered with an error status: where a
 * journey expects one (a wrong password, a dead link), take exactly that entry out of `problems`.
 */
export async function takeStatusError(problems: string[], status: number): Promise<void> {
  const entry = (p: string) => p.startsWith('console:') && p.includes(`status of ${status}`);
  await eventually(
    () => problems.some(entry),
    (seen) => expect(seen, `a console entry for the expected ${status}`).toBe(true),
  );
  problems.splice(problems.findIndex(entry), 1);
}

/** The parts of My Account, by the names its navigation gives them. */
export const ACCOUNT_PARTS = ['Profile', 'Sign-in and security', 'Connected partners'] as const;
export type AccountPart = (typeof ACCOUNT_PARTS)[number];

/** The navigation every page of My Account shows. */
export const accountNav = (page: Page) => page.getByRole('navigation', { name: 'My Account' });

/**
 * "From My Account, select Profile": one step through the account navigation to a part, which
 * then shows as the current one.
 */
export async function selectPart(page: Page, part: AccountPart): Promise<void> {
  await follow(page, link(accountNav(page), part));
  await arriveAt(page, part);
  expect(await link(accountNav(page), part).getAttribute('aria-current'), `${part} is current`).toBe('page');
}
