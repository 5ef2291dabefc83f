/**
 * Signing in to the demo partners with Verity, in Chromium: the demo partner app that the local
 * Verity runs beside it (Demo XMS at /xms/, Demo IRS at /irs/) plays the partner's own site.
 *
 * - Demo XMS, a new member: XMS sends its email as login_hint, the member creates a Verity account
 *   with another (personal) email, and the sign-in survives every detour (confirm by mail, first
 *   method, recovery codes, add the work email and confirm it, set it as primary) up to Allow.
 * - Demo XMS, an existing XMS account: linked from My Profile while Verity's session comes from a
 *   remembered browser, which XMS does not count: the second step only, no password.
 * - Demo IRS: every confirmed email reaches the partner, the primary as `email`.
 *
 * Every page on the way passes axe, Verity's and the partner's alike, and no page breaks its CSP
 * or logs a console error. The journeys run at once, each in its own browser context.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser.ts';
import { mailsTo } from './support/mail.ts';
import { address, confirmFromMail, createMember, SUBJECTS, signIn, signOut } from './support/members.ts';
import { enterCode, freshCode, setUpAuthenticatorApp } from './support/mfa.ts';
import { arriveAt, button, follow, link, selectPart, tick } from './support/pages.ts';

const PASSWORD = 'harbor juniper kite 71 saffron';
const XMS_PASSWORD = 'xms-only password 2024';

/** Each journey goes through some 40 pages, each checked with axe, three journeys at once. */
const JOURNEY_MS = 150_000;

const xmsUrl = () => `${inject('verity').demoPartnerUrl}/xms/`;
const irsUrl = () => `${inject('verity').demoPartnerUrl}/irs/`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A section of a demo partner's page, by its heading. */
const section = (page: Page, heading: string) => page.getByRole('region', { name: heading });

/** The lines of the Authorize screen's "<partner> will receive" list. */
const sharedLines = (page: Page) => page.getByRole('main').getByRole('listitem').allTextContents();

/** Profile's + Add an email, for `email` (filled in already or typed), marked Work or not. */
async function addEmail(page: Page, email: string, options: { work?: boolean } = {}): Promise<number> {
  await arriveAt(page, 'Add an email');
  const field = page.getByLabel('Email address', { exact: true });
  if ((await field.inputValue()) !== email) await field.fill(email);
  if (options.work) await tick(page, 'Work');
  const after = (await mailsTo(email)).length;
  await follow(page, button(page, 'Send confirmation'));
  await arriveAt(page, 'Confirmation sent');
  return after;
}

describe.concurrent('Demo XMS: a new member whose primary email is not the one XMS knows', () => {
  it(
    'creates an account on the way, adds the work email, sets it as primary, and Allow opens XMS',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(browser);
      const work = `pat-${randomUUID()}@agency.gov`;
      const personal = address('pat-home');

      // XMS: Sign in with Verity, with the work email XMS knows (sent to Verity as login_hint).
      await page.goto(xmsUrl());
      await arriveAt(page, 'Welcome to Demo XMS');
      await section(page, 'Sign in with Verity').getByLabel('Email address', { exact: true }).fill(work);
      await follow(page, button(section(page, 'Sign in with Verity'), 'Sign in with Verity'));
      await arriveAt(page, 'Sign in');
      expect(await page.getByLabel('Email address', { exact: true }).inputValue()).toBe(work);

      // No Verity account yet: Create account, with a personal email.
      await follow(page, link(page.getByRole('main'), 'Create account'));
      await arriveAt(page, 'Create account');
      const signUpAfter = (await mailsTo(personal)).length;
      await page.getByLabel('Email address', { exact: true }).fill(personal);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await follow(page, button(page, 'Create account'));
      await arriveAt(page, 'Check your email');
      await confirmFromMail(
        page,
        personal,
        PASSWORD,
        { subject: SUBJECTS.signUp, after: signUpAfter },
        'Set up multi-factor authentication',
      );
      // The recovery codes' Continue goes back to the XMS sign-in in progress, not to My Account.
      await setUpAuthenticatorApp(page, undefined, 'Add the email Demo XMS knows');
      const intro = await page.getByRole('main').textContent();
      expect(intro).toContain(`Demo XMS knows you as ${work}`);
      expect(intro).toContain(`Your primary email is ${personal}`);

      // + Add an email comes filled with the work email; confirming it leads back to the sign-in.
      await follow(page, link(page.getByRole('main'), '+ Add an email'));
      expect(await page.getByLabel('Email address', { exact: true }).inputValue()).toBe(work);
      const addAfter = await addEmail(page, work);
      await confirmFromMail(
        page,
        work,
        PASSWORD,
        { subject: SUBJECTS.addEmail, after: addAfter },
        'Set your primary email',
      );
      expect(await page.getByRole('main').textContent()).toContain(`Demo XMS knows you as ${work}`);

      await follow(page, button(page.getByRole('main'), 'Set as primary'));
      await arriveAt(page, 'Authorize Demo XMS');
      expect(await sharedLines(page)).toContain(`Your primary email: ${work}`);
      await follow(page, button(page.getByRole('main'), 'Allow'));

      // XMS made an account for this Verity member, under the work email.
      await arriveAt(page, 'Dashboard');
      expect(new URL(page.url()).origin).toBe(inject('verity').demoPartnerUrl);
      const dashboard = await page.getByRole('main').textContent();
      expect(dashboard).toContain(`Signed in as ${work}`);
      expect(dashboard).toContain('Verity is linked');

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );
});

