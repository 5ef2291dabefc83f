/**
 * The OpenID Foundation's certification plans for an OpenID provider, Basic OP and Config OP,
 * module by module where the module applies to a code-flow provider: each test is named exactly
 * after its module and asserts what the module fails on, with openid-client as the relying party
 * and the integration tests' Browser as the member's user agent.
 *
 * Where a module waits on the wall clock, these tests move the server's clock (codes, replays)
 * or make the member's Verity sign-in old (max_age, prompt=login) instead. The server's clock runs
 * ahead of this machine's by what earlier tests moved it (test/support/clock.ts), and Verity
 * stamps sign-ins with it while oidc-provider starts interactions on the real clock: a sign-in
 * minutes old on the server's clock could still look newer than an interaction started now. An
 * old sign-in (hours) is old on both clocks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IAL2_CLAIMS } from '../../../lambdas/partners/partner.ts';
import { advanceClock, serverNow } from '../../support/clock.ts';
import {
  Browser,
  createMember,
  type Member,
  type Page,
  signedIn,
  signedInMinutesAgo,
  site,
} from '../accounts/support.ts';
import {
  ACR,
  type Authorization,
  answerAuthorize,
  authorizationRequest,
  callbackOf,
  followOnSite,
  oidc,
  openAuthorization,
  providerJwks,
  REDIRECT_URI,
  reauthenticateAt,
  redeem,
  registerTestPartner,
  signInAt,
  signInThroughPartner,
  type TestPartner,
  tokenRequest,
  userinfoWith,
  verifiedIdToken,
} from './support.ts';

/** Hours, so that the sign-in is old on the server's clock and on the real one alike. */
const LONG_AGO_MINUTES = 180;

/**
 * What every module checks of a successful code flow: the callback's state, the code exchange with
 * PKCE, the ID token (iss, aud, exp, iat, nonce; auth_time against max_age when the request had
 * one) and its signature against /jwks, the access token (Bearer, 10 minutes), and userinfo
 * answering for the ID token's subject.
 */
async function completed(
  partner: TestPartner,
  callback: URL,
  authorization: Authorization,
  alg: 'RS256' | 'ES256' = 'RS256',
) {
  expect(callback.searchParams.get('error'), callback.search).toBeNull();
  expect(callback.searchParams.get('iss'), 'RFC 9207: the issuer in the response').toBe(site);
  const tokens = await redeem(partner, callback, authorization);
  expect(tokens.token_type.toLowerCase()).toBe('bearer');
  expect(tokens.expires_in).toBe(600);
  const { payload: idToken } = await verifiedIdToken(partner, tokens.id_token as string, alg);
  expect(idToken.sub).toEqual(expect.any(String));
  expect(idToken.nonce).toBe(authorization.nonce);
  if (authorization.url.searchParams.has('max_age')) expect(idToken.auth_time).toEqual(expect.any(Number));
  const userinfo = await oidc.fetchUserInfo(partner.config, tokens.access_token, idToken.sub as string);
  return { tokens, idToken, userinfo };
}

/** A new member's first authorization in a fresh browser: Sign in, the second step, Allow. */
async function firstAuthorization(
  partner: TestPartner,
  params: Record<string, string> = {},
  alg: 'RS256' | 'ES256' = 'RS256',
) {
  const member = await createMember();
  const browser = new Browser();
  const authorization = await authorizationRequest(partner, params);
  const callback = await signInThroughPartner(browser, member, partner, authorization);
  return {
    member,
    browser,
    authorization,
    callback,
    ...(await completed(partner, callback, authorization, alg)),
  };
}

/** Another authorization in a browser that is signed in and has allowed the partner: straight back. */
async function silentAuthorization(browser: Browser, partner: TestPartner, params: Record<string, string>) {
  const authorization = await authorizationRequest(partner, params);
  const callback = callbackOf(await openAuthorization(browser, authorization), partner);
  return { authorization, callback, ...(await completed(partner, callback, authorization)) };
}

const codeGrant = (authorization: Authorization, callback: URL, partner: TestPartner) => ({
  grant_type: 'authorization_code',
  code: callback.searchParams.get('code') as string,
  redirect_uri: partner.redirectUri,
  code_verifier: authorization.verifier,
});

