/**
 * Identity verification in Chromium, with axe on every page and no CSP violation or console
 * error on the way (pictures post straight to the evidence bucket, s3rver here, and S3 sends the
 * browser back):
 *
 * (a) a member verifies by self-service with the sandbox identity on the way to Demo IRS, which
 *     asked for IAL2, and Allow gives Demo IRS the verified claims;
 * (b) a member whom records could not verify joins the video call queue, sees the place change
 *     without reloading when an agent (in a second browser context, signed in through the
 *     workforce sign-in page) takes them; the agent approves; the member's next IAL2 sign-in, at
 *     Demo IRS, goes straight to Authorize;
 * (c) an unreadable photo is said to be unreadable, and why, retaken, and then passes.
 */
import { randomInt } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, openPage, siteUrl } from '../support/browser.ts';
import { address, createMember, signIn, signOut } from './support/members.ts';
import { enterCode } from './support/mfa.ts';
import { arriveAt, button, follow, link, tick } from './support/pages.ts';

const PASSWORD = 'lantern quarry 58 bramble tide';
const JOURNEY_MS = 150_000;
const irsUrl = () => `${inject('verity').demoPartnerUrl}/irs/`;

/** An ordinary picture to the sandbox: a JPEG's first bytes. */
const PICTURE = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 200 }, (_, i) => i % 251)]);
const picture = (name: string) => ({ name, mimeType: 'image/jpeg', buffer: PICTURE });
const description = (name: string, text: string) => ({
  name,
  mimeType: 'text/yaml',
  buffer: Buffer.from(text),
});

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The code last texted to this E.164 number, from the local text outbox. */
async function textedCode(e164: string): Promise<string> {
  const { texts } = (await (await fetch(`${siteUrl()}/_local/texts.json`)).json()) as {
    texts: { to: string; message: string }[];
  };
  const code = /^(\d{6}) /.exec(texts.find((t) => t.to === e164)?.message ?? '')?.[1];
  if (!code) throw new Error(`no code texted to ${e164}`);
  return code;
}

/** Uploads one picture through its section's plain file input and Upload button. */
async function uploadPart(
  page: Page,
  section: string,
  file: { name: string; mimeType: string; buffer: Buffer },
) {
  const part = page.getByRole('region', { name: section });
  await part.locator('input[type="file"]').setInputFiles(file);
  await follow(page, part.getByRole('button', { name: /^Upload / }));
  await arriveAt(page, 'Your ID and a selfie');
}

/** The three pictures of a driver's license, then Check my ID and selfie. */
async function uploadAndCheck(page: Page, front = picture('front.jpg')) {
  await uploadPart(page, 'Front of your ID', front);
  await uploadPart(page, 'Back of your ID', picture('back.jpg'));
  await uploadPart(page, 'Selfie', picture('selfie.jpg'));
  await follow(page, button(page, 'Check my ID and selfie'));
}

/** Before you start: both consents, Start; then a driver's license. */
async function startWithLicense(page: Page) {
  await arriveAt(page, 'Verify your identity');
  await tick(page, 'I agree that Verity checks my photo ID');
  await tick(page, 'I agree that Verity compares my selfie');
  await follow(page, button(page, 'Start'));
  await arriveAt(page, 'Your ID and a selfie');
  await page.getByLabel("Driver's license or state ID", { exact: true }).check({ force: true });
  await follow(page, button(page, 'Continue'));
  await arriveAt(page, 'Your ID and a selfie');
}

/** Your information (filled from the ID), the SSN and a phone; then the phone's code. */
async function confirmInformationAndPhone(
  page: Page,
  result = 'Your identity is verified',
  givenName?: string,
) {
  await arriveAt(page, 'Your information');
  expect(await page.getByLabel('First name', { exact: true }).inputValue()).toBe('Pat');
  expect(await page.getByLabel('Last name', { exact: true }).inputValue()).toBe('Sample');
  if (givenName) await page.getByLabel('First name', { exact: true }).fill(givenName);
  await page
    .getByLabel('Social Security number', { exact: true })
    .fill(`900-${randomInt(10, 100)}-${randomInt(1000, 10_000)}`);
  const line = String(randomInt(0, 5555)).padStart(4, '0');
  const area = randomInt(201, 990);
  await page.getByLabel('Phone number in your name', { exact: true }).fill(`${area}-555-${line}`);
  await follow(page, button(page, 'Confirm my information'));
  await arriveAt(page, 'Confirm your phone');
  await follow(page, button(page, 'Send code'));
  await arriveAt(page, 'Confirm your phone');
  await page
    .getByLabel('Enter the 6-digit code', { exact: true })
    .fill(await textedCode(`+1${area}555${line}`));
  await follow(page, button(page, 'Confirm phone'));
  await arriveAt(page, result);
}

/** Demo IRS's Verify your identity with Verity (an IAL2 request), then Verity's sign-in and code. */
async function askedForIal2ByDemoIrs(page: Page, email: string, key: string) {
  await page.goto(irsUrl());
  await arriveAt(page, 'Welcome to Demo IRS');
  await follow(page, button(page, 'Verify your identity with Verity'));
  await arriveAt(page, 'Sign in');
  await signIn(page, email, PASSWORD);
  await enterCode(page, key);
}

