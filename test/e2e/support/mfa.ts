/**
 * The member's authenticator app and sheet of recovery codes on the pages: set up the app from
 * the key the setup page shows, answer "Enter the 6-digit code" with the code it shows now, use a
 * recovery code. The codes come from test/support/authenticator.ts: a second code from one key
 * moves the server's clock to the next 30-second step rather than waiting for it.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { freshCode } from '../../support/authenticator.ts';
import { arriveAt, button, follow, link, tick } from './pages.ts';

export { freshCode };

export interface Authenticator {
  /** The key as the setup page shows it, without the spaces that group it by 4. */
  readonly key: string;
  /** The 10 recovery codes, as shown once after setup. */
  readonly recoveryCodes: readonly string[];
}

/**
 * From "Set up multi-factor authentication" (the first method, right after sign-up): Set up an
 * authenticator app, scan... read the key, enter its first code, name it, Continue; Create
 * recovery codes, note the 10 codes, Continue to "Sign-in and security" in My Account, or to the
 * page `then` names (a partner sign-in in progress takes the member back to it instead).
 */
export async function setUpAuthenticatorApp(
  page: Page,
  name?: string,
  then = 'Sign-in and security',
): Promise<Authenticator> {
  await arriveAt(page, 'Set up multi-factor authentication');
  const card = page
    .getByRole('main')
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Authenticator app', exact: true }) });
  await follow(page, link(card, 'Set up'));

  await arriveAt(page, 'Set up an authenticator app');
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  expect(await qr.locator('svg').count(), 'the QR code is drawn inline').toBe(1);
  const shown = (await page.locator('code#totp-key').textContent()) ?? '';
  expect(shown, 'the key is grouped by 4 for typing').toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  const key = shown.replace(/\s/g, '');
  await page.getByLabel('Enter the 6-digit code', { exact: true }).fill(await freshCode(key));
  if (name !== undefined) await page.getByLabel('Name this method', { exact: true }).fill(name);
  await follow(page, button(page, 'Continue'));

  await arriveAt(page, 'Recovery codes');
  await follow(page, button(page, 'Create recovery codes'));
  await arriveAt(page, 'Your recovery codes');
  const recoveryCodes = await page.getByRole('main').locator('code').allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size, 'every recovery code differs').toBe(10);
  await follow(page, link(page.getByRole('main'), 'Continue'));
  await arriveAt(page, then);
  return { key, recoveryCodes };
}

/**
 * Answers "Enter the 6-digit code" (the page must be showing it, or be on its way) with a code
 * the app shows now, ticking "Remember this browser" if asked to, and Continue.
 */
export async function enterCode(
  page: Page,
  key: string,
  options: { remember?: boolean } = {},
): Promise<void> {
  await arriveAt(page, 'Enter the 6-digit code');
  if (options.remember) await tick(page, 'Remember this browser');
  await page.getByLabel('Enter the 6-digit code', { exact: true }).fill(await freshCode(key));
  await follow(page, button(page, 'Continue'));
}

/** Answers "Enter the 6-digit code" through "Use a recovery code" with this code. */
export async function useRecoveryCode(page: Page, code: string): Promise<void> {
  await arriveAt(page, 'Enter the 6-digit code');
  await follow(page, link(page.getByRole('main'), 'Use a recovery code'));
  await arriveAt(page, 'Use a recovery code');
  await page.getByLabel('Recovery code', { exact: true }).fill(code);
  await follow(page, button(page, 'Continue'));
}
