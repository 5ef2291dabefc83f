/**
 * The job aids' account journeys in Chromium: create an account with a personal email, add a
 * work email and make it the primary; move a work email over from a duplicate account; and get a
 * fresh confirmation link. Every page on the way passes axe, and no page breaks its CSP or logs
 * a console error.
 *
 * Every account sets up an authenticator app right after its first email is confirmed (issue 4),
 * and every sign-in that takes the password asks for its code: the journeys answer it with codes
 * computed from the key the setup page showed (./support/mfa.ts).
 *
 * The journeys run at once. An authenticator code works once, so a journey that needs another
 * code from the same app moves the server's clock on to the app's next 30 s step
 * (test/support/clock.ts) rather than waiting for it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { launchBrowser, openPage, siteUrl } from '../support/browser.ts';
import { linkIn, mailsTo, newestMail } from './support/mail.ts';
import {
  address,
  confirmFromMail,
  createAccount,
  createMember,
  SUBJECTS,
  signIn,
  signOut,
} from './support/members.ts';
import { enterCode, freshCode, setUpAuthenticatorApp } from './support/mfa.ts';
import { arriveAt, button, follow, link, selectPart, takeStatusError, tick } from './support/pages.ts';

const PASSWORD = 'maple cloud orbit 42 lantern';
const OTHER_PASSWORD = 'quiet harbor violet 17 tundra';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The row of one address in the Email section of Profile, in My Account. */
const emailRow = (page: Page, email: string) =>
  page
    .getByRole('region', { name: 'Email' })
    .getByRole('listitem')
    .filter({ has: page.getByText(email, { exact: true }) });

/** The state and label tags shown next to an address, e.g. ['Confirmed', 'Work']. */
const tagsOf = (page: Page, email: string) => emailRow(page, email).locator('.usa-tag').allTextContents();

describe.concurrent('a new member (job aid: personal email first, then the work email)', () => {
  it('creates an account, adds a work email, makes it the primary and signs in with it', async ({
    expect,
  }) => {
    const { page, context, problems } = await openPage(browser);
    const personal = address('pat');
    const work = address('pat-work');

    const app = await createMember(page, personal, PASSWORD);
    // Job aid: "From My Account, select Profile, then in the Email section ..."
    await selectPart(page, 'Profile');
    await expect.poll(() => tagsOf(page, personal)).toEqual(['Primary']);

    await follow(page, link(page, '+ Add an email'));
    await arriveAt(page, 'Add an email');
    const after = (await mailsTo(work)).length;
    await page.getByLabel('Email address', { exact: true }).fill(work);
    await tick(page, 'Work');
    await follow(page, button(page, 'Send confirmation'));
    await arriveAt(page, 'Confirmation sent');
    await expect.poll(() => page.getByRole('main').textContent()).toContain(work);

    // The link and the password confirm the address; this browser is already signed in to the
    // account at both steps, so it stays signed in and lands on Profile.
    await confirmFromMail(page, work, PASSWORD, { subject: SUBJECTS.addEmail, after }, 'Profile');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your email is confirmed');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Confirmed', 'Work']);
    await expect.poll(() => tagsOf(page, personal)).toEqual(['Primary']);

    // Set as primary needs both steps of sign-in within 20 minutes: these are seconds old, so
    // no detour through "Enter your password again".
    await follow(page, button(emailRow(page, work), 'Set as primary'));
    expect(new URL(page.url()).pathname).toBe('/account');
    await arriveAt(page, 'Profile');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your primary email changed');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Primary', 'Work']);
    await expect.poll(() => tagsOf(page, personal)).toEqual(['Confirmed']);

    await signOut(page);
    await signIn(page, work, PASSWORD);
    await enterCode(page, app.key);
    await arriveAt(page, 'Profile');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Primary', 'Work']);

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe.concurrent('an existing member with a duplicate account (job aid: "If you already created a duplicate account")', () => {
  it('adds the work email that the duplicate holds, moves it over, and the duplicate is deleted', async ({
    expect,
  }) => {
    const member = await openPage(browser);
    const { page } = member;
    const personal = address('sam');
    const work = address('sam-work');

    // Account A with the personal email, where the member stays signed in, and the duplicate B
    // with the work email, made in another browser.
    const app = await createMember(page, personal, PASSWORD);
    const elsewhere = await openPage(browser);
    const duplicate = await createMember(elsewhere.page, work, OTHER_PASSWORD);
    expect(elsewhere.problems).toEqual([]);
    await elsewhere.context.close();

    // Signed in to A, the member adds the work email: the page is the same as for any address.
    await selectPart(page, 'Profile');
    await follow(page, link(page, '+ Add an email'));
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
    // B has MFA, so moving takes B's password and a code from B's authenticator app.
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
    await mailbox.page
      .getByLabel("Code from that account's authenticator app, or one of its recovery codes", { exact: true })
      .fill(await freshCode(duplicate.key));
    await follow(mailbox.page, button(mailbox.page, 'Continue'));
    await arriveAt(mailbox.page, 'Email moved');
    await expect
      .poll(() => mailbox.page.getByRole('main').textContent())
      .toContain('The duplicate account was deleted.');

    // Signing in from the "Email moved" page: B is gone, its password no longer opens anything
    // with the work email ...
    await follow(mailbox.page, link(mailbox.page.getByRole('main'), 'Sign in'));
    await arriveAt(mailbox.page, 'Sign in');
    await signIn(mailbox.page, work, OTHER_PASSWORD);
    await arriveAt(mailbox.page, 'Sign in');
    await expect
      .poll(() => mailbox.page.getByRole('alert').first().textContent())
      .toContain('There is a problem');
    await takeStatusError(mailbox.problems, 401);
    // ... while A's password does, since the work email is A's now, confirmed; A's code follows.
    await signIn(mailbox.page, work, PASSWORD);
    await enterCode(mailbox.page, app.key);
    await arriveAt(mailbox.page, 'Profile');
    await expect.poll(() => tagsOf(mailbox.page, personal)).toEqual(['Primary']);
    await expect.poll(() => tagsOf(mailbox.page, work)).toEqual(['Confirmed', 'Work']);

    // The first browser, still signed in to A, sees the same.
    await page.goto(`${siteUrl()}/account`);
    await arriveAt(page, 'Profile');
    await expect.poll(() => tagsOf(page, work)).toEqual(['Confirmed', 'Work']);

    expect(member.problems).toEqual([]);
    expect(mailbox.problems).toEqual([]);
    await Promise.all([member.context.close(), mailbox.context.close()]);
  });
});

describe.concurrent('Resend confirmation on "Check your email"', () => {
  it('sends a new link, and the old one then ends on "This link does not work", which offers to resend', async ({
    expect,
  }) => {
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

    // The newest link finishes creating the account, and setting up its first method.
    await confirmFromMail(
      page,
      email,
      PASSWORD,
      { subject: SUBJECTS.signUp, after: before + 2 },
      'Set up multi-factor authentication',
    );
    await setUpAuthenticatorApp(page);
    await selectPart(page, 'Profile');
    await expect.poll(() => tagsOf(page, email)).toEqual(['Primary']);

    expect(problems).toEqual([]);
    await context.close();
  });
});