/** The seeded agent, from what `npm start` wrote for this run. */
function seededAgent() {
  const agent = inject('verity').workforce.users.find((user) => user.group === 'agents');
  if (!agent) throw new Error('no seeded agent');
  return agent;
}

describe.concurrent('identity verification in the browser', () => {
  it(
    '(a) self-service with the sandbox identity on the way to Demo IRS, whose IAL2 request then gets the verified claims on Allow',
    async () => {
      const { page, context, problems } = await openPage(browser);
      const email = address('ial2');
      const app = await createMember(page, email, PASSWORD);
      await signOut(page);

      await askedForIal2ByDemoIrs(page, email, app.key);
      await arriveAt(page, 'Demo IRS needs a verified identity');
      await follow(page, link(page.getByRole('main'), 'Verify your identity'));

      await startWithLicense(page);
      await uploadAndCheck(page);
      await confirmInformationAndPhone(page);

      // Continue leads back to the Demo IRS sign-in in progress: the Authorize screen.
      await follow(page, link(page.getByRole('main'), 'Continue'));
      await arriveAt(page, 'Authorize Demo IRS');
      const lines = await page.getByRole('main').getByRole('listitem').allTextContents();
      expect(lines.some((l) => l.includes('Pat'))).toBe(true);
      expect(
        lines.some((l) => /\*\*\*-\*\*-\d{4}/.test(l)),
        'the SSN by its last four',
      ).toBe(true);
      await follow(page, button(page.getByRole('main'), 'Allow'));

      await arriveAt(page, 'What Verity shared with Demo IRS');
      const claims = await page.getByRole('region', { name: 'Claims from userinfo' }).textContent();
      expect(claims).toContain('Pat');
      expect(claims).toContain('Sample');
      expect(claims).toContain('1985-04-12');
      expect(claims).toContain('social_security_number');
      const idToken = await page.getByRole('region', { name: 'Claims in the ID token' }).textContent();
      expect(idToken).toContain('http://idmanagement.gov/ns/assurance/ial/2');

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );

  it(
    '(b) records could not verify; the video queue; an agent in another browser approves; the next IAL2 sign-in needs nothing more',
    async () => {
      const { page, context, problems } = await openPage(browser);
      const email = address('video');
      const app = await createMember(page, email, PASSWORD);
      await page.goto(`${siteUrl()}/verify`);
      await startWithLicense(page);
      await uploadAndCheck(page);
      await confirmInformationAndPhone(page, 'We could not verify your identity', 'Badger');

      await follow(page, button(page.getByRole('main'), 'Verify with a short video call'));
      await arriveAt(page, 'You are in the queue');
      expect(await page.locator('[data-video-position]').textContent()).toBe('1');

      // The agent, in a browser context of their own: the workforce sign-in page, the queue.
      const agent = await openPage(browser);
      const { username, password } = seededAgent();
      await agent.page.goto(`${siteUrl()}/agent`);
      await arriveAt(agent.page, 'Agent sign in');
      await agent.page.getByLabel('Workforce email or username', { exact: true }).fill(username);
      await agent.page.getByLabel('Password', { exact: true }).fill(password);
      await follow(agent.page, button(agent.page, 'Sign in'));
      await arriveAt(agent.page, 'Video verification queue');
      await follow(agent.page, button(agent.page, 'Take the next member'));
      await arriveAt(agent.page, 'Review');
      const review = await agent.page.getByRole('main').textContent();
      expect(review).toContain('Badger Sample');
      expect(review).toContain('1985-04-12');

      // The member's page follows by itself: an agent is ready.
      await arriveAt(page, 'An agent is ready for you');
      await follow(page, link(page.getByRole('main'), 'Join the call'));
      await arriveAt(page, 'Video call');

      await follow(agent.page, button(agent.page.getByRole('main'), 'Approve'));
      await page.reload();
      await arriveAt(page, 'Your identity is verified');
      expect(agent.problems).toEqual([]);
      await agent.context.close();

      // Verified once: Demo IRS's IAL2 request goes from the code straight to Authorize.
      await signOut(page);
      await askedForIal2ByDemoIrs(page, email, app.key);
      await arriveAt(page, 'Authorize Demo IRS');
      await follow(page, button(page.getByRole('main'), 'Allow'));
      await arriveAt(page, 'What Verity shared with Demo IRS');
      expect(await page.getByRole('region', { name: 'Claims from userinfo' }).textContent()).toContain(
        'Badger',
      );

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );

  it(
    '(c) an unreadable photo is said to be unreadable and why, retaken, and then passes',
    async () => {
      const { page, context, problems } = await openPage(browser);
      await createMember(page, address('retake'), PASSWORD);
      await page.goto(`${siteUrl()}/verify`);
      await startWithLicense(page);
      await uploadAndCheck(page, description('front.yaml', 'quality: glare\n'));
      await arriveAt(page, 'Your ID and a selfie');
      const alert = await page.getByRole('alert').first().textContent();
      expect(alert).toContain('there is glare on it');
      expect(alert).toContain('This did not count as a try.');

      await uploadPart(page, 'Front of your ID', picture('front.jpg'));
      expect(await page.getByRole('alert').count()).toBe(0);
      await follow(page, button(page, 'Check my ID and selfie'));
      await confirmInformationAndPhone(page);

      expect(problems).toEqual([]);
      await context.close();
    },
    JOURNEY_MS,
  );
});
