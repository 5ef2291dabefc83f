/**
 * Partners for the OIDC tests: `openid-client` is the real relying party, and the member's
 * browser is the integration tests' Browser (accounts/support.ts), which follows the provider's
 * redirects through sign-in, the second step and the Authorize screen until the provider sends
 * it back to the partner's redirect URI.
 */
import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { pepperFromEnvironment } from '../../../lambdas/keys/pepper.ts';
import { registerPartner } from '../../../lambdas/partners/admin.ts';
import { type Browser, type Member, type Page, site, totpCode } from '../accounts/support.ts';

export const REDIRECT_URI = 'http://127.0.0.1:4999/callback';
export const ACR = {
  ial1: 'http://idmanagement.gov/ns/assurance/ial/1',
  ial2: 'http://idmanagement.gov/ns/assurance/ial/2',
  aal2: 'http://idmanagement.gov/ns/assurance/aal/2',
} as const;

export interface TestPartner {
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly config: oidc.Configuration;
  readonly redirectUri: string;
}

const pepper = pepperFromEnvironment();

/**
 * A partner registered through the admin API's own operation, and its openid-client
 * configuration: `client_secret_basic` by default, `private_key_jwt` with `{ keys: 'private_key_jwt' }`.
 */
export async function registerTestPartner(
  registration: Record<string, unknown> = {},
  options: { auth?: 'client_secret_basic' | 'private_key_jwt' } = {},
): Promise<TestPartner> {
  const auth = options.auth ?? 'client_secret_basic';
  const keys = auth === 'private_key_jwt' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : undefined;
  const publicJwk = keys
    ? { ...keys.publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'test' }
    : undefined;
  const saved = await registerPartner(
    {
      client_name: 'Test Partner',
      redirect_uris: [REDIRECT_URI],
      post_logout_redirect_uris: ['http://127.0.0.1:4999/signed-out'],
      token_endpoint_auth_method: auth,
      ...(publicJwk ? { jwks: { keys: [publicJwk] } } : {}),
      scope: 'openid email all_emails offline_access',
      claims: ['email', 'email_verified', 'all_emails'],
      ...registration,
    },
    'oidc tests',
    { pepper },
    new Date(),
  );
  const clientId = saved.partner.clientId;
  const clientAuth =
    auth === 'private_key_jwt' && keys
      ? oidc.PrivateKeyJwt({
          key: await crypto.subtle.importKey(
            'jwk',
            keys.privateKey.export({ format: 'jwk' }),
            { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
            false,
            ['sign'],
          ),
          kid: 'test',
        })
      : oidc.ClientSecretBasic(saved.clientSecret ?? '');
  const config = await oidc.discovery(new URL(site), clientId, {}, clientAuth, {
    execute: [oidc.allowInsecureRequests],
  });
  return {
    clientId,
    ...(saved.clientSecret ? { clientSecret: saved.clientSecret } : {}),
    config,
    redirectUri: String((registration.redirect_uris as string[] | undefined)?.[0] ?? REDIRECT_URI),
  };
}

/** One authorization request: the URL, and what the callback must be checked against. */
export interface Authorization {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce?: string;
}

export async function authorizationRequest(
  partner: TestPartner,
  params: Record<string, string> = {},
  options: { nonce?: boolean } = {},
): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  // A state or nonce given in `params` is the one the callback and the ID token are checked against.
  const state = params.state ?? oidc.randomState();
  const nonce = options.nonce === false ? undefined : (params.nonce ?? oidc.randomNonce());
  const url = oidc.buildAuthorizationUrl(partner.config, {
    redirect_uri: partner.redirectUri,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(nonce ? { nonce } : {}),
    ...params,
  });
  return { url, verifier, state, ...(nonce ? { nonce } : {}) };
}

const onSite = (location: string) => new URL(location, site).origin === new URL(site).origin;

