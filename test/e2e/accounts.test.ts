/**
 * The job aids' account journeys in Chromium: create an account with a personal email, add a
 * work email and make it the primary; move a work email over from a duplicate account; and get a
 * fresh confirmation link. Every page on the way passes axe, and no page breaks its CSP or logs
 * a console error.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, openPage, siteUrl } from '../support/browser.ts';
import { linkIn, mailsTo, newestMail } from './support/mail.ts';

const PASSWORD = 'maple cloud orbit 42 lantern';
const OTHER_PASSWORD = 'quiet harbor violet 17 tundra';

const SUBJECTS = {
  signUp: 'Confirm your email to finish creating your Verity account',
  addEmail: 'Confirm the email you added to your Verity account',
  heldElsewhere: 'Your email belongs to another Verity account',
};

/** A fresh address per run, so that journeys never meet accounts of an earlier run. */
const address = (who: string) => `${who}-${randomUUID()}@example.com`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Waits for the page with this main heading, then checks it with axe: every page gets checked. */
async function arriveAt(page: Page, heading: string): Promise<void> {
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
  await expectAccessible(page);
}

const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });

/**
 * Clicks a button or link and waits for the document it leads to, so that the next check never
 * runs on the page before (several steps go from "Your account" to "Your account").
 */
async function follow(page: Page, control: Locator): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await control.click();
  await navigated;
  await page.waitForLoadState();
}

/** The row of one address in the Email section of "Your account". */
const emailRow = (page: Page, email: string) =>
  page
    .getByRole('region', { name: 'Email' })
    .getByRole('listitem')
    .filter({ has: page.getByText(email, { exact: true }) });

/** The state and label tags shown next to an address, e.g. ['Confirmed', 'Work']. */
const tagsOf = (page: Page, email: string) => emailRow(page, email).locator('.usa-tag').allTextContents();

/**
 * Chromium logs a console error for every document answered with an error status: where a
 * journey expects one (a wrong password, a dead link), take exactly that entry out of `problems`.
 */
async function takeStatusError(problems: string[], status: number): Promise<void> {
  const entry = (p: string) => p.startsWith('console:') && p.includes(`status of ${status}`);
  await expect
    .poll(() => problems.some(entry), { message: `a console entry for the expected ${status}` })
    .toBe(true);
  problems.splice(problems.findIndex(entry), 1);
}

/** Create account from the home page, up to "Check your email". */
async function createAccount(page: Page, email: string, password: string): Promise<number> {
  await page.goto(siteUrl());
  await arriveAt(page, 'One account for the services you use');
  await follow(page, page.getByRole('main').getByRole('link', { name: 'Create account', exact: true }));
  await arriveAt(page, 'Create account');
  const before = (await mailsTo(email)).length;
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Create account'));
  await arriveAt(page, 'Check your email');
  await expect.poll(() => page.getByRole('main').textContent()).toContain(email);
  return before;
}

/** Opens the confirmation link of the newest such mail, enters the password, Continue. */
async function confirmFromMail(
  page: Page,
  email: string,
  password: string,
  mail: { subject: string; after: number },
): Promise<void> {
  await page.goto(linkIn(await newestMail(email, mail), '/confirm-email'));
  await arriveAt(page, 'Confirm your email');
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Continue'));
  await arriveAt(page, 'Your account');
}

/** A new account whose email is confirmed; the browser ends signed in on "Your account". */
async function createConfirmedAccount(page: Page, email: string, password: string): Promise<void> {
  const after = await createAccount(page, email, password);
  await confirmFromMail(page, email, password, { subject: SUBJECTS.signUp, after });
  await expect.poll(() => tagsOf(page, email)).toEqual(['Primary']);
}

async function signOut(page: Page): Promise<void> {
  await follow(page, button(page.getByRole('navigation', { name: 'Primary' }), 'Sign out'));
  await arriveAt(page, 'Sign in');
  await expect.poll(() => page.getByRole('status').textContent()).toContain('You signed out');
}

