/**
 * Security keys and passkeys in Chromium, with its virtual authenticator (DevTools WebAuthn
 * domain) as the member's key: sign up with a security key as the first method, sign out, sign in
 * with it; and a key whose signature counter went back (a clone) is refused. Every page passes
 * axe, and none breaks its CSP or logs a console error.
 */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from '../support/browser.ts';
import { newestMail } from './support/mail.ts';
import { address, confirmFromMail, createAccount, SUBJECTS, signIn, signOut } from './support/members.ts';
import { arriveAt, button, follow, link, takeStatusError } from './support/pages.ts';

const PASSWORD = 'maple cloud orbit 42 lantern';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

/** A USB security key with a PIN that the member always enters: user verification passes. */
class VirtualKey {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly authenticatorId: string,
  ) {}

  static async plugIn(context: BrowserContext, page: Page): Promise<VirtualKey> {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualKey(cdp, authenticatorId);
  }

  async credentials(): Promise<VirtualCredential[]> {
    const { credentials } = await this.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: this.authenticatorId,
    });
    return credentials as VirtualCredential[];
  }

  /** Puts the credential back with an older signature counter, as a copy of the key would have. */
  async rewindCounter(credential: VirtualCredential, signCount: number): Promise<void> {
    const { authenticatorId } = this;
    await this.cdp.send('WebAuthn.removeCredential', {
      authenticatorId,
      credentialId: credential.credentialId,
    });
    await this.cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { ...credential, signCount },
    });
  }
}

/** From "Set up multi-factor authentication": the security key, named, then recovery codes. */
async function setUpSecurityKey(page: Page, name: string): Promise<void> {
  await arriveAt(page, 'Set up multi-factor authentication');
  const card = page
    .getByRole('main')
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Security key or passkey', exact: true }) });
  await follow(page, link(card, 'Set up'));

  await arriveAt(page, 'Add a security key or passkey');
  await page.getByLabel('Name this key', { exact: true }).fill(name);
  // The page's script asks for the options, the virtual key answers, the form is submitted.
  await follow(page, button(page, 'Add security key'));

  await arriveAt(page, 'Recovery codes');
  await follow(page, button(page, 'Create recovery codes'));
  await arriveAt(page, 'Your recovery codes');
  expect(await page.getByRole('main').locator('code').count()).toBe(10);
  await follow(page, link(page.getByRole('main'), 'Continue'));
  await arriveAt(page, 'Sign-in and security');
}

/**
 * Ticks Remember this browser by its label, as a member does (USWDS moves the real box off-screen);
 * the label's name goes on with its description, "Skip this step on this browser for 30 days".
 */
async function rememberThisBrowser(page: Page): Promise<void> {
  const box = page.getByRole('checkbox', { name: 'Remember this browser' });
  await page.locator(`label[for="${await box.getAttribute('id')}"]`).click();
  expect(await box.isChecked(), 'Remember this browser is ticked').toBe(true);
}

/** The names of the methods in "Sign-in methods" on "Sign-in and security", each with its tags. */
async function methodsOn(page: Page): Promise<string[]> {
  const rows = page.getByRole('region', { name: 'Sign-in methods' }).getByRole('listitem');
  return (await rows.evaluateAll((items) =>
    items.map((item) =>
      [item.querySelector('.text-bold'), ...Array.from(item.querySelectorAll('.usa-tag'))]
        .map((e) => e?.textContent?.trim())
        .join(' | '),
    ),
  )) as string[];
}

describe('a member whose first method is a security key', () => {
  it('signs up with the key, signs out, and signs in with it', async () => {
    const { page, context, problems } = await openPage(browser);
    const key = await VirtualKey.plugIn(context, page);
    const email = address('kim');

    const after = await createAccount(page, email, PASSWORD);
    await confirmFromMail(
      page,
      email,
      PASSWORD,
      { subject: SUBJECTS.signUp, after },
      'Set up multi-factor authentication',
    );
    await setUpSecurityKey(page, 'Blue key');
    expect(await methodsOn(page)).toEqual(['Blue key | Security key or passkey | Primary']);
    const notice = await newestMail(email, { subject: 'A sign-in method was added to your Verity account' });
    expect(notice.text).toContain('(Blue key)');

    const [credential] = await key.credentials();
    expect(credential?.rpId, 'the key is for this site').toBe(new URL(page.url()).hostname);
    expect(credential?.isResidentCredential, 'a passkey: the key keeps the credential').toBe(true);

    await signOut(page);
    await signIn(page, email, PASSWORD);
    await arriveAt(page, 'Use your security key');
    await expect.poll(() => link(page.getByRole('main'), 'Use a recovery code').count()).toBe(1);
    await rememberThisBrowser(page);
    await follow(page, button(page, 'Use your security key'));
    await arriveAt(page, 'Profile');
    const cookies = await context.cookies();
    expect(
      cookies.map((c) => c.name),
      'the browser is remembered',
    ).toContain('__Host-verity-device');
    expect((await key.credentials())[0]?.signCount, 'the key signed once more').toBeGreaterThan(
      credential?.signCount ?? 0,
    );

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe('a copy of a key', () => {
  it('is refused when its signature counter is behind the one the site saw last', async () => {
    const { page, context, problems } = await openPage(browser);
    const key = await VirtualKey.plugIn(context, page);
    const email = address('lee');

    const after = await createAccount(page, email, PASSWORD);
    await confirmFromMail(
      page,
      email,
      PASSWORD,
      { subject: SUBJECTS.signUp, after },
      'Set up multi-factor authentication',
    );
    await setUpSecurityKey(page, 'Work key');
    await signOut(page);

    // A sign-in moves the counter on; the site keeps what the key said.
    await signIn(page, email, PASSWORD);
    await arriveAt(page, 'Use your security key');
    await follow(page, button(page, 'Use your security key'));
    await arriveAt(page, 'Profile');
    await signOut(page);

    const [credential] = await key.credentials();
    expect(credential?.signCount).toBeGreaterThan(1);
    await key.rewindCounter(credential as VirtualCredential, 0);

    await signIn(page, email, PASSWORD);
    await arriveAt(page, 'Use your security key');
    await follow(page, button(page, 'Use your security key'));
    await arriveAt(page, 'Use your security key');
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('Your security key was not accepted.');
    await takeStatusError(problems, 401);

    // Still only half signed in: the account page sends the member back to the second step.
    await page.goto(new URL('/account', page.url()).href);
    await arriveAt(page, 'Use your security key');

    expect(problems).toEqual([]);
    await context.close();
  });
});
