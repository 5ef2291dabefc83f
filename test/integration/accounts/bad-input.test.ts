/**
 * Bad input on the member pages: malformed and oversized emails and bodies, spellings of one
 * address that must not become two accounts, forged tokens, missing or wrong CSRF tokens. Each
 * gets a clear 4xx page and changes nothing; none gets a 5xx (support.ts checks every response).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as store from '../../../lambdas/store/emails.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import * as signUpStore from '../../../lambdas/store/sign-ups.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountItems,
  addEmailOverHttp,
  Browser,
  createAccount,
  createMember,
  lastMailTo,
  linkIn,
  MAIL,
  type Member,
  mailTo,
  normalized,
  PASSWORD,
  type Page,
  randomUUID,
  sessionsOf,
  signedIn,
  signUpOverHttp,
  subjectsTo,
  tokenOf,
  uniqueEmail,
} from './support.ts';

/** The fullwidth form of every ASCII character (U+FF01..U+FF5E), which NFKC folds back. */
const fullwidth = (s: string) =>
  [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');

const expectCsrfRefusal = (page: Page, what: string) => {
  expect(page.status, what).toBe(403);
  expect(page.heading).toBe('You cannot do that');
  expect(page.text).toContain('This form expired or was sent from another site.');
};

describe('malformed and oversized emails', () => {
  const malformed = [
    'plainaddress',
    '@example.com',
    'ada@',
    'ada@example',
    'ada lovelace@example.com',
    'ada@exa mple.com',
    'ada@@example.com',
    'ada..lovelace@example.com',
    '<script>alert(1)</script>@example.com',
    'ada@example.com\r\nBcc: eve@example.com',
    'ada@-example.com',
    'ada@example.123',
    'adä@example.com',
    'ada@[127.0.0.1]',
  ];

  it('Create account refuses each with a clear 400 and mails and stores nothing', async () => {
    const browser = new Browser();
    const pages = await Promise.all(malformed.map((email) => createAccount(browser, email)));
    for (const [i, page] of pages.entries()) {
      expect(page.status, malformed[i]).toBe(400);
      expect(page.heading).toBe('Create account');
      expect(page.text).toContain('Enter an email address like name@example.com.');
    }
    expect((await createAccount(browser, '   ')).text).toContain('Enter your email address.');
    for (const email of malformed) expect(await mailTo(email), email).toEqual([]);
  });

  it('Forgot password refuses each with a clear 400, and Sign in with the generic failure', async () => {
    const browser = new Browser();
    const form = await browser.get('/forgot-password');
    const forgot = await Promise.all(
      malformed.map((email) => browser.submit(form, { button: 'Send reset link' }, { email })),
    );
    for (const [i, page] of forgot.entries()) {
      expect(page.status, malformed[i]).toBe(400);
      expect(page.text).toContain('Enter an email address like name@example.com.');
    }
    // All of them count toward one throttle key (no email, this IP): five stay under it.
    const signIns = await Promise.all(malformed.slice(0, 5).map((email) => browser.signIn(email)));
    for (const page of signIns) expect(page.status).toBe(401);
  });

  it('refuses an address over 254 characters, a field over 2,048 and a body over 16 KB', async () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;
    expect(long.length).toBe(255);
    const browser = new Browser();
    const tooLong = await createAccount(browser, long);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('Email addresses are at most 254 characters.');
    expect(await mailTo(long)).toEqual([]);

    const field = await createAccount(browser, `${'a'.repeat(2049)}@example.com`);
    expect(field.status).toBe(400);
    expect(field.text).toContain('This field is too long.');

    const body = await browser.post('/create-account', {
      email: uniqueEmail('huge'),
      password: PASSWORD,
      padding: 'x'.repeat(17 * 1024),
    });
    expect(body.status).toBe(413);
    expect(body.heading).toBe('That was too much to send');
    expect(body.text).toContain('The request body is larger than 16 KB.');
  });
});

