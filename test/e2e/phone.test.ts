/**
 * Text codes to a phone in Chromium: a new member sets up a phone as the first method, reading
 * the code off the local text outbox as off a phone; signs out; signs in with a text code after
 * asking for another one. Every page passes axe, the outbox page included, and no page breaks
 * its CSP or logs a console error.
 */
import { randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxText } from '../../lambdas/mfa/texts.ts';
import { launchBrowser, openPage, siteUrl } from '../support/browser.ts';
import { eventually } from './support/eventually.ts';
import { address, confirmFromMail, createAccount, SUBJECTS, signIn, signOut } from './support/members.ts';
import { arriveAt, button, follow, link } from './support/pages.ts';

const PASSWORD = 'amber lantern drift 58 violet';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The code of the newest text to this number, as the phone would show it. */
async function newestCode(e164: string, count: number): Promise<string> {
  const texts = await eventually(
    async () => {
      const { texts } = (await (await fetch(`${siteUrl()}/_local/texts.json`)).json()) as {
        texts: OutboxText[];
      };
      return texts.filter((t) => t.to === e164);
    },
    (found) => expect(found.length).toBe(count),
  );
  return /^(\d{6}) /.exec(texts[0]?.message ?? '')?.[1] ?? '';
}

/** A USWDS radio button, chosen as a member does: by its label. */
async function choose(page: Page, label: string): Promise<void> {
  const radio = page.getByRole('radio', { name: label, exact: true });
  await page.locator(`label[for="${await radio.getAttribute('id')}"]`).click();
  expect(await radio.isChecked(), `${label} is chosen`).toBe(true);
}

describe('signing up and in with text codes', () => {
  it('sets up a phone from a text, signs out, and signs in with another code sent on request', async () => {
    const { page, context, problems } = await openPage(browser);
    const email = address('katherine');
    const line = String(randomInt(0, 10_000)).padStart(4, '0');
    const e164 = `+1202555${line}`;

    const after = await createAccount(page, email, PASSWORD);
    await confirmFromMail(
      page,
      email,
      PASSWORD,
      { subject: SUBJECTS.signUp, after },
      'Set up multi-factor authentication',
    );
    const card = page
      .getByRole('main')
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: 'Text or voice message', exact: true }) });
    await follow(page, link(card, 'Set up'));

    await arriveAt(page, 'Set up a phone');
    await page.getByLabel('Phone number', { exact: true }).fill(`(202) 555-${line}`);
    await choose(page, 'Text message');
    await follow(page, button(page, 'Send code'));

    await arriveAt(page, 'Enter the 6-digit code');
    expect(await page.getByRole('main').textContent()).toContain(
      `We sent a code to the phone ending in ${line}`,
    );
    await page.getByLabel('Enter the 6-digit code', { exact: true }).fill(await newestCode(e164, 1));
    await follow(page, button(page, 'Continue'));
    await arriveAt(page, 'Recovery codes');
    await follow(page, button(page, 'Create recovery codes'));
    await arriveAt(page, 'Your recovery codes');
    await follow(page, link(page.getByRole('main'), 'Continue'));
    await arriveAt(page, 'Sign-in and security');

    await signOut(page);
    await signIn(page, email, PASSWORD);
    await arriveAt(page, 'Enter the 6-digit code');
    expect(await page.getByRole('main').textContent()).toContain(
      `We sent a code to the phone ending in ${line}`,
    );
    await newestCode(e164, 2);
    await follow(page, button(page, 'Send another code'));
    await arriveAt(page, 'Enter the 6-digit code');
    await page.getByLabel('Enter the 6-digit code', { exact: true }).fill(await newestCode(e164, 3));
    await follow(page, button(page, 'Continue'));
    await arriveAt(page, 'Profile');

    // The local outbox is a page too, and as accessible as the others.
    await page.goto(`${siteUrl()}/_local/texts`);
    await arriveAt(page, 'Text outbox');
    expect(await page.getByRole('table').textContent()).toContain(e164);

    expect(problems).toEqual([]);
    await context.close();
  });
});
