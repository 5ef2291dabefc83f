/**
 * Verity's side of the OIDC bench: a member in the store, a partner registered through the admin
 * API's own operation, and a member's browser that signs in through the provider (password, the
 * authenticator code, Allow) and then gets further codes the way a signed-in member does: the same
 * authorization again, answered at once from the provider's session and the remembered consent.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { generate } from 'otplib';
import { hashPassword } from '../../lambdas/accounts/password/hash.ts';
import { newSecret, secretHash } from '../../lambdas/accounts/tokens.ts';
import { newId } from '../../lambdas/core/ids.ts';
import { fieldCipherFromEnvironment } from '../../lambdas/keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../lambdas/keys/pepper.ts';
import { newTotpSecret } from '../../lambdas/mfa/totp.ts';
import { registerPartner } from '../../lambdas/partners/admin.ts';
import type { TotpFactor } from '../../lambdas/store/factors.ts';
import type { HistoryEvent, PendingSignUp } from '../../lambdas/store/items.ts';
import * as mfaStore from '../../lambdas/store/mfa.ts';
import * as signUps from '../../lambdas/store/sign-ups.ts';

export const REDIRECT_URI = 'http://127.0.0.1:4999/callback';
const PASSWORD = 'Quiet-lantern-47-orbit-Maple';

export interface BenchMember {
  readonly accountId: string;
  readonly email: string;
  readonly password: string;
  readonly totpSecret: string;
}

const fixtureEvent = (type: HistoryEvent['type'], at: Date, detail?: string): HistoryEvent => ({
  type,
  at: at.toISOString(),
  device: 'bench',
  place: 'Unknown',
  ...(detail ? { detail } : {}),
});

/**
 * A member as a finished sign-up leaves one (the store operations sign-up uses), with an
 * authenticator app, the password hashed at the cheapest scrypt cost the hash module accepts.
 */
export async function memberInStore(): Promise<BenchMember> {
  const now = new Date();
  const email = `bench-${newId().toLowerCase()}@example.com`;
  const secret = newSecret();
  const pending: PendingSignUp = {
    signUpId: newId(),
    address: email,
    normalized: email,
    password: await hashPassword(PASSWORD, { pepper: pepperFromEnvironment() }, { N: 2 ** 14, r: 8, p: 1 }),
    tokenHash: secretHash(secret),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 3600,
  };
  await signUps.createPendingSignUp(pending, {
    purpose: 'sign-up',
    createdAt: pending.createdAt,
    expiresAt: pending.expiresAt,
    normalized: email,
    signUpId: pending.signUpId,
  });
  const accountId = newId();
  const created = await signUps.createAccount({
    pending,
    tokenHash: pending.tokenHash,
    accountId,
    work: false,
    now,
    event: fixtureEvent('account-created', now, email),
  });
  if (created !== 'ok') throw new Error(`bench member: could not create the account (${created})`);
  const totpSecret = newTotpSecret();
  const factor: TotpFactor = {
    factorId: newId(),
    kind: 'totp',
    name: 'Authenticator app',
    createdAt: now.toISOString(),
    secret: await fieldCipherFromEnvironment().encrypt(totpSecret, { accountId, field: 'totp-secret' }),
    lastUsedStep: -1,
  };
  const added = await mfaStore.addFactor(accountId, factor, fixtureEvent('mfa-added', now, factor.name));
  if (added !== 'ok') throw new Error(`bench member: could not add the authenticator (${added})`);
  return { accountId, email, password: PASSWORD, totpSecret };
}

export interface BenchPartner {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A client_secret_basic partner, registered as a partner admin registers one. */
export async function benchPartner(): Promise<BenchPartner> {
  const saved = await registerPartner(
    {
      client_name: 'Bench Partner',
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: ['http://127.0.0.1:4999/signed-out'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid email offline_access',
      contacts: ['bench@example.com'],
      claims: ['email', 'email_verified'],
    },
    'bench',
    { pepper: pepperFromEnvironment() },
    new Date(),
  );
  if (!saved.clientSecret) throw new Error('bench partner: no client secret issued');
  return { clientId: saved.partner.clientId, clientSecret: saved.clientSecret };
}

export interface Answer {
  readonly status: number;
  readonly location: string | undefined;
  readonly html: string;
}

export interface Form {
  readonly action: string;
  readonly hidden: Record<string, string>;
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&');

export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map(([, attrs = '', inner = '']) => {
    const hidden: Record<string, string> = {};
    for (const [, tag = ''] of inner.matchAll(/<input\b([^>]*)>/g)) {
      if (!/type="hidden"/.test(tag)) continue;
      const name = /name="([^"]*)"/.exec(tag)?.[1];
      if (name) hidden[name] = decode(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
    }
    return { action: decode(/action="([^"]*)"/.exec(attrs)?.[1] ?? ''), hidden };
  });
}

/**
 * A member's browser on the site: a cookie jar (every cookie to every path, as the integration
 * tests' Browser), `Sec-Fetch-Site: same-origin` on form posts, kept-alive connections.
 */
export class BenchBrowser {
  private readonly jar = new Map<string, string>();
  private readonly agent = new HttpAgent({ keepAlive: true, maxSockets: 8 });