describe('spellings of one address', () => {
  const id = randomUUID();
  const typed = `Ada.${id}@Example.COM`;
  const plain = `ada.${id}@example.com`;
  let browser: Browser;

  beforeAll(async () => {
    browser = await signUpOverHttp(typed);
  });

  it('key the account by the normalized address and show it as typed', async () => {
    const accountId = await store.claimOf(plain);
    expect(accountId).toBeDefined();
    expect((await profileStore.profileOf(accountId as string))?.primaryEmail).toBe(plain);
    expect((await browser.account()).text).toContain(typed);
  });

  it('mixed-case and Unicode (NFKC) variants cannot become a second account, and they sign in to the first', async () => {
    const variants = [
      plain,
      plain.toUpperCase(),
      fullwidth(plain),
      fullwidth(typed),
      `ada.${id}@${fullwidth('EXAMPLE.com')}`,
      `  ${plain}  `,
    ];
    const creator = new Browser();
    const pages = await Promise.all(variants.map((variant) => createAccount(creator, variant)));
    for (const [i, page] of pages.entries()) {
      expect(page.status, variants[i]).toBe(200);
      expect(page.heading).toBe('Check your email');
    }
    expect(await signUpStore.pendingSignUpsOf(plain, serverNow()), 'no sign-up under any spelling').toEqual(
      [],
    );
    const subjects = await subjectsTo(plain);
    expect(subjects.filter((s) => s === MAIL.someoneTried)).toHaveLength(variants.length);
    expect(subjects.filter((s) => s === MAIL.confirmSignUp)).toHaveLength(1);

    // Each spelling signs in to the one account (a few of them: each costs a full password check).
    const some = [variants[1], variants[3], variants[5]] as string[];
    const signIns = await Promise.all(some.map((variant) => new Browser().signIn(variant)));
    expect(signIns.map((page) => page.status)).toEqual(some.map(() => 303));
  });

  it('a variant added to another account is the same address, held by the first', async () => {
    const other = await createMember();
    const otherBrowser = await signedIn(other);
    const page = await addEmailOverHttp(otherBrowser, fullwidth(plain.toUpperCase()));
    expect(page.heading).toBe('Confirmation sent');
    const mail = await lastMailTo(plain, MAIL.heldByAnother);
    expect(mail.text).toContain('/move-email?token=');
    expect(await store.claimOf(plain)).toBe(await store.claimOf(normalized(typed)));
  });

  it('two sign-ups under different spellings confirming at once make one account', async () => {
    const base = `grace.${randomUUID()}@example.com`;
    const [a, b] = [new Browser(), new Browser()];
    await createAccount(a, base.toUpperCase());
    await createAccount(b, fullwidth(base));
    const links = (await mailTo(base))
      .filter((m) => m.subject === MAIL.confirmSignUp)
      .map((m) => linkIn(m, '/confirm-email'));
    expect(links).toHaveLength(2);
    const [pageA, pageB] = await Promise.all([a.get(links[0] as string), b.get(links[1] as string)]);
    const answers = await Promise.all([
      a.submit(pageA, { button: 'Continue' }, { password: PASSWORD }),
      b.submit(pageB, { button: 'Continue' }, { password: PASSWORD }),
    ]);
    const statuses = answers.map((x) => x.status).sort();
    expect(statuses[0]).toBe(303);
    expect([400, 409]).toContain(statuses[1]);
    const holder = await store.claimOf(base);
    expect(await profileStore.profileOf(holder as string)).toMatchObject({
      primaryEmail: base,
      confirmedEmailCount: 1,
    });
  });
});

