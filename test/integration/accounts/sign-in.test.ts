/**
 * Sign in with any confirmed email, Sign out, and member sessions: a `__Host-` cookie holding an
 * opaque 256-bit id stored hashed, renewed at every sign-in, 30 minutes idle and 12 hours
 * absolute; one generic failure message; 5 failures a minute per email and IP; a lock after
 * 100 in a row until a password reset; a recent sign-in for sensitive actions.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequest } from '../../../lambdas/http/handler.ts';
import { memberSession } from '../../../lambdas/http/member.ts';
import * as emailStore from '../../../lambdas/store/emails.ts';
import { profileKey } from '../../../lambdas/store/items.ts';
import * as store from '../../../lambdas/store/profile.ts';
import {
  accountItems,
  accountsTable,
  addEmailInStore,
  Browser,
  createMember,
  ephemeralTable,
  getItem,
  lastMailTo,
  linkIn,
  MAIL,
  type Member,
  normalized,
  OTHER_PASSWORD,
  PASSWORD,
  passSecondStep,
  rememberedBrowser,
  sessionKeyOf,
  sessionsOf,
  setAttributes,
  signedIn,
  signedInMinutesAgo,
  subjectsTo,
  uniqueEmail,
  withSecondsLeftInWindow,
} from './support.ts';

const GENERIC_FAILURE = 'The email or password you entered is not right. Check them and try again.';
const minutes = (n: number) => n * 60_000;

let member: Member;
beforeAll(async () => {
  member = await createMember({
    confirmed: [uniqueEmail('first'), uniqueEmail('second')],
    unconfirmed: [uniqueEmail('unconfirmed')],
  });
});

describe('Sign in', () => {
  it('signs in with any confirmed email and the password', async () => {
    const [first, second] = member.confirmed as [string, string];
    for (const email of [first, second, second.toUpperCase()]) {
      const browser = rememberedBrowser(member);
      const page = await browser.signIn(email);
      expect(page.status, email).toBe(303);
      expect(page.location).toBe('/account');
      const account = await browser.follow(page);
      expect(account.status).toBe(200);
      expect(account.heading).toBe('Profile');
    }
    // A browser the member did not ask to remember goes on to the second step.
    const elsewhere = await new Browser().signIn(second);
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.location).toBe('/mfa?next=%2Faccount');
  });

  it('says one generic thing for every failure: wrong password, unknown, unconfirmed or malformed email', async () => {
    const browser = new Browser();
    const attempts: [string, string][] = [
      [member.primary, `${PASSWORD}!`],
      [member.primary, ''],
      [uniqueEmail('unknown'), PASSWORD],
      [member.unconfirmed[0] as string, PASSWORD],
      ['not an email', PASSWORD],
      ['', PASSWORD],
    ];
    const pages = [];
    for (const [email, password] of attempts) {
      const page = await browser.signIn(email, password);
      expect(page.status, email).toBe(401);
      expect(page.text).toContain(GENERIC_FAILURE);
      expect(browser.sessionCookie).toBeUndefined();
      pages.push(page.text);
    }
    expect(new Set(pages).size, 'the pages read the same').toBe(1);
  });

  it('Sign out ends the session on the server, not only in the browser', async () => {
    const browser = await signedIn(member);
    const cookie = browser.sessionCookie as string;
    const key = sessionKeyOf(browser);
    expect(await getItem(ephemeralTable(), key)).toBeDefined();

    const out = await browser.submit(await browser.account(), { button: 'Sign out' });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/sign-in?notice=signed-out');
    expect(browser.sessionCookie).toBeUndefined();
    expect(await getItem(ephemeralTable(), key)).toBeUndefined();
    expect((await browser.follow(out)).text).toContain('You signed out');

    const replay = new Browser();
    replay.setCookie('verity-session', cookie);
    const page = await replay.get('/account');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/sign-in?next=%2Faccount');
  });
});

describe('member sessions', () => {
  it('live in a __Host- cookie that is HttpOnly, Secure and SameSite=Lax, holding 256 random bits stored only hashed', async () => {
    const browser = new Browser();
    const page = await browser.signIn(member.primary);
    const line = page.setCookies.find((c) => c.startsWith('__Host-verity-session='));
    expect(line).toBeDefined();
    const [pair, ...attributes] = (line as string).split(';').map((s) => s.trim());
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax']));
    expect(
      attributes.some((a) => /^domain=/i.test(a)),
      'a __Host- cookie has no Domain',
    ).toBe(false);

    const [accountId, secret] = (pair?.split('=')[1] ?? '').split('.') as [string, string];
    expect(accountId).toBe(member.accountId);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const hashed = createHash('sha256').update(secret).digest('base64url');
    const item = await getItem(ephemeralTable(), { pk: `SESSIONS#${accountId}`, sk: hashed });
    expect(item).toBeDefined();
    expect(JSON.stringify(item)).not.toContain(secret);
  });

  it('get a new id at every sign-in, even in a browser that brought one', async () => {
    const browser = new Browser();
    await browser.signIn(member.primary);
    const first = browser.sessionCookie;
    await browser.signIn(member.primary);
    const second = browser.sessionCookie;
    expect(first).toBeDefined();
    expect(second).not.toBe(first);

    // A session id planted before sign-in (fixation) is not the one the member ends up with.
    const planted = new Browser();
    planted.setCookie('verity-session', first as string);
    await planted.signIn(member.primary);
    expect(planted.sessionCookie).not.toBe(first);
  });

  it('end after 30 idle minutes, and each request restarts the idle timer', async () => {
    const browser = await signedIn(member);
    const request = {
      cookies: { 'verity-session': browser.sessionCookie },
    } as unknown as HttpRequest<unknown>;
    const start = Date.parse(String((await getItem(ephemeralTable(), sessionKeyOf(browser)))?.createdAt));

    expect(await memberSession(request, new Date(start + minutes(31))), 'idle 31 minutes').toBeUndefined();
    expect(await memberSession(request, new Date(start + minutes(29))), 'idle 29 minutes').toBeDefined();
    expect(
      await memberSession(request, new Date(start + minutes(58))),
      '29 minutes after the last request',
    ).toBeDefined();
    expect(await memberSession(request, new Date(start + minutes(58 + 31)))).toBeUndefined();
  });

  it('end 12 hours after sign-in however active the member is', async () => {
    const browser = await signedIn(member);
    const request = {
      cookies: { 'verity-session': browser.sessionCookie },
    } as unknown as HttpRequest<unknown>;
    const start = Date.parse(String((await getItem(ephemeralTable(), sessionKeyOf(browser)))?.createdAt));
    for (let at = minutes(25); at < minutes(12 * 60); at += minutes(25)) {
      expect(await memberSession(request, new Date(start + at)), `${at / 60_000} minutes in`).toBeDefined();
    }
    expect(await memberSession(request, new Date(start + minutes(12 * 60) + 1000))).toBeUndefined();
  });

  it('ask for the password again before sensitive actions when the sign-in is over 20 minutes old', async () => {
    const browser = await signedIn(member);
    const newEmail = uniqueEmail('not-added');
    const second = member.confirmed[1] as string;

    await signedInMinutesAgo(browser, 19);
    expect((await browser.get('/account/emails/add')).status, 'a sign-in 19 minutes ago is recent').toBe(200);

    await signedInMinutesAgo(browser, 21);
    expect((await browser.account()).status, 'the account page itself is not sensitive').toBe(200);
    for (const path of ['/account/emails/add', '/account/password', '/account/delete']) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(303);
      expect(page.location).toBe(`/reauthenticate?next=${encodeURIComponent(path)}`);
    }
    const before = await accountItems(member.accountId);
    // A form comes back, after the password, to the part of My Account it was posted from.
    for (const [path, fields, part] of [
      ['/account/emails/add', { email: newEmail }, '/account'],
      ['/account/emails/primary', { email: normalized(second) }, '/account'],
      ['/account/emails/remove', { email: normalized(second) }, '/account'],
      ['/account/password', { password: OTHER_PASSWORD }, '/account/security'],
      ['/account/delete', { password: PASSWORD }, '/account/security'],
      ['/mfa/forget-browsers', {}, '/account/security'],
    ] as const) {
      const page = await browser.post(path, fields);
      expect(page.status, path).toBe(303);
      expect(page.location, path).toBe(`/reauthenticate?next=${encodeURIComponent(part)}`);
    }
    expect(await accountItems(member.accountId), 'nothing changed').toEqual(before);
    expect(await subjectsTo(newEmail)).toEqual([]);

    const ask = await browser.get('/reauthenticate?next=/account/emails/add');
    expect(ask.status).toBe(200);
    expect(ask.heading).toBe('Enter your password again');
    const wrong = await browser.submit(ask, { button: 'Continue' }, { password: OTHER_PASSWORD });
    expect(wrong.status).toBe(401);
    expect((await browser.get('/account/emails/add')).status, 'a wrong password is no sign-in').toBe(303);
    const right = await browser.submit(ask, { button: 'Continue' }, { password: PASSWORD });
    expect(right.status).toBe(303);
    const passed = await passSecondStep(browser, member, right);
    expect(passed.location).toBe('/account/emails/add');
    expect((await browser.follow(passed)).status).toBe(200);
  });

  it('are not created from a forged or malformed cookie', async () => {
    for (const value of [
      `${member.accountId}.${'A'.repeat(43)}`,
      `${member.accountId}.`,
      'garbage',
      `${'x'.repeat(22)}.${'B'.repeat(43)}`,
    ]) {
      const browser = new Browser();
      browser.setCookie('verity-session', value);
      const page = await browser.get('/account');
      expect(page.status, value).toBe(303);
      expect(page.location).toBe('/sign-in?next=%2Faccount');
    }
  });
});

describe('failed sign-ins', () => {
  it('are throttled after 5 a minute per email and IP, with a 429 page', async () => {
    const throttled = await createMember({
      confirmed: [uniqueEmail('throttled'), uniqueEmail('other-email')],
    });
    const browser = new Browser();
    await withSecondsLeftInWindow(60, 5);
    for (let i = 1; i <= 5; i++) {
      expect((await browser.signIn(throttled.primary, `${PASSWORD}${i}`)).status, `failure ${i}`).toBe(401);
    }
    const sixth = await browser.signIn(throttled.primary, PASSWORD);
    expect(sixth.status, 'even the right password waits').toBe(429);
    expect(sixth.text).toMatch(
      /Too many tries to sign in with this email\. Wait (a minute|2 minutes) and try again/,
    );
    expect(browser.sessionCookie).toBeUndefined();
    expect(
      (await store.profileOf(throttled.accountId))?.failedSignIns,
      'a throttled try is not checked',
    ).toBe(5);

    const otherEmail = await browser.signIn(throttled.confirmed[1] as string);
    expect(otherEmail.status, 'another email from the same IP').toBe(303);
    const otherIp = await new Browser().signIn(throttled.primary);
    expect(otherIp.status, 'the same email from another IP').toBe(303);
  });

  it('lock the account after 100 in a row, even for the right password, until a password reset', async () => {
    const locked = await createMember();
    await setAttributes(accountsTable(), profileKey(locked.accountId), { failedSignIns: 99 });
    const hundredth = await new Browser().signIn(locked.primary, OTHER_PASSWORD);
    expect(hundredth.status).toBe(403);
    expect(hundredth.text).toContain('This account is locked after too many wrong passwords');
    expect((await store.profileOf(locked.accountId))?.failedSignIns).toBe(100);

    const right = await new Browser().signIn(locked.primary, PASSWORD);
    expect(right.status).toBe(403);
    expect(right.text).toContain('Reset your password to unlock it.');

    const browser = new Browser();
    await browser.submit(
      await browser.get('/forgot-password'),
      { action: '/forgot-password' },
      {
        email: locked.primary,
      },
    );
    const link = linkIn(await lastMailTo(locked.primary, MAIL.reset), '/reset-password');
    const reset = await browser.submit(
      await browser.get(link),
      { button: 'Reset password' },
      {
        password: OTHER_PASSWORD,
      },
    );
    expect(reset.status).toBe(303);
    expect((await store.profileOf(locked.accountId))?.failedSignIns).toBe(0);
    expect((await new Browser().signIn(locked.primary, OTHER_PASSWORD)).status).toBe(303);
  });

  it("keep a locked account locked when its member opens an added email's link", async () => {
    const locked = await createMember();
    const added = uniqueEmail('locked-added');
    const { link } = await addEmailInStore(locked.accountId, added);
    await setAttributes(accountsTable(), profileKey(locked.accountId), { failedSignIns: 100 });
    const browser = new Browser();
    const page = await browser.get(link);
    const answer = await browser.submit(page, { button: 'Continue' }, { password: PASSWORD });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('This account is locked after too many wrong passwords');
    expect(browser.sessionCookie, 'not signed in').toBeUndefined();
    expect((await store.profileOf(locked.accountId))?.failedSignIns, 'still locked').toBe(100);
    const email = (await emailStore.emailsOf(locked.accountId)).find(
      (e) => e.normalized === normalized(added),
    );
    expect(email?.confirmed).toBe(false);
  });

  it('start counting again after a successful sign-in', async () => {
    const counted = await createMember();
    await setAttributes(accountsTable(), profileKey(counted.accountId), { failedSignIns: 98 });
    expect((await new Browser().signIn(counted.primary)).status).toBe(303);
    expect((await store.profileOf(counted.accountId))?.failedSignIns).toBe(0);
    expect((await new Browser().signIn(counted.primary, OTHER_PASSWORD)).status).toBe(401);
    expect((await store.profileOf(counted.accountId))?.failedSignIns).toBe(1);
    expect((await new Browser().signIn(counted.primary)).status).toBe(303);
  });
});

describe('after signing in', () => {
  it('goes back only to a path on this site', async () => {
    for (const [next, expected] of [
      ['/account/history', '/account/history'],
      ['https://evil.example/', '/account'],
      ['//evil.example/', '/account'],
      ['/\\evil.example', '/account'],
    ] as const) {
      const browser = rememberedBrowser(member);
      const form = await browser.get(`/sign-in?next=${encodeURIComponent(next)}`);
      const page = await browser.submit(
        form,
        { action: '/sign-in' },
        { email: member.primary, password: PASSWORD },
      );
      expect(page.location, next).toBe(expected);
    }
  });

  it('keeps one session per sign-in, each of which Sign out ends alone', async () => {
    const [a, b] = [await signedIn(member), await signedIn(member)];
    const sessions = (await sessionsOf(member.accountId)).map((s) => s.sk);
    expect(sessions).toEqual(expect.arrayContaining([sessionKeyOf(a).sk, sessionKeyOf(b).sk]));
    await a.submit(await a.account(), { button: 'Sign out' });
    expect((await a.get('/account')).status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);
  });
});
