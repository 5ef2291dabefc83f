/**
 * Create account and its confirmation link: the account exists once the link is used with the
 * password; the page never says whether an address already has an account; a resend voids the
 * old link; expired, used and forged links end on a page that explains and offers a resend.
 */
import { describe, expect, it } from 'vitest';
import { CONFIRMATION_HOURS } from '../../../lambdas/accounts/sign-up.ts';
import { describeConfirmationLink } from '../../../lambdas/emails/confirm.ts';
import * as store from '../../../lambdas/store/emails.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import * as signUpStore from '../../../lambdas/store/sign-ups.ts';
import { serverNow } from '../../support/clock.ts';
import {
  all,
  Browser,
  createAccount,
  createMember,
  emailRows,
  ephemeralTable,
  expectDeadLinkPage,
  getItem,
  lastMailTo,
  linkIn,
  MAIL,
  mailTo,
  normalized,
  PASSWORD,
  setAttributes,
  setUpAuthenticator,
  signUpOverHttp,
  subjectsTo,
  tokenKeyOf,
  tokenOf,
  uniqueEmail,
  withSecondsLeftInWindow,
} from './support.ts';

const hours = (n: number) => n * 3_600_000;

describe('Create account', () => {
  it('creates the account only when the link is used with the password, signs the member in, with it as the primary', async () => {
    const email = uniqueEmail('ada');
    const browser = new Browser();
    const checkEmail = await createAccount(browser, email);
    expect(checkEmail.status).toBe(200);
    expect(checkEmail.heading).toBe('Check your email');
    expect(checkEmail.text).toContain(email);
    expect(await store.claimOf(normalized(email)), 'no account before the link is used').toBeUndefined();

    const mail = await lastMailTo(email, MAIL.confirmSignUp);
    expect(mail.text).toContain('expires in 24 hours');
    const link = linkIn(mail, '/confirm-email');
    const token = await getItem(ephemeralTable(), tokenKeyOf(link));
    expect(token?.expiresAt).toBeGreaterThan(serverNow().getTime() / 1000 + CONFIRMATION_HOURS * 3600 - 60);
    expect(token?.expiresAt).toBeLessThanOrEqual(serverNow().getTime() / 1000 + CONFIRMATION_HOURS * 3600);

    // Opening the link (as a mail scanner would) changes nothing: it asks for the password.
    const confirmPage = await browser.get(link);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.heading).toBe('Confirm your email');
    expect(await store.claimOf(normalized(email))).toBeUndefined();
    expect(await getItem(ephemeralTable(), tokenKeyOf(link))).toBeDefined();

    const wrong = await browser.submit(confirmPage, { button: 'Continue' }, { password: `${PASSWORD}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That is not the password of this account');
    expect(await store.claimOf(normalized(email))).toBeUndefined();
    expect(browser.sessionCookie).toBeUndefined();

    const done = await browser.submit(wrong, { button: 'Continue' }, { password: PASSWORD });
    expect(done.status).toBe(303);
    // Signed in, and on to set up the first sign-in method (the second step comes with it).
    expect(done.location).toBe('/mfa/setup');
    const accountId = await store.claimOf(normalized(email));
    expect(accountId).toBeDefined();
    expect(browser.sessionCookie?.startsWith(`${accountId}.`)).toBe(true);
    expect((await browser.follow(done)).status).toBe(200);

    await setUpAuthenticator(browser);
    const account = await browser.account();
    expect(account.status).toBe(200);
    expect(emailRows(account).map((r) => [r.address, r.tags])).toEqual([[email, ['Primary']]]);
    const profile = await profileStore.profileOf(accountId as string);
    expect(profile).toMatchObject({ primaryEmail: normalized(email), emailCount: 1, confirmedEmailCount: 1 });
    expect(profile?.password).toMatchObject({ alg: 'scrypt', N: 2 ** 16 });
    expect(JSON.stringify(profile)).not.toContain(PASSWORD);
  });

  it('refuses passwords against the rules on the page, and creates and mails nothing', async () => {
    const email = uniqueEmail('rules');
    const local = email.split('@')[0] as string;
    const browser = new Browser();
    const cases = [
      ['short pass', 'Use at least 12 characters.'],
      ['x'.repeat(129), 'Use 128 characters or fewer.'],
      ['password1234', 'This password appears in lists of breached passwords. Choose another.'],
      [`${local}2024!`, 'Avoid using your email address in your password.'],
      ['abcabcabcabcabc', 'This password is easy to guess.'],
    ] as const;
    const pages = await Promise.all(cases.map(([password]) => createAccount(browser, email, password)));
    for (const [i, page] of pages.entries()) {
      const [password, message] = cases[i] as (typeof cases)[number];
      expect(page.status, password).toBe(400);
      expect(page.heading).toBe('Create account');
      expect(page.text, password).toContain(message);
      expect(page.html, 'the address stays in the field').toContain(`value="${email}"`);
    }
    expect(await mailTo(email)).toEqual([]);
    expect(await signUpStore.pendingSignUpsOf(normalized(email), serverNow())).toEqual([]);
  });

  it('shows the same "check your email" page for an address that has an account, and mails that someone tried', async () => {
    const held = (await createMember()).primary;
    const fresh = uniqueEmail('fresh');
    const browser = new Browser();
    const forFresh = await createAccount(browser, fresh);
    const forHeld = await createAccount(browser, held);
    expect(forHeld.status).toBe(forFresh.status);
    expect(forHeld.html.replaceAll(held, 'ADDRESS')).toBe(forFresh.html.replaceAll(fresh, 'ADDRESS'));

    expect(await subjectsTo(held)).toEqual([MAIL.someoneTried]);
    const mail = await lastMailTo(held, MAIL.someoneTried);
    expect(mail.text).toContain('already belongs to an account');
    expect(mail.text).toContain(`/sign-in`);
    expect(mail.text).toContain(`/forgot-password`);
    expect(mail.text).not.toMatch(/token=/);
    expect(await signUpStore.pendingSignUpsOf(normalized(held), serverNow()), 'no second sign-up').toEqual(
      [],
    );
  });

  it('sends at most 10 mails an hour to one address, and the page does not change past that', async () => {
    const held = (await createMember()).primary;
    await withSecondsLeftInWindow(3600, 10);
    const browser = new Browser();
    const form = await browser.get('/create-account');
    const pages = await all(12, () =>
      browser.submit(form, { action: '/create-account' }, { email: held, password: PASSWORD }),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.heading).toBe('Check your email');
    }
    expect(await subjectsTo(held)).toEqual(Array.from({ length: 10 }, () => MAIL.someoneTried));
  });

  it('Resend confirmation sends a fresh link and voids the old one', async () => {
    const email = uniqueEmail('resend');
    const browser = new Browser();
    const checkEmail = await createAccount(browser, email);
    const first = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');

    const resent = await browser.submit(checkEmail, { button: 'Resend confirmation' });
    expect(resent.status).toBe(200);
    expect(resent.text).toContain('Links sent before this one no longer work.');
    const mails = (await mailTo(email)).filter((m) => m.subject === MAIL.confirmSignUp);
    expect(mails).toHaveLength(2);
    const second = linkIn(mails[1] as (typeof mails)[number], '/confirm-email');
    expect(second).not.toBe(first);

    expectDeadLinkPage(await browser.get(first));
    const oldPost = await browser.post('/confirm-email', { token: tokenOf(first), password: PASSWORD });
    expectDeadLinkPage(oldPost);
    expect(await store.claimOf(normalized(email)), 'the old link created nothing').toBeUndefined();

    const page = await browser.get(second);
    const done = await browser.submit(page, { button: 'Continue' }, { password: PASSWORD });
    expect(done.status).toBe(303);
    expect(await store.claimOf(normalized(email))).toBeDefined();
  });

  it('Resend confirmation says the same for an address with no pending sign-up, and mails nothing', async () => {
    const nobody = uniqueEmail('nobody');
    const pending = uniqueEmail('pending');
    const browser = new Browser();
    await createAccount(browser, pending);
    const form = await browser.get(`/confirm-email?token=${'A'.repeat(43)}`);
    const forNobody = await browser.submit(form, { action: '/resend-confirmation' }, { email: nobody });
    const forPending = await browser.submit(form, { action: '/resend-confirmation' }, { email: pending });
    expect(forNobody.status).toBe(200);
    expect(forNobody.html.replaceAll(nobody, 'ADDRESS')).toBe(forPending.html.replaceAll(pending, 'ADDRESS'));
    expect(await mailTo(nobody)).toEqual([]);
    expect(await subjectsTo(pending)).toEqual([MAIL.confirmSignUp, MAIL.confirmSignUp]);
  });

  it('an expired confirmation link ends on the explanatory page with a resend form', async () => {
    const email = uniqueEmail('expired');
    const browser = new Browser();
    await createAccount(browser, email);
    const link = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');

    // The rule, on the clock the domain is given: good for 24 hours, not a minute more.
    const now = serverNow().getTime();
    await expect(describeConfirmationLink(tokenOf(link), new Date(now + hours(23.9)))).resolves.toMatchObject(
      {
        purpose: 'sign-up',
      },
    );
    await expect(
      describeConfirmationLink(tokenOf(link), new Date(now + hours(24) + 60_000)),
    ).rejects.toMatchObject({ name: 'LinkNotValid' });

    // And over HTTP, with the link's expiry moved into the past (TTL deletes it late, if at all).
    await setAttributes(ephemeralTable(), tokenKeyOf(link), { expiresAt: Math.floor(now / 1000) - 1 });
    expectDeadLinkPage(await browser.get(link));
    expectDeadLinkPage(await browser.post('/confirm-email', { token: tokenOf(link), password: PASSWORD }));
    expect(await store.claimOf(normalized(email))).toBeUndefined();

    // The offered resend brings a link that works.
    const dead = await browser.get(link);
    await browser.submit(dead, { action: '/resend-confirmation' }, { email });
    const fresh = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');
    expect(fresh).not.toBe(link);
    expect((await browser.get(fresh)).status).toBe(200);
  });

  it('a used confirmation link changes nothing and says so', async () => {
    const email = uniqueEmail('used');
    const browser = await signUpOverHttp(email);
    const link = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');
    const accountId = await store.claimOf(normalized(email));
    const before = await profileStore.profileOf(accountId as string);

    const other = new Browser();
    expectDeadLinkPage(await other.get(link));
    expectDeadLinkPage(await other.post('/confirm-email', { token: tokenOf(link), password: PASSWORD }));
    expect(other.sessionCookie, 'no session from a used link').toBeUndefined();
    expect(await store.claimOf(normalized(email))).toBe(accountId);
    expect(await profileStore.profileOf(accountId as string)).toEqual(before);
    expect((await browser.account()).status).toBe(200);
  });

  it('a forged or malformed link ends on the explanatory page and changes nothing', async () => {
    const browser = new Browser();
    const resetOrMoveLike = 'B'.repeat(43);
    for (const token of [
      resetOrMoveLike,
      'short',
      '',
      `${'C'.repeat(43)}=`,
      'é'.repeat(43),
      'x'.repeat(2000),
    ]) {
      const page = await browser.get(`/confirm-email?token=${encodeURIComponent(token)}`);
      expectDeadLinkPage(page);
      const posted = await browser.post('/confirm-email', { token, password: PASSWORD });
      expect(posted.status, token).toBeGreaterThanOrEqual(400);
      expect(posted.status, token).toBeLessThan(500);
    }
    expectDeadLinkPage(await browser.get('/confirm-email'));
    expectDeadLinkPage(await browser.get(`/confirm-email?token=${'D'.repeat(43)}&token=${'E'.repeat(43)}`));
    expect(browser.sessionCookie).toBeUndefined();
  });

  it('a reset-password link is not a confirmation link', async () => {
    const member = await createMember();
    const browser = new Browser();
    const forgot = await browser.get('/forgot-password');
    await browser.submit(forgot, { action: '/forgot-password' }, { email: member.primary });
    const reset = linkIn(await lastMailTo(member.primary, MAIL.reset), '/reset-password');
    expectDeadLinkPage(await browser.get(`/confirm-email?token=${tokenOf(reset)}`));
    expectDeadLinkPage(await browser.post('/confirm-email', { token: tokenOf(reset), password: PASSWORD }));
    expect(browser.sessionCookie).toBeUndefined();
  });

  it('stores each password with its own salt: two accounts with one password have different hashes', async () => {
    const [a, b] = [uniqueEmail('salt-a'), uniqueEmail('salt-b')];
    await Promise.all([signUpOverHttp(a), signUpOverHttp(b)]);
    const [pa, pb] = await Promise.all(
      [a, b].map(async (e) => profileStore.profileOf((await store.claimOf(normalized(e))) as string)),
    );
    expect(pa?.password.salt).not.toBe(pb?.password.salt);
    expect(pa?.password.hash).not.toBe(pb?.password.hash);
  });
});