describe('forged tokens', () => {
  const tokens = [
    'A'.repeat(43),
    'A'.repeat(42),
    'A'.repeat(44),
    `${'A'.repeat(42)}/`,
    `${'A'.repeat(42)}%00`,
    'é'.repeat(43),
    'x'.repeat(1500),
    "' OR 1=1 --",
  ];

  it('every link page answers a forged or malformed token with a 400 page, by GET and by POST', async () => {
    const browser = new Browser();
    await browser.get('/create-account'); // a page with a form, for the CSRF token
    const answers = await Promise.all(
      ['/confirm-email', '/reset-password', '/move-email'].flatMap((path) => [
        ...tokens.map(
          async (token) =>
            [
              `GET ${path} ${token}`,
              await browser.get(`${path}?token=${encodeURIComponent(token)}`),
            ] as const,
        ),
        (async () =>
          [
            `GET ${path} twice`,
            await browser.get(`${path}?token=${'A'.repeat(43)}&token=${'B'.repeat(43)}`),
          ] as const)(),
        ...tokens.map(
          async (token) =>
            [
              `POST ${path} ${token}`,
              await browser.post(path, { token, password: PASSWORD, confirmDeletion: 'yes' }),
            ] as const,
        ),
      ]),
    );
    for (const [what, page] of answers) expect(page.status, what).toBe(400);
    expect(browser.sessionCookie).toBeUndefined();
  });
});

describe('CSRF', () => {
  let member: Member;
  let browser: Browser;

  beforeAll(async () => {
    member = await createMember({ confirmed: [uniqueEmail('csrf'), uniqueEmail('csrf-second')] });
    browser = await signedIn(member);
  });

  it('refuses public forms without the token, with a wrong one, or sent from another site, and changes nothing', async () => {
    const email = uniqueEmail('csrf-create');
    const visitor = new Browser();
    const form = await visitor.get('/create-account');
    const fields = { email, password: PASSWORD };
    expectCsrfRefusal(await visitor.post('/create-account', fields, { csrf: false }), 'no token');
    expectCsrfRefusal(await visitor.post('/create-account', fields, { csrf: 'A'.repeat(43) }), 'wrong token');
    expectCsrfRefusal(
      await visitor.submit(form, { action: '/create-account' }, { ...fields, _csrf: '' }),
      'empty token',
    );
    expectCsrfRefusal(
      await visitor.post('/create-account', fields, { headers: { 'sec-fetch-site': 'cross-site' } }),
      'cross-site',
    );
    expectCsrfRefusal(
      await visitor.post('/create-account', fields, { headers: { 'sec-fetch-site': 'same-site' } }),
      'same-site',
    );
    const noCookie = new Browser();
    expectCsrfRefusal(
      await noCookie.post('/create-account', fields, { csrf: visitor.csrfToken as string }),
      'no cookie',
    );
    expect(await mailTo(email)).toEqual([]);
    expect(await signUpStore.pendingSignUpsOf(normalized(email), serverNow())).toEqual([]);

    expectCsrfRefusal(
      await visitor.post('/sign-in', { email: member.primary, password: PASSWORD }, { csrf: false }),
      'sign in',
    );
    expect(visitor.sessionCookie).toBeUndefined();
    expectCsrfRefusal(
      await visitor.post('/forgot-password', { email: member.primary }, { csrf: false }),
      'forgot',
    );
    expectCsrfRefusal(await visitor.post('/resend-confirmation', { email }, { csrf: false }), 'resend');
    expect(await subjectsTo(member.primary)).toEqual([]);
  });

  it("refuses every signed-in member's form without the right token, and the account stays as it was", async () => {
    const second = normalized(member.confirmed[1] as string);
    const newEmail = uniqueEmail('csrf-add');
    const before = {
      items: await accountItems(member.accountId),
      sessions: await sessionsOf(member.accountId),
    };
    const forms: [string, Record<string, string>][] = [
      ['/account/emails/add', { email: newEmail, work: 'yes' }],
      ['/account/emails/primary', { email: second }],
      ['/account/emails/remove', { email: second }],
      ['/account/emails/resend', { email: second }],
      ['/account/password', { password: 'Brand new words for a password 7' }],
      ['/account/delete', { password: PASSWORD }],
      ['/account/partners/disconnect', { clientId: 'C'.repeat(22) }],
      ['/reauthenticate', { password: PASSWORD, next: '/account' }],
      ['/sign-out', {}],
    ];
    const answers = await Promise.all(
      forms.flatMap(([path, fields]) => [
        browser
          .post(path, fields, { csrf: false })
          .then((page) => [`${path} without a token`, page] as const),
        browser
          .post(path, fields, { csrf: 'B'.repeat(43) })
          .then((page) => [`${path} with a wrong token`, page] as const),
        browser
          .post(path, fields, { headers: { 'sec-fetch-site': 'cross-site' } })
          .then((page) => [`${path} from another site`, page] as const),
      ]),
    );
    for (const [what, page] of answers) expectCsrfRefusal(page, what);
    expect(await accountItems(member.accountId)).toEqual(before.items);
    expect(await sessionsOf(member.accountId)).toEqual(before.sessions);
    expect(await mailTo(newEmail)).toEqual([]);
    expect(await subjectsTo(member.primary)).toEqual([]);
    expect((await browser.account()).status, 'still signed in').toBe(200);
  });

  it('refuses a form token from before a sign-in after it', async () => {
    const visitor = new Browser();
    await visitor.get('/create-account');
    const before = visitor.csrfToken as string;
    const page = await visitor.signIn(member.primary);
    expect(page.status).toBe(303);
    expectCsrfRefusal(
      await visitor.post('/account/emails/add', { email: uniqueEmail('stale') }, { csrf: before }),
      'a token from before sign-in',
    );
  });

  it('refuses link forms without the token, and the link still works afterwards', async () => {
    const email = uniqueEmail('csrf-link');
    const visitor = new Browser();
    await createAccount(visitor, email);
    const link = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');
    const page = await visitor.get(link);
    expectCsrfRefusal(
      await visitor.post('/confirm-email', { token: tokenOf(link), password: PASSWORD }, { csrf: false }),
      'confirm',
    );
    expect(await store.claimOf(normalized(email))).toBeUndefined();
    expect((await visitor.submit(page, { button: 'Continue' }, { password: PASSWORD })).status).toBe(303);
  });
});