const authTime = (claims: Record<string, unknown>) => claims.auth_time as number;

async function expectRevoked(accessToken: string) {
  const answer = await userinfoWith(accessToken);
  expect(answer.status, 'userinfo with a revoked access token').toBe(401);
  expect(answer.challenge).toMatch(/^Bearer .*error="invalid_token"/);
}

const inputValue = (page: Page, name: string) =>
  /value="([^"]*)"/.exec(new RegExp(`<input\\b[^>]*name="${name}"[^>]*>`).exec(page.html)?.[0] ?? '')?.[1];

/** Headers a client could forge to make the provider write URLs on another host or scheme. */
const FORGED = {
  'x-forwarded-host': 'attacker.example',
  'x-forwarded-proto': 'https',
  'x-forwarded-port': '8443',
  forwarded: 'for=192.0.2.1;host=attacker.example;proto=https',
};

describe('OpenID Foundation Basic OP and Config OP modules (code flow)', () => {
  it('oidcc-server', async () => {
    const partner = await registerTestPartner();
    const { idToken, userinfo, tokens } = await firstAuthorization(partner);
    expect(idToken.iss).toBe(site);
    expect(idToken.aud).toBe(partner.clientId);
    expect(idToken.acr).toBe(ACR.ial1);
    expect(userinfo.sub).toBe(idToken.sub);
    expect(tokens.refresh_token, 'no offline_access asked: no refresh token').toBeUndefined();
  });

  it('oidcc-response-type-missing', async () => {
    const partner = await registerTestPartner();
    const authorization = await authorizationRequest(partner);
    authorization.url.searchParams.delete('response_type');
    const page = await openAuthorization(new Browser(), authorization);
    // The module takes an error page, or an error back at the redirect URI (in the query, as no
    // response_type says otherwise): invalid_request or unsupported_response_type, with the state.
    const callback = callbackOf(page, partner);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toContain('response_type');
    expect(callback.searchParams.get('state')).toBe(authorization.state);
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('oidcc-ensure-registered-redirect-uri', async () => {
    const partner = await registerTestPartner();
    const elsewhere = `${REDIRECT_URI}/${randomUUID()}`;
    const authorization = await authorizationRequest(partner, { redirect_uri: elsewhere });
    const page = await openAuthorization(new Browser(), authorization);
    // An error page at the provider: never a redirect, to that URI or anywhere.
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.heading).toBe('We could not use that sign-in request');
    expect(page.text).toContain('redirect_uri');
  });

  it('oidcc-idtoken-signature', async () => {
    const keys = await providerJwks();
    expect(keys.keys.length).toBeGreaterThan(0);
    for (const key of keys.keys) {
      expect(key.kid, 'every published key has a kid').toEqual(expect.any(String));
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    }
    // RS256 by default: `completed` verifies the signature with jose against /jwks.
    const rs256 = await registerTestPartner();
    const { tokens } = await firstAuthorization(rs256);
    // The check is a real one: the same token with another subject no longer verifies.
    const [header, , signature] = (tokens.id_token as string).split('.');
    const forged = Buffer.from(JSON.stringify({ ...tokens.claims(), sub: 'someone-else' })).toString(
      'base64url',
    );
    const tampered = `${header}.${forged}.${signature}`;
    await expect(verifiedIdToken(rs256, tampered)).rejects.toThrow(/signature verification failed/);
    // A partner that registered ES256 gets ES256.
    const es256 = await registerTestPartner({ id_token_signed_response_alg: 'ES256' });
    await firstAuthorization(es256, {}, 'ES256');
  });

  it('oidcc-userinfo-get', async () => {
    const partner = await registerTestPartner();
    const { tokens, idToken, member } = await firstAuthorization(partner);
    const response = await fetch(new URL('/userinfo', site), {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ sub: idToken.sub, email: member.primary });
  });

  it('oidcc-userinfo-post-header', async () => {
    const partner = await registerTestPartner();
    const { tokens, idToken } = await firstAuthorization(partner);
    const response = await fetch(new URL('/userinfo', site), {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { sub: string }).sub).toBe(idToken.sub);
  });

  it('oidcc-userinfo-post-body', async () => {
    const partner = await registerTestPartner();
    const { tokens, idToken } = await firstAuthorization(partner);
    const response = await fetch(new URL('/userinfo', site), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { sub: string }).sub).toBe(idToken.sub);
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner, {}, { nonce: false });
    expect(authorization.url.searchParams.has('nonce')).toBe(false);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const { idToken } = await completed(partner, callback, authorization);
    expect(idToken).not.toHaveProperty('nonce');
  });

  it('oidcc-scope-email', async () => {
    const partner = await registerTestPartner();
    const { userinfo, member } = await firstAuthorization(partner, { scope: 'openid email' });
    expect(userinfo).toMatchObject({ email: member.primary, email_verified: true });
  });

  it('oidcc-prompt-login', async () => {
    const partner = await registerTestPartner();
    const { member, browser, idToken: first } = await firstAuthorization(partner);
    await signedInMinutesAgo(browser, LONG_AGO_MINUTES);
    const authorization = await authorizationRequest(partner, { prompt: 'login' });
    // The second login page: the password again, then the second step.
    const page = await openAuthorization(browser, authorization);
    const callback = callbackOf(await reauthenticateAt(browser, page, member), partner);
    const { idToken: second } = await completed(partner, callback, authorization);
    expect(second.sub).toBe(first.sub);
    expect(authTime(second)).toBeGreaterThan(authTime(first));
  });

  it('oidcc-prompt-none-not-logged-in', async () => {
    const partner = await registerTestPartner();
    // A long state, to see that the error response does not corrupt it.
    const state = randomBytes(96).toString('base64url');
    expect(state).toHaveLength(128);
    const authorization = await authorizationRequest(partner, { prompt: 'none', state });
    const callback = callbackOf(await openAuthorization(new Browser(), authorization), partner);
    expect(callback.searchParams.get('error')).toBe('login_required');
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(site);
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('oidcc-prompt-none-logged-in', async () => {
    const partner = await registerTestPartner();
    const { browser, idToken: first } = await firstAuthorization(partner);
    const { idToken: second } = await silentAuthorization(browser, partner, { prompt: 'none' });
    expect(second.sub).toBe(first.sub);
    expect(authTime(second)).toBe(authTime(first));
  });

  it('oidcc-max-age-1', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    // Signed in to Verity hours ago; the first authorization signs the member in to the partner
    // with that sign-in, so the first ID token's auth_time is hours old.
    const browser = await signedIn(member);
    await signedInMinutesAgo(browser, LONG_AGO_MINUTES);
    const firstRequest = await authorizationRequest(partner);
    const authorize = await openAuthorization(browser, firstRequest);
    const firstCallback = callbackOf(await answerAuthorize(browser, authorize), partner);
    const { idToken: first } = await completed(partner, firstCallback, firstRequest);
    expect(authTime(first)).toBeLessThan(Date.now() / 1000 - 3600);
    const authorization = await authorizationRequest(partner, { max_age: '1' });
    const page = await openAuthorization(browser, authorization);
    const callback = callbackOf(await reauthenticateAt(browser, page, member), partner);
    const { idToken: second } = await completed(partner, callback, authorization);
    expect(second.sub).toBe(first.sub);
    expect(authTime(second)).toBeGreaterThan(authTime(first));
    // Recent: the sign-in just made, on the server's clock.
    expect(Math.abs(authTime(second) - serverNow().getTime() / 1000)).toBeLessThan(120);
  });

  it('oidcc-max-age-10000', async () => {
    const partner = await registerTestPartner();
    const { browser, idToken: first } = await firstAuthorization(partner, { max_age: '15000' });
    expect(authTime(first)).toEqual(expect.any(Number));
    const { idToken: second } = await silentAuthorization(browser, partner, { max_age: '10000' });
    expect(second.sub).toBe(first.sub);
    expect(authTime(second)).toBe(authTime(first));
  });

  it('oidcc-id-token-hint', async () => {
    const partner = await registerTestPartner();
    const { browser, tokens, idToken: first } = await firstAuthorization(partner);
    const { idToken: second } = await silentAuthorization(browser, partner, {
      prompt: 'none',
      id_token_hint: tokens.id_token as string,
    });
    expect(second.sub).toBe(first.sub);
    expect(authTime(second)).toBe(authTime(first));
  });

  it('oidcc-ensure-request-with-unknown-parameter-succeeds', async () => {
    const partner = await registerTestPartner();
    await firstAuthorization(partner, { extra: 'foobar' });
  });

  it('oidcc-login-hint', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, { login_hint: member.primary });
    const signIn = await openAuthorization(browser, authorization);
    expect(signIn.heading).toBe('Sign in');
    expect(inputValue(signIn, 'email'), 'the Sign in page has the hinted email filled in').toBe(
      member.primary,
    );
    const callback = callbackOf(
      await answerAuthorize(browser, await signInAt(browser, signIn, member)),
      partner,
    );
    await completed(partner, callback, authorization);
  });

  it('oidcc-ui-locales', async () => {
    const partner = await registerTestPartner();
    await firstAuthorization(partner, { ui_locales: 'se' });
  });

  it('oidcc-claims-essential', async () => {
    const partner = await registerTestPartner();
    const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
    const { idToken, userinfo } = await firstAuthorization(partner, { claims });
    // Success is what the module requires; a missing name (Verity offers none) is only its warning.
    expect(userinfo.sub).toBe(idToken.sub);
    expect(idToken).not.toHaveProperty('name');
  });

  it('oidcc-ensure-request-with-acr-values-succeeds', async () => {
    const partner = await registerTestPartner();
    // The module asks with every value the discovery document advertises.
    const advertised = partner.config.serverMetadata().acr_values_supported as string[];
    expect(advertised.length).toBeGreaterThan(0);
    const { idToken } = await firstAuthorization(partner, { acr_values: advertised.join(' ') });
    expect(advertised).toContain(idToken.acr);
  });

  it('oidcc-ensure-post-request-succeeds', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner);
    // The partner's page posts a form to the authorization endpoint.
    const posted = await browser.request('POST', '/authorize', {
      body: authorization.url.searchParams.toString(),
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(posted.status, `POST /authorize: ${posted.text.slice(0, 200)}`).toBeLessThan(400);
    const authorize = await signInAt(browser, await followOnSite(browser, posted), member);
    const callback = callbackOf(await answerAuthorize(browser, authorize), partner);
    await completed(partner, callback, authorization);
  });

  it('oidcc-codereuse', async () => {
    const partner = await registerTestPartner();
    const { authorization, callback, tokens } = await firstAuthorization(partner);
    const reuse = await tokenRequest(partner, codeGrant(authorization, callback, partner));
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    // A replayed code ends the grant: the access token of the first redemption is revoked.
    await expectRevoked(tokens.access_token);
  });

  it('oidcc-codereuse-30seconds', async () => {
    const partner = await registerTestPartner();
    const { authorization, callback, tokens } = await firstAuthorization(partner);
    advanceClock(30);
    const reuse = await tokenRequest(partner, codeGrant(authorization, callback, partner));
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    await expectRevoked(tokens.access_token);
  });

  it('oidcc-refresh-token', async () => {
    const partner = await registerTestPartner();
    // OIDC Core 11: offline_access goes with prompt=consent.
    const { tokens, idToken } = await firstAuthorization(partner, {
      scope: 'openid email offline_access',
      prompt: 'consent',
    });
    const first = tokens.refresh_token as string;
    expect(first, 'a refresh token for offline_access').toMatch(/^[\x20-\x7e]+$/);

    // Bound to its partner: another partner cannot use it.
    const other = await registerTestPartner();
    const stolen = await tokenRequest(other, { grant_type: 'refresh_token', refresh_token: first });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');

    // Rotation: each use answers a new refresh token, which works in turn.
    const refreshed = await oidc.refreshTokenGrant(partner.config, first);
    expect(refreshed.expires_in).toBe(600);
    const second = refreshed.refresh_token as string;
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
    const { payload: refreshedIdToken } = await verifiedIdToken(partner, refreshed.id_token as string);
    expect(refreshedIdToken.sub).toBe(idToken.sub);
    expect(refreshedIdToken.aud).toBe(partner.clientId);
    expect(
      (await oidc.fetchUserInfo(partner.config, refreshed.access_token, idToken.sub as string)).sub,
    ).toBe(idToken.sub);
    const again = await oidc.refreshTokenGrant(partner.config, second);
    const third = again.refresh_token as string;
    expect(third).not.toBe(second);

    // A used refresh token again: invalid_grant, and the grant ends with everything it issued.
    const reused = await tokenRequest(partner, { grant_type: 'refresh_token', refresh_token: first });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    const newest = await tokenRequest(partner, { grant_type: 'refresh_token', refresh_token: third });
    expect(newest.status).toBe(400);
    expect(newest.body.error).toBe('invalid_grant');
    await expectRevoked(again.access_token);
  });

  it('oidcc-ensure-request-with-valid-pkce-succeeds', async () => {
    const partner = await registerTestPartner();
    expect(partner.config.serverMetadata().code_challenge_methods_supported).toContain('S256');
    const { authorization } = await firstAuthorization(partner);
    expect(authorization.url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.url.searchParams.get('code_challenge')).toBe(
      await oidc.calculatePKCECodeChallenge(authorization.verifier),
    );
  });

  it('oidcc-server-client-secret-post', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    // A client_secret_basic partner sending its secret in the body, as client_secret_post would.
    const response = await fetch(new URL('/token', site), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...codeGrant(authorization, callback, partner),
        client_id: partner.clientId,
        client_secret: partner.clientSecret as string,
      }),
    });
    expect([400, 401]).toContain(response.status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
    // The request was refused for its client authentication alone: the code still works.
    await completed(partner, callback, authorization);
  });

  it('oidcc-discovery-endpoint-verification', async () => {
    const browser = new Browser();
    const plain = await browser.get('/.well-known/openid-configuration');
    const forged = await browser.get('/.well-known/openid-configuration', FORGED);
    for (const answer of [plain, forged]) {
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
    }
    const discovery = JSON.parse(plain.html) as Record<string, unknown>;
    expect(JSON.parse(forged.html), 'forwarded headers change nothing').toEqual(discovery);

    const issuer = new URL(site);
    expect(discovery.issuer).toBe(site);
    expect(site).not.toMatch(/\/$/);
    const urls = Object.entries(discovery).filter(
      ([name]) => name.endsWith('_endpoint') || name === 'jwks_uri',
    );
    expect(urls.map(([name]) => name)).toEqual(
      expect.arrayContaining(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']),
    );
    for (const [name, value] of urls) {
      const url = new URL(value as string);
      expect(`${url.protocol}//${url.host}`, name).toBe(`${issuer.protocol}//${issuer.host}`);
    }

    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.subject_types_supported).toEqual(['pairwise']);
    expect([...(discovery.token_endpoint_auth_methods_supported as string[])].sort()).toEqual([
      'client_secret_basic',
      'private_key_jwt',
    ]);
    expect([...(discovery.acr_values_supported as string[])].sort()).toEqual(
      [ACR.aal2, ACR.ial1, ACR.ial2].sort(),
    );
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', ...IAL2_CLAIMS]));
    expect(discovery.scopes_supported).toContain('openid');
    expect(discovery.id_token_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['RS256', 'ES256']),
    );
    expect(discovery.grant_types_supported).toContain('authorization_code');
    expect(discovery.grant_types_supported).not.toContain('implicit');
    expect(discovery.claims_parameter_supported).toBe(true);

    // The URLs the provider writes into its answers too: an authorization request with forged
    // headers is sent on within the issuer's site.
    const partner = await registerTestPartner();
    const authorization = await authorizationRequest(partner);
    const started = await browser.get(authorization.url.pathname + authorization.url.search, FORGED);
    expect(started.status).toBe(303);
    expect(new URL(started.location as string, site).origin).toBe(issuer.origin);
  });
});

describe('lifetimes', () => {
  it('authorization codes live 60 seconds', async () => {
    const partner = await registerTestPartner();
    const member: Member = await createMember();
    const authorization = await authorizationRequest(partner);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    advanceClock(61);
    const late = await tokenRequest(partner, codeGrant(authorization, callback, partner));
    expect(late.status).toBe(400);
    expect(late.body.error).toBe('invalid_grant');
  });

  it('access tokens live 10 minutes', async () => {
    const partner = await registerTestPartner();
    const { tokens } = await firstAuthorization(partner);
    expect(tokens.expires_in).toBe(600);
    const introspected = await oidc.tokenIntrospection(partner.config, tokens.access_token);
    expect(introspected.active).toBe(true);
    expect((introspected.exp as number) - (introspected.iat as number)).toBe(600);
  });
});
