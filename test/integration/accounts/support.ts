/**
 * What the account tests share:
 *
 * - `Browser`: a small HTTP client that behaves like a browser on the member pages. It keeps a
 *   cookie jar, sends `Sec-Fetch-Site: same-origin` on form posts, echoes the `_csrf` field of
 *   the last form it was shown, and connects from an address of its own in 127.0.0.0/8, so
 *   per-IP rate limits of one test do not leak into another.
 * - the mailbox: mail captured by the SES emulator (`GET /store`), and the links in it.
 * - quick fixtures: members written through the same store operations a sign-up uses, with the
 *   cheapest scrypt cost the hash module accepts (the sign-up flow itself has its own tests),
 *   an authenticator app and a remembered browser, so that a password sign-in from that
 *   browser passes both steps (MFA has its own tests; here it is only in the way).
 * - the second step over HTTP where a flow asks for it again: a code the member's app would show.
 * - the server's clock (test/support/clock.ts): fixtures stamp what the server judges (sessions,
 *   links, sign-in times) with `serverNow()`, and a test that needs time to pass moves the clock.
 * - a check after every test that no response had a 5xx status.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, expect, inject } from 'vitest';
import { hashPassword } from '../../../lambdas/accounts/password/hash.ts';
import { newSecret, secretHash } from '../../../lambdas/accounts/tokens.ts';
import { isAddressProblem, parseEmailAddress } from '../../../lambdas/core/email-address.ts';
import { newId } from '../../../lambdas/core/ids.ts';
import { fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../../lambdas/keys/pepper.ts';
import { DEVICE_COOKIE, rememberBrowser } from '../../../lambdas/mfa/remembered-browsers.ts';
import { newTotpSecret } from '../../../lambdas/mfa/totp.ts';
import { parseSessionCookie, rotatedSession, SESSION_COOKIE } from '../../../lambdas/sessions/session.ts';
import { documentClient, tableName } from '../../../lambdas/store/dynamo.ts';
import * as emailStore from '../../../lambdas/store/emails.ts';
import type { TotpFactor } from '../../../lambdas/store/factors.ts';
import type {
  EmailItem,
  HistoryEvent,
  PasswordHash,
  PendingSignUp,
  TokenItem,
} from '../../../lambdas/store/items.ts';
import * as mfaStore from '../../../lambdas/store/mfa.ts';
import * as sessionStore from '../../../lambdas/store/sessions.ts';
import * as store from '../../../lambdas/store/sign-ups.ts';
import { freshCode } from '../../support/authenticator.ts';
import { advanceClockTo, serverNow } from '../../support/clock.ts';

export const verity = inject('verity');
export const site = verity.siteUrl;
const siteUrl = new URL(site);

/** Passes the password rules (length, zxcvbn, blocklist, not from the email). */
export const PASSWORD = 'Quiet-lantern-47-orbit-Maple';
export const OTHER_PASSWORD = 'Velvet quarry hums at dawn 91';

export const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

/** A fresh address per test: every test shares one DynamoDB and one SES mailbox. */
export const uniqueEmail = (tag = 'member') => `${tag}-${randomUUID()}@example.com`;

export const normalized = (address: string): string => {
  const parsed = parseEmailAddress(address);
  if (isAddressProblem(parsed)) throw new Error(`not an address: ${address}`);
  return parsed.normalized;
};

/* ------------------------------------------------------------------ 5xx guard */

const serverErrors: string[] = [];

afterEach(() => {
  const seen = serverErrors.splice(0);
  expect(seen, 'responses with a 5xx status during this test').toEqual([]);
});

/* ------------------------------------------------------------------ pages */

export interface Page {
  readonly status: number;
  /** The Location header of a redirect, as sent. */
  readonly location: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly setCookies: readonly string[];
  readonly html: string;
  /** The visible text of `<main>`, entities decoded and whitespace collapsed. */
  readonly text: string;
  /** The text of the page's `<h1>`. */
  readonly heading: string;
}