describe('hostile requests', () => {
  it('get a 4xx, never a 5xx, on every member form', async () => {
    const browser = await signedIn(await createMember());
    const token = browser.csrfToken as string;
    const paths = [
      '/create-account',
      '/resend-confirmation',
      '/confirm-email',
      '/move-email',
      '/sign-in',
      '/forgot-password',
      '/reset-password',
      '/account/emails/add',
      '/account/emails/primary',
      '/account/emails/remove',
      '/account/emails/resend',
      '/account/password',
      '/account/delete',
      '/account/partners/disconnect',
      '/reauthenticate',
    ];
    const bodies: { body: string | Buffer; contentType?: string }[] = [
      { body: `_csrf=${token}&email=a%40example.com&email=b%40example.com` },
      { body: Buffer.concat([Buffer.from(`_csrf=${token}&email=`), Buffer.from([0xff, 0xfe, 0xfd])]) },
      { body: JSON.stringify({ _csrf: token, email: 'a@example.com' }), contentType: 'application/json' },
      { body: `_csrf=${token}&email=a%40example.com`, contentType: 'multipart/form-data; boundary=x' },
      { body: `_csrf=${token}&${'n'.repeat(65)}=1` },
      { body: `_csrf=${token}&__proto__=x&constructor=y&email=%00%00` },
      { body: `_csrf=${token}&token=${'A'.repeat(43)}&password=${'p'.repeat(2048)}` },
      { body: `_csrf=${token}&${Array.from({ length: 500 }, (_, i) => `f${i}=1`).join('&')}` },
      { body: '' },
    ];
    const answers = await Promise.all(
      paths.flatMap((path) =>
        bodies.map(async ({ body, contentType }) => {
          const page = await browser.request('POST', path, {
            body,
            ...(contentType ? { contentType } : {}),
            headers: { 'sec-fetch-site': 'same-origin' },
          });
          return [`${path} ${String(body).slice(0, 60)}`, page.status] as const;
        }),
      ),
    );
    for (const [what, status] of answers) {
      expect(status, what).toBeGreaterThanOrEqual(300);
      expect(status, what).toBeLessThan(500);
    }
    expect((await browser.account()).status, 'still signed in and well').toBe(200);
  });
});