  constructor(private readonly site: URL) {}

  close(): void {
    this.agent.destroy();
  }

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  submit(answer: Answer, actionEndsWith: string, fields: Record<string, string> = {}): Promise<Answer> {
    const form = formsOf(answer.html).find((f) => f.action.endsWith(actionEndsWith));
    if (!form) throw new Error(`no form ending in ${actionEndsWith} on the page (${answer.status})`);
    const body = new URLSearchParams({ ...form.hidden, ...fields }).toString();
    return this.send('POST', form.action, body);
  }

  /**
   * Follows redirects, and pages that go on by themselves (a meta refresh, as a browser does),
   * while they stay on the site; answers the page, or the redirect off the site.
   */
  async follow(start: Answer): Promise<Answer> {
    let answer = start;
    for (let hops = 0; hops < 20; hops++) {
      const next =
        answer.location ??
        (answer.status === 200
          ? /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(answer.html)?.[1]
          : undefined);
      if (!next) return answer;
      const target = new URL(next, this.site);
      if (target.origin !== this.site.origin) return answer;
      answer = await this.get(target.pathname + target.search);
    }
    return answer;
  }

  private send(method: string, path: string, body?: string): Promise<Answer> {
    const headers: Record<string, string> = {
      host: this.site.host,
      accept: 'text/html',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    };
    if (this.jar.size > 0) headers.cookie = [...this.jar].map(([n, v]) => `${n}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
      headers['sec-fetch-site'] = 'same-origin';
    }
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: this.site.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            this.remember(res.headers);
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location,
              html: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  private remember(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=.*1970)/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
}

export interface AuthorizationParams {
  readonly clientId: string;
  readonly codeChallenge: string;
  readonly scope: string;
  readonly prompt?: string;
}

export function authorizationPath(params: AuthorizationParams): string {
  const query = new URLSearchParams({
    client_id: params.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: params.scope,
    state: 'bench-state',
    nonce: 'bench-nonce',
    code_challenge: params.codeChallenge,
    code_challenge_method: 'S256',
    ...(params.prompt ? { prompt: params.prompt } : {}),
  });
  return `/authorize?${query}`;
}

/** The code in a redirect to the partner, or an error that says where the browser ended. */
function codeOf(answer: Answer): string {
  const location = answer.location ? new URL(answer.location, 'http://site.invalid') : undefined;
  const code = location?.searchParams.get('code');
  if (!location || `${location.origin}${location.pathname}` !== REDIRECT_URI || !code) {
    const heading = /<h1\b[^>]*>([\s\S]*?)<\/h1>/
      .exec(answer.html)?.[1]
      ?.replace(/<[^>]*>/g, '')
      .trim();
    throw new Error(
      `expected a redirect to the partner with a code, got ${answer.status} ${answer.location ?? ''} "${heading ?? ''}"`,
    );
  }
  return code;
}

/** The first time: Sign in (password, authenticator code), then Allow; answers the code. */
export async function signInAndAllow(
  browser: BenchBrowser,
  member: BenchMember,
  params: AuthorizationParams,
): Promise<string> {
  const signIn = await browser.follow(await browser.get(authorizationPath(params)));
  const passwordDone = await browser.submit(signIn, '/sign-in', {
    email: member.email,
    password: member.password,
  });
  const challenge = await browser.follow(passwordDone);
  const passed = await browser.submit(challenge, '/mfa', {
    code: await generate({ secret: member.totpSecret }),
  });
  const authorize = await browser.follow(passed);
  return codeOf(await browser.follow(await browser.submit(authorize, '/allow')));
}

/** `prompt=consent` (what offline_access needs): the Authorize screen again, Allow; answers the code. */
export async function consentAgain(browser: BenchBrowser, params: AuthorizationParams): Promise<string> {
  const authorize = await browser.follow(
    await browser.get(authorizationPath({ ...params, prompt: 'consent' })),
  );
  return codeOf(await browser.follow(await browser.submit(authorize, '/allow')));
}

/** A signed-in member's authorization: one request, answered with a redirect and a code. */
export async function ssoCode(browser: BenchBrowser, params: AuthorizationParams): Promise<string> {
  return codeOf(await browser.get(authorizationPath(params)));
}

/**
 * Codes from `workers` authorizations at a time until `count` or `budgetMs` is reached (codes live
 * 60 s: what is minted must be redeemed soon after).
 */
export async function mintCodes(
  mint: () => Promise<string>,
  count: number,
  budgetMs: number,
  workers: number,
): Promise<string[]> {
  const codes: string[] = [];
  const until = performance.now() + budgetMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (codes.length < count && performance.now() < until) codes.push(await mint());
    }),
  );
  return codes;
}
