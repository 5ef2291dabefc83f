/**
 * Forgot password: the same answer for every address, a single-use link valid one hour, a reset
 * that ends every session, at most 20 reset mails an hour per account; an address without an
 * account hears that it has none (test/integration/accounts/account-existence.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkResetLink } from '../../../lambdas/accounts/password-reset.ts';
import * as store from '../../../lambdas/store/profile.ts';
import { serverNow } from '../../support/clock.ts';
import {
  addEmailInStore,
  Browser,
  createMember,
  ephemeralTable,
  forgotPasswordOverHttp,
  getItem,
  lastMailTo,
  linkIn,
  MAIL,
  type Member,
  mailTo,
  OTHER_PASSWORD,
  PASSWORD,
  type Page,
  sessionsOf,
  setAttributes,
  signedIn,
  subjectsTo,
  tokenKeyOf,
  tokenOf,
  uniqueEmail,
  withSecondsLeftInWindow,
} from './support.ts';

async function resetLink(member: Member, email = member.primary): Promise<string> {
  const page = await forgotPasswordOverHttp(new Browser(), email);
  expect(page.status).toBe(200);
  return linkIn(await lastMailTo(email, MAIL.reset), '/reset-password');
}

/** Opens a reset link and presses Reset password. */
async function reset(browser: Browser, link: string, password = OTHER_PASSWORD): Promise<Page> {
  const page = await browser.get(link);
  expect(page.status, page.text).toBe(200);
  return browser.submit(page, { button: 'Reset password' }, { password });
}

const expectDeadResetLink = (page: Page) => {
  expect(page.status).toBe(400);
  expect(page.text).toContain('This reset link has expired or was already used');
  expect(page.text).toContain('Forgot password');
};