/**
 * Follows the provider's redirects (and Verity's, while on the site) from `start` until the
 * answer is a page, or a redirect off the site (to the partner). Answers the last answer.
 */
export async function followOnSite(browser: Browser, start: Page): Promise<Page> {
  let page = start;
  for (let hops = 0; hops < 20; hops++) {
    const next = page.location ?? goesOnTo(page);
    if (!next || !onSite(next)) break;
    const target = new URL(next, site);
    page = await browser.get(target.pathname + target.search);
  }
  return page;
}

/** Where a page that goes on by itself (a meta refresh, as a browser follows it) goes. */
function goesOnTo(page: Page): string | undefined {
  if (page.status !== 200) return undefined;
  return /<meta http-equiv="refresh" content="0;url=([^"]+)"/.exec(page.html)?.[1]?.replace(/&amp;/g, '&');
}

/** Opens an authorization URL in the member's browser and follows it as far as it goes by itself. */
export async function openAuthorization(browser: Browser, authorization: Authorization): Promise<Page> {
  return followOnSite(browser, await browser.get(authorization.url.pathname + authorization.url.search));
}

/** Where the provider sent the browser back to the partner. */
export function callbackOf(page: Page, partner: TestPartner): URL {
  expect(
    page.location,
    `expected a redirect to the partner, got ${page.status} "${page.heading}" ${page.text.slice(0, 200)}`,
  ).toBeDefined();
  const url = new URL(page.location as string);
  expect(`${url.origin}${url.pathname}`).toBe(partner.redirectUri);
  return url;
}

/**
 * The error the provider sent back to the partner's redirect URI, with its state: in the query, or
 * in the fragment where the request's response mode is one (`response_type=token` asks for that).
 */
export function errorAt(page: Page, partner: TestPartner): { error: string | null; state: string | null } {
  const url = callbackOf(page, partner);
  const params = url.searchParams.has('error') ? url.searchParams : new URLSearchParams(url.hash.slice(1));
  expect(params.get('code'), 'an error carries no code').toBeNull();
  return { error: params.get('error'), state: params.get('state') };
}

/** The uid of the interaction a page belongs to (its forms and links name it). */
export function interactionUidIn(page: Page): string {
  const uid = /\/interaction\/([\w-]+)/.exec(page.html)?.[1];
  if (!uid) throw new Error(`no interaction on "${page.heading}"`);
  return uid;
}

/** On the Sign in page the interaction sent the browser to: the password, then the authenticator code. */
export async function signInAt(browser: Browser, page: Page, member: Member): Promise<Page> {
  expect(page.heading, page.text.slice(0, 300)).toBe('Sign in');
  const passwordDone = await browser.submit(
    page,
    { action: '/sign-in' },
    { email: member.primary, password: member.password },
  );
  expect(passwordDone.status, passwordDone.text.slice(0, 300)).toBe(303);
  const challenge = await followOnSite(browser, passwordDone);
  return secondStepAt(browser, challenge, member);
}

/** On the second step's page: the authenticator code, then on. */
export async function secondStepAt(browser: Browser, page: Page, member: Member): Promise<Page> {
  expect(page.heading, page.text.slice(0, 300)).toBe('Enter the 6-digit code');
  if (!member.totpSecret) throw new Error('fixture: the member has no authenticator app');
  const passed = await browser.submit(page, { action: '/mfa' }, { code: await totpCode(member.totpSecret) });
  expect(passed.status, passed.text.slice(0, 300)).toBe(303);
  return followOnSite(browser, passed);
}

/** On "Enter your password again" (a fresh sign-in the partner asked for): the password, then the second step. */
export async function reauthenticateAt(browser: Browser, page: Page, member: Member): Promise<Page> {
  expect(page.heading, page.text.slice(0, 300)).toBe('Enter your password again');
  const passwordDone = await browser.submit(
    page,
    { action: '/reauthenticate' },
    { password: member.password },
  );
  expect(passwordDone.status, passwordDone.text.slice(0, 300)).toBe(303);
  return secondStepAt(browser, await followOnSite(browser, passwordDone), member);
}