/**
 * Ticks a USWDS checkbox the way a member does, by its label: USWDS draws its own box and moves
 * the real input off-screen, where a pointer cannot reach it.
 */
async function tick(page: Page, label: string): Promise<void> {
  const box = page.getByLabel(label, { exact: true });
  await page.locator(`label[for="${await box.getAttribute('id')}"]`).click();
  expect(await box.isChecked(), `${label} is ticked`).toBe(true);
}

/** Fills the Sign in form (the page must be showing it) and submits it. */
async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await follow(page, button(page, 'Sign in'));
}

describe('a new member (job aid: personal email first, then the work email)', () => {
  it('creates an account, adds a work email, makes it the primary and signs in with it', async () => {
    const { page, context, problems } = await openPage(browser);
    const personal = address('pat');
    const work = address('pat-work');

    await createConfirmedAccount(page, personal, PASSWORD);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your email is confirmed');

    await follow(page, page.getByRole('link', { name: '+ Add an email', exact: true }));
    await arriveAt(page, 'Add an email');
    const after = (await mailsTo(work)).length;
    await page.getByLabel('Email address', { exact: true }).fill(work);
    await tick(page, 'Work');
    await follow(page, button(page, 'Send confirmation'));
    await arriveAt(page, 'Confirmation sent');
    await expect.poll(() => page.getByRole('main').textContent()).toContain(work);

    await confirmFromMail(page, work, PASSWORD, { subject: SUBJECTS.addEmail, after });
    await expect.poll(() => tagsOf(page, work)).toEqual(['Confirmed', 'Work']);
    await expect.poll(() => tagsOf(page, personal)).toEqual(['Primary']);

    // Set as primary needs a sign-in within 20 minutes: this one is seconds old, so no detour
    // through "Enter your password again".
    await follow(page, button(emailRow(page, work), 'Set as primary'));
    expect(new URL(page.url()).pathname).toBe('/account');
    await arriveAt(page, 'Your account');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your primary email changed');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Primary', 'Work']);
    await expect.poll(() => tagsOf(page, personal)).toEqual(['Confirmed']);

    await signOut(page);
    await signIn(page, work, PASSWORD);
    await arriveAt(page, 'Your account');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Primary', 'Work']);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('an existing member with a duplicate account (job aid: "If you already created a duplicate account")', () => {
  it('adds the work email that the duplicate holds, moves it over, and the duplicate is deleted', async () => {
    const member = await openPage(browser);
    const { page } = member;
    const personal = address('sam');
    const work = address('sam-work');

    // Account A with the personal email, then the duplicate B with the work email.
    await createConfirmedAccount(page, personal, PASSWORD);
    await signOut(page);
    await createConfirmedAccount(page, work, OTHER_PASSWORD);
    await signOut(page);

    // Signed in to A, the member adds the work email: the page is the same as for any address.
    await signIn(page, personal, PASSWORD);
    await arriveAt(page, 'Your account');
    await follow(page, page.getByRole('link', { name: '+ Add an email', exact: true }));
    await arriveAt(page, 'Add an email');
    const after = (await mailsTo(work)).length;
    await page.getByLabel('Email address', { exact: true }).fill(work);
    await tick(page, 'Work');
    await follow(page, button(page, 'Send confirmation'));
    await arriveAt(page, 'Confirmation sent');
    await expect.poll(() => page.getByRole('main').textContent()).toContain(work);

    // The work mailbox hears that the address belongs to another account, and can move it.
    const mail = await newestMail(work, { subject: SUBJECTS.heldElsewhere, after });
    expect(mail.text).toContain('already belongs to another Verity account');
    const moveLink = linkIn(mail, '/move-email');

    // The mailbox may be read anywhere: open the link in a browser that is signed in to nothing.
    const mailbox = await openPage(browser);
    await mailbox.page.goto(moveLink);
    await arriveAt(mailbox.page, 'Move your email to another account');
    await expect
      .poll(() => mailbox.page.getByRole('main').textContent())
      .toContain('moving it deletes that account (the duplicate)');
    await mailbox.page
      .getByLabel('Password of the account that has this email', { exact: true })
      .fill(OTHER_PASSWORD);
    await tick(mailbox.page, 'I understand the duplicate account will be deleted');
    await follow(mailbox.page, button(mailbox.page, 'Continue'));
    await arriveAt(mailbox.page, 'Email moved');
    await expect
      .poll(() => mailbox.page.getByRole('main').textContent())
      .toContain('The duplicate account was deleted.');

    // Signing in to A from the "Email moved" page: the work email is A's, confirmed.
    await follow(
      mailbox.page,
      mailbox.page.getByRole('main').getByRole('link', { name: 'Sign in', exact: true }),
    );
    await arriveAt(mailbox.page, 'Sign in');
    await signIn(mailbox.page, personal, PASSWORD);
    await arriveAt(mailbox.page, 'Your account');
    await expect.poll(() => tagsOf(mailbox.page, personal)).toEqual(['Primary']);
    await expect.poll(() => tagsOf(mailbox.page, work)).toEqual(['Confirmed', 'Work']);
    await signOut(mailbox.page);

    // B is gone: its password no longer opens anything with the work email ...
    await signIn(mailbox.page, work, OTHER_PASSWORD);
    await arriveAt(mailbox.page, 'Sign in');
    await expect
      .poll(() => mailbox.page.getByRole('alert').first().textContent())
      .toContain('There is a problem');
    await takeStatusError(mailbox.problems, 401);
    // ... while A's password does, since the work email is A's now.
    await signIn(mailbox.page, work, PASSWORD);
    await arriveAt(mailbox.page, 'Your account');
    await expect.poll(() => tagsOf(mailbox.page, work)).toEqual(['Confirmed', 'Work']);

    // The first browser, still signed in to A, sees the same.
    await page.goto(`${siteUrl()}/account`);
    await arriveAt(page, 'Your account');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Confirmed', 'Work']);

    expect(member.problems).toEqual([]);
    expect(mailbox.problems).toEqual([]);
    await Promise.all([member.context.close(), mailbox.context.close()]);
  });
});