export interface Form {
  readonly action: string;
  /** Hidden inputs, `_csrf` included. */
  readonly hidden: Readonly<Record<string, string>>;
  /** Names of every input, visible ones too. */
  readonly inputs: readonly string[];
  /** The visible text of each submit button. */
  readonly buttons: readonly string[];
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');

const textOf = (html: string) =>
  decode(html.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

const attributes = (tag: string): Record<string, string> => {
  const found: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
    if (name) found[name] = decode(value ?? '');
  }
  return found;
};

export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs, inner]) => {
    const hidden: Record<string, string> = {};
    const inputs: string[] = [];
    for (const [, tag] of (inner ?? '').matchAll(/<input\b([^>]*)>/g)) {
      const a = attributes(tag ?? '');
      if (!a.name) continue;
      inputs.push(a.name);
      if (a.type === 'hidden') hidden[a.name] = a.value ?? '';
    }
    const buttons = [...(inner ?? '').matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map(([, b]) =>
      textOf(b ?? ''),
    );
    return { action: attributes(attrs ?? '').action ?? '', hidden, inputs, buttons };
  });
}

export interface FormMatch {
  readonly action?: string;
  /** The button's visible label, word for word. */
  readonly button?: string;
  /** The email a row's form acts on (its hidden `email` field), for the Email section. */
  readonly email?: string;
}

export function findForm(page: Page, match: FormMatch): Form {
  const forms = formsOf(page.html);
  const found = forms.find(
    (f) =>
      (match.action === undefined || f.action === match.action) &&
      (match.button === undefined || f.buttons.includes(match.button)) &&
      (match.email === undefined || f.hidden.email === normalized(match.email)),
  );
  if (!found) {
    const seen = forms.map((f) => `${f.action} [${f.buttons.join(', ')}] ${f.hidden.email ?? ''}`);
    throw new Error(`no form ${JSON.stringify(match)} on "${page.heading}"; forms: ${seen.join(' | ')}`);
  }
  return found;
}

export interface EmailRow {
  readonly address: string;
  /** The row's tags: its state (Primary, Confirmed or Unconfirmed) and Work. */
  readonly tags: readonly string[];
  /** The buttons of its menu. */
  readonly buttons: readonly string[];
}

/** The rows of the Email section of the account page, in page order. */
export function emailRows(page: Page): EmailRow[] {
  const list = /<ul\b[^>]*verity-email-list[^>]*>([\s\S]*?)<\/ul>/.exec(page.html)?.[1] ?? '';
  return [...list.matchAll(/<li\b[^>]*>([\s\S]*?)<\/li>/g)].map(([, row = '']) => ({
    address: decode(/<span class="text-bold"[^>]*>([^<]*)<\/span>/.exec(row)?.[1] ?? ''),
    tags: [...row.matchAll(/<span class="usa-tag"[^>]*>([^<]*)<\/span>/g)].map(([, t]) => decode(t ?? '')),
    buttons: formsOf(row).flatMap((f) => f.buttons),
  }));
}

export function emailRow(page: Page, address: string): EmailRow {
  const row = emailRows(page).find((r) => normalized(r.address) === normalized(address));
  if (!row) throw new Error(`${address} is not in the Email section`);
  return row;
}

function toPage(status: number, headers: IncomingHttpHeaders, body: string): Page {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/.exec(body)?.[1] ?? body;
  return {
    status,
    location: headers.location,
    headers,
    setCookies: headers['set-cookie'] ?? [],
    html: body,
    text: textOf(main),
    heading: textOf(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(body)?.[1] ?? ''),
  };
}

/** The page a dead confirmation link ends on: it says what happened and offers Resend confirmation. */
export function expectDeadLinkPage(page: Page): void {
  expect(page.status).toBe(400);
  expect(page.heading).toBe('This link does not work');
  expect(page.text).toContain('expired, was already used, or was replaced by a newer one');
  const resend = findForm(page, { action: '/resend-confirmation', button: 'Resend confirmation' });
  expect(resend.inputs).toContain('email');
}

/* ------------------------------------------------------------------ the browser */

const randomLoopback = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;

export interface BrowserOptions {
  /** The source address; a random one in 127.0.0.0/8 by default. */
  readonly ip?: string;
  readonly userAgent?: string;
  /** What CloudFront would say in `CloudFront-Viewer-Country`. */
  readonly country?: string;
}