describe('Forgot password', () => {
  it('shows the same page for an address with no account, an unconfirmed one, and one with an account; only the last gets a link', async () => {
    const member = await createMember({ unconfirmed: [uniqueEmail('unconfirmed')] });
    const unknown = uniqueEmail('unknown');
    const unconfirmed = member.unconfirmed[0] as string;
    const browser = new Browser();
    const pages = [
      await forgotPasswordOverHttp(browser, member.primary),
      await forgotPasswordOverHttp(browser, unknown),
      await forgotPasswordOverHttp(browser, unconfirmed),
    ];
    const addresses = [member.primary, unknown, unconfirmed];
    for (const page of pages) expect(page.status).toBe(200);
    expect(new Set(pages.map((p, i) => p.html.replaceAll(addresses[i] as string, 'ADDRESS'))).size).toBe(1);
    expect(pages[0]?.heading).toBe('Check your email');

    expect(await subjectsTo(member.primary)).toEqual([MAIL.reset]);
    for (const address of [unknown, unconfirmed]) {
      expect(await subjectsTo(address)).toEqual([MAIL.resetWithoutAccount]);
      expect((await lastMailTo(address, MAIL.resetWithoutAccount)).text).not.toMatch(/token=/);
    }
    const mail = await lastMailTo(member.primary, MAIL.reset);
    expect(mail.text).toContain('expires in 1 hour');
  });

  it('a reset link works once: it sets the password, ends every session, and is dead afterwards', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('reset'), uniqueEmail('reset-second')] });
    const [phone, laptop] = [await signedIn(member), await signedIn(member)];
    const link = await resetLink(member);

    const browser = new Browser();
    const done = await reset(browser, link);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/sign-in?notice=password-reset');
    expect((await browser.follow(done)).text).toContain('Your password was reset');

    expect(await sessionsOf(member.accountId)).toEqual([]);
    for (const old of [phone, laptop]) {
      const page = await old.get('/account');
      expect(page.status, 'an old session cookie no longer opens the account').toBe(303);
      expect(page.location).toBe('/sign-in?next=%2Faccount');
    }
    expect((await new Browser().signIn(member.primary, PASSWORD)).status, 'the old password').toBe(401);
    expect((await new Browser().signIn(member.primary, OTHER_PASSWORD)).status, 'the new password').toBe(303);

    expectDeadResetLink(await browser.get(link));
    const again = await browser.post('/reset-password', {
      token: tokenOf(link),
      password: `${OTHER_PASSWORD}!`,
    });
    expectDeadResetLink(again);
    expect(
      (await new Browser().signIn(member.primary, OTHER_PASSWORD)).status,
      'unchanged by the reuse',
    ).toBe(303);
  });

  it('a reset link expires after one hour', async () => {
    const member = await createMember();
    const link = await resetLink(member);
    const now = serverNow().getTime();
    const token = await getItem(ephemeralTable(), tokenKeyOf(link));
    expect(token?.expiresAt).toBeGreaterThan(now / 1000 + 3600 - 60);
    expect(token?.expiresAt).toBeLessThanOrEqual(now / 1000 + 3600);
    await expect(checkResetLink(tokenOf(link), new Date(now + 59 * 60_000))).resolves.toBeUndefined();
    await expect(checkResetLink(tokenOf(link), new Date(now + 61 * 60_000))).rejects.toMatchObject({
      name: 'LinkNotValid',
    });

    await setAttributes(ephemeralTable(), tokenKeyOf(link), { expiresAt: Math.floor(now / 1000) - 1 });
    const browser = new Browser();
    expectDeadResetLink(await browser.get(link));
    await browser.get('/forgot-password'); // a page with a form, for the CSRF token
    expectDeadResetLink(
      await browser.post('/reset-password', { token: tokenOf(link), password: OTHER_PASSWORD }),
    );
    expect((await new Browser().signIn(member.primary, PASSWORD)).status, 'the password is unchanged').toBe(
      303,
    );
  });

  it('a reset voids every other reset link of the account', async () => {
    const member = await createMember();
    const first = await resetLink(member);
    const second = await resetLink(member);
    expect((await reset(new Browser(), second)).status).toBe(303);
    expectDeadResetLink(await new Browser().get(first));
  });

  it('a password change on the account page voids the reset links sent before it', async () => {
    const member = await createMember();
    const link = await resetLink(member);
    const browser = await signedIn(member);
    const form = await browser.get('/account/password');
    expect(
      (await browser.submit(form, { button: 'Change password' }, { password: OTHER_PASSWORD })).status,
    ).toBe(303);
    expectDeadResetLink(await new Browser().get(link));
    expect((await new Browser().signIn(member.primary, OTHER_PASSWORD)).status).toBe(303);
  });

  it('of two resets with one link at once, exactly one sets the password', async () => {
    const member = await createMember();
    const link = await resetLink(member);
    const [a, b] = [new Browser(), new Browser()];
    const [pageA, pageB] = await Promise.all([a.get(link), b.get(link)]);
    const answers = await Promise.all([
      a.submit(pageA, { button: 'Reset password' }, { password: OTHER_PASSWORD }),
      b.submit(pageB, { button: 'Reset password' }, { password: `${OTHER_PASSWORD} again` }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([303, 400]);
    const winner = answers[0]?.status === 303 ? OTHER_PASSWORD : `${OTHER_PASSWORD} again`;
    expect((await new Browser().signIn(member.primary, winner)).status).toBe(303);
    expect((await subjectsTo(member.primary)).filter((s) => s === MAIL.passwordReset)).toHaveLength(1);
  });

  it('a new password must follow the password rules, and the link keeps working until one does', async () => {
    const member = await createMember();
    const link = await resetLink(member);
    const browser = new Browser();
    const weak = await reset(browser, link, 'password1234');
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('This password appears in lists of breached passwords.');
    const local = member.primary.split('@')[0] as string;
    expect((await browser.submit(weak, { button: 'Reset password' }, { password: `${local}!` })).status).toBe(
      400,
    );
    expect((await reset(browser, link)).status).toBe(303);
  });

  it('refuses a forged, malformed or other-purpose reset link', async () => {
    const member = await createMember();
    const browser = new Browser();
    for (const token of ['F'.repeat(43), 'short', '']) {
      expectDeadResetLink(await browser.get(`/reset-password?token=${token}`));
    }
    const { link: confirmLink } = await addEmailInStore(member.accountId, uniqueEmail('added'));
    expectDeadResetLink(await browser.get(`/reset-password?token=${tokenOf(confirmLink)}`));
    await browser.get('/forgot-password');
    expectDeadResetLink(
      await browser.post('/reset-password', { token: tokenOf(confirmLink), password: OTHER_PASSWORD }),
    );
    expect((await new Browser().signIn(member.primary, PASSWORD)).status).toBe(303);
  });

  it('sends at most 20 reset mails an hour per account, whichever of its emails is asked for', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('many-a'), uniqueEmail('many-b')] });
    const [a, b] = member.confirmed as [string, string];
    await withSecondsLeftInWindow(3600, 10);
    const browser = new Browser();
    const form = await browser.get('/forgot-password');
    const pages = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        browser.submit(form, { button: 'Send reset link' }, { email: i % 2 ? a : b }),
      ),
    );
    for (const page of pages) {
      expect(page.status, 'the page never changes').toBe(200);
      expect(page.heading).toBe('Check your email');
    }
    const sent = [...(await mailTo(a)), ...(await mailTo(b))].filter((m) => m.subject === MAIL.reset);
    expect(sent).toHaveLength(20);
    expect(await store.profileOf(member.accountId)).toBeDefined();
  });
});