describe('Resend confirmation on "Check your email"', () => {
  it('sends a new link, and the old one then ends on "This link does not work", which offers to resend', async () => {
    const { page, context, problems } = await openPage(browser);
    const email = address('lee');

    const before = await createAccount(page, email, PASSWORD);
    const oldLink = linkIn(
      await newestMail(email, { subject: SUBJECTS.signUp, after: before }),
      '/confirm-email',
    );

    await follow(page, button(page, 'Resend confirmation'));
    await arriveAt(page, 'Check your email');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('We sent a new link');
    const newLink = linkIn(
      await newestMail(email, { subject: SUBJECTS.signUp, after: before + 1 }),
      '/confirm-email',
    );
    expect(newLink).not.toBe(oldLink);

    const response = await page.goto(oldLink);
    expect(response?.status()).toBe(400);
    await arriveAt(page, 'This link does not work');
    await takeStatusError(problems, 400);
    // The page's own Resend confirmation form sends yet another link.
    await page.getByLabel('Email address', { exact: true }).fill(email);
    await follow(page, button(page, 'Resend confirmation'));
    await arriveAt(page, 'Check your email');
    const newest = linkIn(
      await newestMail(email, { subject: SUBJECTS.signUp, after: before + 2 }),
      '/confirm-email',
    );

    // The newest link finishes creating the account.
    await page.goto(newest);
    await arriveAt(page, 'Confirm your email');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await follow(page, button(page, 'Continue'));
    await arriveAt(page, 'Your account');
    await expect.poll(() => tagsOf(page, email)).toEqual(['Primary']);

    expect(problems).toEqual([]);
    await context.close();
  });
});