export interface RequestOptions {
  readonly body?: string | Buffer;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface PostOptions {
  /** The `_csrf` field: the one of the last form shown (default), another value, or none. */
  readonly csrf?: string | false;
  readonly headers?: Record<string, string>;
}

export class Browser {
  readonly ip: string;
  readonly userAgent: string;
  readonly country: string | undefined;
  /** Cookie name (with its `__Host-` prefix) to value. */
  readonly jar = new Map<string, string>();
  /** The `_csrf` field of the last page that had a form. */
  csrfToken: string | undefined;

  constructor(options: BrowserOptions = {}) {
    this.ip = options.ip ?? randomLoopback();
    this.userAgent = options.userAgent ?? FIREFOX_ON_LINUX;
    this.country = options.country;
  }

  cookie(name: string): string | undefined {
    return this.jar.get(`__Host-${name}`);
  }

  setCookie(name: string, value: string): void {
    this.jar.set(`__Host-${name}`, value);
  }

  get sessionCookie(): string | undefined {
    return this.cookie('verity-session');
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<Page> {
    const headers: Record<string, string> = {
      host: siteUrl.host,
      'user-agent': this.userAgent,
      accept: 'text/html,application/xhtml+xml',
      ...(this.country ? { 'cloudfront-viewer-country': this.country } : {}),
      ...options.headers,
    };
    if (this.jar.size > 0) {
      headers.cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body) {
      headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded';
      headers['content-length'] = String(body.length);
    }
    return new Promise<Page>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          family: 4,
          port: siteUrl.port,
          localAddress: this.ip,
          method,
          path,
          headers,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const page = toPage(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'));
            this.remember(method, path, page);
            resolve(page);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  private remember(method: string, path: string, page: Page): void {
    if (page.status >= 500) serverErrors.push(`${method} ${path.split('?')[0]} -> ${page.status}`);
    for (const line of page.setCookies) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const token = formsOf(page.html).find((f) => f.hidden._csrf)?.hidden._csrf;
    if (token) this.csrfToken = token;
  }

  get(path: string, headers?: Record<string, string>): Promise<Page> {
    return this.request('GET', path, { ...(headers ? { headers } : {}) });
  }

  /** A form post as a browser sends it from one of our pages. */
  post(path: string, fields: Record<string, string>, options: PostOptions = {}): Promise<Page> {
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    const form = new URLSearchParams(csrf === false || csrf === undefined ? {} : { _csrf: csrf });
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    return this.request('POST', path, {
      body: form.toString(),
      headers: { 'sec-fetch-site': 'same-origin', ...options.headers },
    });
  }

  /** Submits a form of `page` (its hidden fields, `_csrf` included) with `fields` filled in. */
  submit(page: Page, match: FormMatch, fields: Record<string, string> = {}): Promise<Page> {
    const form = findForm(page, match);
    const { _csrf, ...hidden } = form.hidden;
    return this.post(form.action, { ...hidden, ...fields }, { csrf: _csrf ?? false });
  }

  /** Opens the page a redirect points to. */
  follow(page: Page): Promise<Page> {
    if (!page.location) throw new Error(`not a redirect: ${page.status} "${page.heading}"`);
    const target = new URL(page.location, site);
    return this.get(target.pathname + target.search);
  }

  /**
   * Sign in through the Sign in page; the answer should be a 303 to /account. A browser that is
   * signed in already is sent on from that page, so it posts the form from the page it lands on.
   */
  async signIn(email: string, password = PASSWORD): Promise<Page> {
    const form = await this.get('/sign-in');
    if (form.status === 303) {
      let page = await this.follow(form);
      for (let hops = 0; page.status === 303 && hops < 3; hops++) page = await this.follow(page);
      return this.post('/sign-in', { email, password });
    }
    return this.submit(form, { action: '/sign-in' }, { email, password });
  }

  /** The Email section, freshly loaded. */
  account(): Promise<Page> {
    return this.get('/account');
  }

  /** Presses a button of one email's row on the account page. */
  async pressOnEmail(button: string, email: string): Promise<Page> {
    return this.submit(await this.account(), { button, email });
  }
}

/* ------------------------------------------------------------------ mail */

export interface Mail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Epoch seconds, as the emulator records it. */
  readonly at: number;
}

interface StoredMail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  at: number;
}

/** One mailbox however the address was spelled (case, fullwidth forms). */
const mailbox = (address: string) => address.normalize('NFKC').trim().toLowerCase();

/**
 * Every mail the SES emulator captured for `address`, oldest first. Mail leaves after the
 * response; the gateway's settled path answers once the mail of every earlier response is there.
 */
export async function mailTo(address: string): Promise<Mail[]> {
  await fetch(`${site}/_local/mail/settled`);
  const response = await fetch(`${verity.endpoints.ses}/store`);
  const { emails } = (await response.json()) as { emails: StoredMail[] };
  const wanted = mailbox(address);
  return emails
    .filter((e) => e.destination.to.some((to) => mailbox(to) === wanted))
    .map((e) => ({ to: e.destination.to, subject: e.subject, text: e.body.text ?? '', at: e.at }));
}

export const subjectsTo = async (address: string) => (await mailTo(address)).map((m) => m.subject);

/** The newest mail to `address` whose subject matches. */
export async function lastMailTo(address: string, subject: string | RegExp): Promise<Mail> {
  const all = await mailTo(address);
  const matching = all.filter((m) =>
    typeof subject === 'string' ? m.subject === subject : subject.test(m.subject),
  );
  const last = matching.at(-1);
  if (!last) {
    throw new Error(`no mail "${subject}" to ${address}; got: ${JSON.stringify(all.map((m) => m.subject))}`);
  }
  return last;
}

/** The link to `path` in a mail, as a path on this site (`/confirm-email?token=...`). */
export function linkIn(mail: Mail, path: string): string {
  const pattern = new RegExp(`https?://[^\\s/]+${path.replace(/[/?]/g, '\\$&')}\\?token=[\\w-]+`);
  const found = pattern.exec(mail.text)?.[0];
  if (!found) throw new Error(`no ${path} link in "${mail.subject}":\n${mail.text}`);
  const url = new URL(found);
  expect(url.origin, 'links in mail point at this site').toBe(siteUrl.origin);
  return url.pathname + url.search;
}

export const tokenOf = (link: string): string => new URL(link, site).searchParams.get('token') ?? '';

/* ------------------------------------------------------------------ flows over HTTP */

export const MAIL = {
  confirmSignUp: 'Confirm your email to finish creating your Verity account',
  someoneTried: 'Someone tried to create a Verity account with your email',
  confirmAdded: 'Confirm the email you added to your Verity account',
  heldByAnother: 'Your email belongs to another Verity account',
  reset: 'Reset your Verity password',
  resetWithoutAccount: 'Someone asked to reset a Verity password for this email',
  emailAdded: 'An email was added to your Verity account',
  emailRemoved: 'An email was removed from your Verity account',
  primaryChanged: 'Your primary email changed',
  passwordChanged: 'Your Verity password changed',
  passwordReset: 'Your Verity password was reset',
  accountDeleted: 'Your Verity account was deleted',
} as const;

/** Create account on the page; answers the "Check your email" page. */
export async function createAccount(browser: Browser, email: string, password = PASSWORD): Promise<Page> {
  const form = await browser.get('/create-account');
  return browser.submit(form, { action: '/create-account' }, { email, password });
}

/** Opens a confirmation link and presses Continue with the password. */
export async function confirmWithPassword(browser: Browser, link: string, password = PASSWORD) {
  const page = await browser.get(link);
  expect(page.status, `confirmation page: ${page.text}`).toBe(200);
  return browser.submit(page, { button: 'Continue' }, { password });
}

/**
 * The whole sign-up over HTTP: Create account, the mail, Continue with the password, then the
 * first sign-in method (an authenticator app), after which the account page opens.
 */
/** Forgot password through its page: the form, the address, Send reset link. */
export async function forgotPasswordOverHttp(browser: Browser, email: string): Promise<Page> {
  const form = await browser.get('/forgot-password');
  expect(form.status).toBe(200);
  return browser.submit(form, { button: 'Send reset link' }, { email });
}

export async function signUpOverHttp(email: string, password = PASSWORD): Promise<Browser> {
  const browser = new Browser();
  expect((await createAccount(browser, email, password)).status).toBe(200);
  const link = linkIn(await lastMailTo(email, MAIL.confirmSignUp), '/confirm-email');
  const done = await confirmWithPassword(browser, link, password);
  expect(done.status).toBe(303);
  expect(done.location).toBe('/mfa/setup');
  await setUpAuthenticator(browser);
  return browser;
}

/** + Add an email (optionally Work) on the account's pages; answers the "Confirmation sent" page. */
export async function addEmailOverHttp(browser: Browser, email: string, work = false): Promise<Page> {
  const form = await browser.get('/account/emails/add');
  expect(form.status, 'the Add an email page').toBe(200);
  return browser.submit(form, { button: 'Send confirmation' }, { email, ...(work ? { work: 'yes' } : {}) });
}

/* ------------------------------------------------------------------ fixtures in the store */

const cheapHashes = new Map<string, Promise<PasswordHash>>();

/** scrypt at the lowest cost the hash module accepts (2^14): ~40 ms to check instead of ~150. */
const fixtureHash = (password: string) => {
  let hash = cheapHashes.get(password);
  if (!hash) {
    hash = hashPassword(password, { pepper: pepperFromEnvironment() }, { N: 2 ** 14, r: 8, p: 1 });
    cheapHashes.set(password, hash);
  }
  return hash;
};

const fixtureEvent = (type: HistoryEvent['type'], now: Date, detail?: string): HistoryEvent => ({
  type,
  at: now.toISOString(),
  device: 'test fixture',
  place: 'Unknown',
  ...(detail ? { detail } : {}),
});

export interface Member {
  readonly accountId: string;
  /** Confirmed addresses, the primary first. */
  readonly confirmed: readonly string[];
  readonly unconfirmed: readonly string[];
  readonly primary: string;
  readonly password: string;
  /** The key of the member's authenticator app (base32), if it has one. */
  readonly totpSecret?: string;
  /** The `verity-device` cookie of a browser the member chose to remember. */
  readonly deviceCookie?: string;
}

/** A pending sign-up as Create account writes it, with its link; the password hashed at the fixture cost. */
export async function pendingSignUpInStore(address: string, password = PASSWORD, now = serverNow()) {
  const secret = newSecret();
  const pending: PendingSignUp = {
    signUpId: newId(),
    address,
    normalized: normalized(address),
    password: await fixtureHash(password),
    tokenHash: secretHash(secret),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 24 * 3600,
  };
  const token: TokenItem = {
    purpose: 'sign-up',
    createdAt: pending.createdAt,
    expiresAt: pending.expiresAt,
    normalized: pending.normalized,
    signUpId: pending.signUpId,
  };
  await store.createPendingSignUp(pending, token);
  return { pending, link: `/confirm-email?token=${secret}` };
}

/** An unconfirmed email on an account, as + Add an email writes it; answers its link. */
export async function addEmailInStore(accountId: string, address: string, work = false) {
  const now = serverNow();
  const secret = newSecret();
  const hash = secretHash(secret);
  const email: EmailItem = {
    address,
    normalized: normalized(address),
    confirmed: false,
    work,
    addedAt: now.toISOString(),
    tokenHash: hash,
  };
  const token: TokenItem = {
    purpose: 'add-email',
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 24 * 3600,
    accountId,
    normalized: email.normalized,
  };
  const outcome = await emailStore.addEmail({ accountId, email, tokenHash: hash, token, maxEmails: 12 });
  if (outcome !== 'ok') throw new Error(`fixture: could not add ${address} (${outcome})`);
  return { hash, link: `/confirm-email?token=${secret}` };
}

/**
 * A member straight in the store, through the operations sign-up and the Email section use:
 * the first address is the primary; the others are confirmed or left unconfirmed.
 */
export async function createMember(
  options: {
    confirmed?: readonly string[];
    unconfirmed?: readonly string[];
    password?: string;
    /** An authenticator app and a remembered browser (the default); without, the first method is still to set up. */
    mfa?: boolean;
  } = {},
): Promise<Member> {
  const confirmed = options.confirmed ?? [uniqueEmail()];
  const unconfirmed = options.unconfirmed ?? [];
  const password = options.password ?? PASSWORD;
  const [first, ...others] = confirmed;
  if (!first) throw new Error('a member needs a confirmed email');
  const now = serverNow();
  const { pending } = await pendingSignUpInStore(first, password, now);
  const accountId = newId();
  const created = await store.createAccount({
    pending,
    tokenHash: pending.tokenHash,
    accountId,
    work: false,
    now,
    event: fixtureEvent('account-created', now, first),
  });
  if (created !== 'ok') throw new Error(`fixture: could not create ${first} (${created})`);
  const confirmOne = async (address: string, i: number) => {
    const { hash } = await addEmailInStore(accountId, address);
    // A millisecond apart, so that the history lists them in the fixture's order.
    const at = new Date(now.getTime() + i + 1);
    const outcome = await emailStore.confirmEmail({
      accountId,
      normalized: normalized(address),
      tokenHash: hash,
      now: at,
      event: fixtureEvent('email-confirmed', at, address),
    });
    if (outcome !== 'ok') throw new Error(`fixture: could not confirm ${address} (${outcome})`);
  };
  await Promise.all([
    ...others.map(confirmOne),
    ...unconfirmed.map((address) => addEmailInStore(accountId, address)),
  ]);
  const member = { accountId, confirmed, unconfirmed, primary: first, password };
  if (options.mfa === false) return member;
  const at = new Date(now.getTime() + others.length + 1);
  return { ...member, ...(await addAuthenticator(accountId, at)) };
}

/** An authenticator app as its setup leaves it, and a browser remembered for the second step. */
async function addAuthenticator(accountId: string, at: Date) {
  const totpSecret = newTotpSecret();
  const factor: TotpFactor = {
    factorId: newId(),
    kind: 'totp',
    name: 'Authenticator app',
    createdAt: at.toISOString(),
    secret: await fieldCipherFromEnvironment().encrypt(totpSecret, { accountId, field: 'totp-secret' }),
    lastUsedStep: -1,
  };
  const added = await mfaStore.addFactor(accountId, factor, fixtureEvent('mfa-added', at, factor.name));
  if (added !== 'ok') throw new Error(`fixture: could not add an authenticator (${added})`);
  const deviceCookie = (await rememberBrowser(accountId, at)).value;
  return { totpSecret, deviceCookie };
}

/** A browser the member chose to remember: a password sign-in from it skips the second step. */
export function rememberedBrowser(member: Member, options: BrowserOptions = {}): Browser {
  if (!member.deviceCookie) throw new Error('fixture: this member has no remembered browser');
  const browser = new Browser(options);
  browser.setCookie(DEVICE_COOKIE, member.deviceCookie);
  return browser;
}

/**
 * A browser signed in to `member` through the Sign in page, on the account page. The second step
 * is what test/integration/mfa and passSecondStep test; here the fixture passes it in the store,
 * so that a test can sign one member in many times without waiting for new authenticator codes
 * (a remembered browser would skip it too, but its sign-in is not recent for sensitive actions).
 */
export async function signedIn(member: Member, options: BrowserOptions = {}): Promise<Browser> {
  const browser = new Browser(options);
  const page = await browser.signIn(member.primary, member.password);
  expect(page.status, `sign in: ${page.text}`).toBe(303);
  expect(page.location, 'on to the second step').toBe('/mfa?next=%2Faccount');
  const { sk, accountId } = sessionKeyOf(browser);
  const now = serverNow();
  const session = await sessionStore.sessionOf(accountId, sk, now);
  if (!session) throw new Error('fixture: no session after the password');
  // What the second step does to the session: AAL2 under a new secret.
  const raised = rotatedSession(session, now, { aal: 2 }, now.toISOString());
  expect(await sessionStore.replaceSession(session, raised.item)).toBe('ok');
  browser.setCookie(SESSION_COOKIE, raised.cookie);
  expect((await browser.account()).status).toBe(200);
  return browser;
}

/* ------------------------------------------------------------------ the second step */

/**
 * The code an authenticator app with `secret` shows now, from a 30-second step it has not given a
 * code for yet: a code works once, so a second one within a step moves the server's clock on to
 * the next step (test/support/authenticator.ts).
 */
export const totpCode = (secret: string): Promise<string> => freshCode(secret);

/** Follows a redirect to the second step and enters the member's code; answers the redirect onward. */
export async function passSecondStep(browser: Browser, member: Member, redirect: Page): Promise<Page> {
  expect(redirect.location, 'on to the second step').toMatch(/^\/mfa\?next=/);
  const challenge = await browser.follow(redirect);
  expect(challenge.heading).toBe('Enter the 6-digit code');
  if (!member.totpSecret) throw new Error('fixture: this member has no authenticator app');
  const passed = await browser.submit(
    challenge,
    { action: '/mfa' },
    { code: await totpCode(member.totpSecret) },
  );
  expect(passed.status, passed.text).toBe(303);
  return passed;
}

/** A new member's first sign-in method: the authenticator app's setup page, its key, a code. */
export async function setUpAuthenticator(browser: Browser): Promise<string> {
  const setup = await browser.get('/mfa/setup/totp');
  expect(setup.status, setup.text).toBe(200);
  const key = /id="totp-key"[^>]*>([^<]*)</.exec(setup.html)?.[1]?.replace(/\s/g, '') ?? '';
  expect(key).toMatch(/^[A-Z2-7]{16,}$/);
  const done = await browser.submit(setup, { action: '/mfa/setup/totp' }, { code: await totpCode(key) });
  expect(done.status, done.text).toBe(303);
  return key;
}

/* ------------------------------------------------------------------ the tables */

export const accountsTable = () => tableName('accounts');
export const ephemeralTable = () => tableName('ephemeral');

/** Every item of an account's partition (profile, emails, events), keys sorted. */
export async function accountItems(accountId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accountsTable(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

export async function sessionsOf(accountId: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: ephemeralTable(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `SESSIONS#${accountId}` },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

export async function getItem(table: string, { pk, sk }: { pk: string; sk: string }) {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

/** SET each attribute of an existing item: how tests move an item's clock. */
export async function setAttributes(
  table: string,
  { pk, sk }: { pk: string; sk: string },
  values: Record<string, unknown>,
): Promise<void> {
  const names = Object.keys(values);
  await documentClient().send(
    new UpdateCommand({
      TableName: table,
      Key: { pk, sk },
      UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
    }),
  );
}

/** The key of the session a browser holds. */
export function sessionKeyOf(browser: Browser): { pk: string; sk: string; accountId: string } {
  const parsed = parseSessionCookie(browser.sessionCookie);
  if (!parsed) throw new Error('the browser holds no session cookie');
  return { pk: `SESSIONS#${parsed.accountId}`, sk: parsed.keyHash, accountId: parsed.accountId };
}

/** Pretends the browser's member last proved the password `minutes` ago. */
export async function signedInMinutesAgo(browser: Browser, minutes: number): Promise<void> {
  const { pk, sk } = sessionKeyOf(browser);
  await setAttributes(
    ephemeralTable(),
    { pk, sk },
    {
      signedInAt: new Date(serverNow().getTime() - minutes * 60_000).toISOString(),
    },
  );
}

export const tokenKeyOf = (link: string) => ({ pk: `TOKEN#${secretHash(tokenOf(link))}`, sk: 'TOKEN' });

/**
 * Counters run in fixed windows of the server's clock: a test that needs several hits in one
 * window starts with at least `seconds` left in it, so it cannot straddle two windows. With less
 * left, the clock moves on to the start of the next window.
 */
export async function withSecondsLeftInWindow(windowSeconds: number, seconds: number): Promise<void> {
  const now = serverNow().getTime();
  const windowMs = windowSeconds * 1000;
  const nextWindow = (Math.floor(now / windowMs) + 1) * windowMs;
  if (nextWindow - now < seconds * 1000) advanceClockTo(nextWindow);
}

/** `n` copies of a promise-returning call, started together. */
export const all = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));

export { randomUUID };