/** On the Authorize screen: Allow (or Deny), and on to the partner. */
export async function answerAuthorize(
  browser: Browser,
  page: Page,
  answer: 'Allow' | 'Deny' = 'Allow',
): Promise<Page> {
  expect(page.heading, page.text.slice(0, 300)).toMatch(/^Authorize /);
  const action = findAction(page, answer === 'Allow' ? '/allow' : '/deny');
  return followOnSite(browser, await browser.submit(page, { action }));
}

const findAction = (page: Page, suffix: string): string => {
  const match = new RegExp(`action="(/interaction/[\\w-]+${suffix})"`).exec(page.html);
  if (!match?.[1]) throw new Error(`no form ending in ${suffix} on "${page.heading}"`);
  return match[1];
};

/** The whole way for a member with a fresh browser: sign in, second step, Allow; answers the callback URL. */
export async function signInThroughPartner(
  browser: Browser,
  member: Member,
  partner: TestPartner,
  authorization: Authorization,
): Promise<URL> {
  const signIn = await openAuthorization(browser, authorization);
  const authorize = await signInAt(browser, signIn, member);
  return callbackOf(await answerAuthorize(browser, authorize), partner);
}

/** The code exchange, as the partner does it (with `max_age` in the request, auth_time is checked against it). */
export function redeem(partner: TestPartner, callback: URL, authorization: Authorization) {
  const maxAge = authorization.url.searchParams.get('max_age');
  return oidc.authorizationCodeGrant(partner.config, callback, {
    pkceCodeVerifier: authorization.verifier,
    expectedState: authorization.state,
    ...(authorization.nonce ? { expectedNonce: authorization.nonce } : {}),
    ...(maxAge === null ? {} : { maxAge: Number(maxAge) }),
    idTokenExpected: true,
  });
}

/** A raw POST to the token endpoint, with the partner's client_secret_basic credentials. */
export async function tokenRequest(
  partner: TestPartner,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const basic = Buffer.from(
    `${encodeURIComponent(partner.clientId)}:${encodeURIComponent(partner.clientSecret ?? '')}`,
  ).toString('base64');
  const response = await fetch(new URL('/token', site), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The provider's published keys, as a partner fetches them from the jwks_uri. */
export async function providerJwks(): Promise<jose.JSONWebKeySet> {
  const response = await fetch(new URL('/jwks', site));
  expect(response.status).toBe(200);
  return (await response.json()) as jose.JSONWebKeySet;
}

/**
 * The ID token's signature, checked by the partner itself against the provider's published keys
 * (openid-client trusts the token endpoint's TLS and does not): the key named by `kid`, the
 * algorithm the partner registered, the issuer and the audience.
 */
export async function verifiedIdToken(
  partner: TestPartner,
  idToken: string,
  alg: 'RS256' | 'ES256' = 'RS256',
) {
  const header = jose.decodeProtectedHeader(idToken);
  expect(header.alg).toBe(alg);
  const keys = await providerJwks();
  expect(
    keys.keys.map((key) => key.kid),
    'the ID token names a published key',
  ).toContain(header.kid);
  return jose.jwtVerify(idToken, jose.createLocalJWKSet(keys), {
    algorithms: [alg],
    issuer: site,
    audience: partner.clientId,
  });
}

/** What userinfo answers to a bearer token: the status, and the JSON body when there is one. */
export async function userinfoWith(
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> | undefined; challenge: string | null }> {
  const response = await fetch(new URL('/userinfo', site), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    body:
      text && response.headers.get('content-type')?.includes('json')
        ? (JSON.parse(text) as Record<string, unknown>)
        : undefined,
    challenge: response.headers.get('www-authenticate'),
  };
}

export { oidc };