describe.concurrent('Demo XMS: an existing XMS account links Verity from My Profile', () => {
  it(
    'asks only the second step of a remembered browser, links, and Sign in with Verity opens that account',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(browser);
      const email = address('quinn');

      // A Verity member with a session from a remembered browser: the password alone signed in.
      const app = await createMember(page, email, PASSWORD);
      await signOut(page);
      await signIn(page, email, PASSWORD);
      await enterCode(page, app.key, { remember: true });
      await arriveAt(page, 'Profile');
      await signOut(page);
      await signIn(page, email, PASSWORD);
      await arriveAt(page, 'Profile');

      // An XMS account of its own, with the same email and XMS's own password.
      await page.goto(xmsUrl());
      await arriveAt(page, 'Welcome to Demo XMS');
      const create = section(page, 'Create an XMS account');
      await create.getByLabel('Email address', { exact: true }).fill(email);
      await create.getByLabel('Password', { exact: true }).fill(XMS_PASSWORD);
      await follow(page, button(create, 'Create an XMS account'));
      await arriveAt(page, 'My Profile');

      // Sign out of XMS and in again with the XMS password, as a member with an XMS account would.
      await follow(page, button(page.getByRole('main'), 'Sign out'));
      await arriveAt(page, 'You are signed out');
      await follow(page, link(page.getByRole('main'), 'Back to Demo XMS'));
      await arriveAt(page, 'Welcome to Demo XMS');
      const xmsSignIn = section(page, 'Sign in to XMS');
      await xmsSignIn.getByLabel('Email address', { exact: true }).fill(email);
      await xmsSignIn.getByLabel('Password', { exact: true }).fill(XMS_PASSWORD);
      await follow(page, button(xmsSignIn, 'Sign in to XMS'));
      await arriveAt(page, 'Dashboard');
      await follow(page, link(page.getByRole('main'), 'My Profile'));
      await arriveAt(page, 'My Profile');

      // Link Verity credentials: XMS does not count the remembered browser, so Verity asks for the
      // code, and no password.
      await follow(page, button(section(page, 'Link Verity credentials'), 'Sign in with Verity'));
      await arriveAt(page, 'Enter the 6-digit code');
      expect(await page.getByLabel('Password', { exact: true }).count(), 'no password asked').toBe(0);
      await enterCode(page, app.key);
      await arriveAt(page, 'Authorize Demo XMS');
      expect(await sharedLines(page)).toContain(`Your primary email: ${email}`);
      await follow(page, button(page.getByRole('main'), 'Allow'));
      await arriveAt(page, 'My Profile');
      expect(await section(page, 'Link Verity credentials').textContent()).toContain('Verity is linked');

      // Signing out of XMS signs out of Verity too (XMS has Verity's ID token): Verity asks first.
      await follow(page, button(page.getByRole('main'), 'Sign out'));
      await arriveAt(page, 'Sign out from Demo XMS?');
      await follow(page, button(page.getByRole('main'), 'Sign out'));
      await arriveAt(page, 'You are signed out');
      expect(new URL(page.url()).origin).toBe(inject('verity').demoPartnerUrl);

      // Sign in with Verity from the XMS home: the password (the remembered browser skips the code
      // at Verity), then the code XMS needs, and the same XMS account opens.
      await follow(page, link(page.getByRole('main'), 'Back to Demo XMS'));
      await arriveAt(page, 'Welcome to Demo XMS');
      await section(page, 'Sign in with Verity').getByLabel('Email address', { exact: true }).fill(email);
      await follow(page, button(section(page, 'Sign in with Verity'), 'Sign in with Verity'));
      await arriveAt(page, 'Sign in');
      expect(await page.getByLabel('Email address', { exact: true }).inputValue()).toBe(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await follow(page, button(page, 'Sign in'));
      await arriveAt(page, 'Enter the 6-digit code');
      await page.getByLabel('Enter the 6-digit code', { exact: true }).fill(await freshCode(app.key));
      // XMS's consent is remembered: Continue leads through the sign-in in progress and the provider
      // straight to XMS, redirects that this page's form-action must allow.
      await button(page, 'Continue').click();
      await expect
        .poll(() => problems.length > 0 || page.url().startsWith(xmsUrl()), { timeout: 20_000 })
        .toBe(true);
      expect(problems, 'the code form leads on to XMS').toEqual([]);
      await arriveAt(page, 'Dashboard');
      const dashboard = await page.getByRole('main').textContent();
      expect(dashboard).toContain(`Signed in as ${email}`);
      expect(dashboard).toContain('Verity is linked');

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );
});

describe.concurrent('Demo IRS: a member with a personal primary email and a work email', () => {
  it(
    'shares every confirmed email as all_emails, and the primary as email',
    async ({ expect }) => {
      const { page, context, problems } = await openPage(browser);
      const personal = address('rae');
      const work = address('rae-work');

      const app = await createMember(page, personal, PASSWORD);
      await selectPart(page, 'Profile');
      await follow(page, link(page, '+ Add an email'));
      const after = await addEmail(page, work, { work: true });
      await confirmFromMail(page, work, PASSWORD, { subject: SUBJECTS.addEmail, after }, 'Profile');
      await signOut(page);

      await page.goto(irsUrl());
      await arriveAt(page, 'Welcome to Demo IRS');
      await follow(page, button(section(page, 'Sign in'), 'Sign in with Verity'));
      await arriveAt(page, 'Sign in');
      await signIn(page, personal, PASSWORD);
      await enterCode(page, app.key);
      await arriveAt(page, 'Authorize Demo IRS');
      const lines = await sharedLines(page);
      expect(lines).toContain(`Your primary email: ${personal}`);
      const all = lines.find((line) => line.startsWith('All your confirmed emails: '));
      expect(all?.replace('All your confirmed emails: ', '').split(', ').sort()).toEqual(
        [personal, work].sort(),
      );
      await follow(page, button(page.getByRole('main'), 'Allow'));

      await arriveAt(page, 'What Verity shared with Demo IRS');
      /** The value of a claim in one of the claims tables ("Claims in the ID token", "Claims from userinfo"). */
      const claim = (table: string, name: string) =>
        section(page, table)
          .getByRole('row')
          .filter({ has: page.getByRole('rowheader', { name, exact: true }) })
          .getByRole('cell');
      const userinfo = 'Claims from userinfo';
      expect(await claim(userinfo, 'email').textContent()).toBe(personal);
      expect((await claim(userinfo, 'all_emails').getByRole('listitem').allTextContents()).sort()).toEqual(
        [personal, work].sort(),
      );

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );
});
