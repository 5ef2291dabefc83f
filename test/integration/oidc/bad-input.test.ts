/**
 * Malformed, oversized and hostile input to the provider's endpoints, the interaction pages and
 * the partner admin API. Whatever arrives, the answer is the protocol's error (or a clear 4xx page
 * where no redirect is safe), never a 5xx, and never a redirect anywhere but the partner's
 * registered redirect URI or the site itself.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Browser, createMember, type Page, site } from '../accounts/support.ts';
import {
  authorizationRequest,
  errorAt,
  REDIRECT_URI,
  registerTestPartner,
  signInThroughPartner,
  type TestPartner,
  tokenRequest,
} from './support.ts';

/* ------------------------------------------------------------------ raw requests */

interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly contentType: string;
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
}

interface Raw {
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly contentType?: string;
}

/** One request as a client sends it, redirects not followed; a 5xx fails the test on the spot. */
async function send(method: string, path: string, raw: Raw = {}): Promise<Answer> {
  const response = await fetch(new URL(path, site), {
    method,
    redirect: 'manual',
    headers: {
      ...(raw.body !== undefined
        ? { 'content-type': raw.contentType ?? 'application/x-www-form-urlencoded' }
        : {}),
      ...raw.headers,
    },
    ...(raw.body !== undefined ? { body: raw.body } : {}),
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const answer = {
    status: response.status,
    location: response.headers.get('location'),
    contentType: response.headers.get('content-type') ?? '',
    text,
    json,
  };
  expect(answer.status, `${method} ${path.slice(0, 80)}: ${text.slice(0, 300)}`).toBeLessThan(500);
  return answer;
}

const basicOf = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A protocol error in JSON: the status and the `error` it names. */
function expectProtocolError(
  answer: Answer,
  errors: readonly string[],
  statuses: readonly number[] = [400, 401],
) {
  expect(statuses, `${answer.status} ${answer.text.slice(0, 300)}`).toContain(answer.status);
  expect(answer.contentType).toContain('application/json');
  expect(errors, answer.text.slice(0, 300)).toContain(answer.json?.error);
  expect(answer.location).toBeNull();
}

/** The page people see when no redirect back to the partner is safe. */
function expectErrorPage(answer: Answer | Page, error?: string) {
  const status = answer.status;
  const location = 'location' in answer && typeof answer.location === 'string' ? answer.location : undefined;
  expect(status, 'text' in answer ? answer.text.slice(0, 300) : '').toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(location, 'no redirect at all').toBeUndefined();
  if (error) expect('text' in answer ? answer.text : '').toContain(error);
}

/** A redirect, if any, goes to the registered redirect URI or stays on the site. */
function expectNoForeignRedirect(location: string | null | undefined, partner?: TestPartner) {
  if (!location) return;
  const url = new URL(location, site);
  const onSite = url.origin === new URL(site).origin;
  const registered = partner !== undefined && `${url.origin}${url.pathname}` === partner.redirectUri;
  expect(onSite || registered, `redirect to ${location}`).toBe(true);
}

/** An authorization URL's path and query, with parameters replaced, removed (undefined) or added. */
function authorizePath(url: URL, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(url.search);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(name);
    else params.set(name, value);
  }
  return `/authorize?${params}`;
}

/* ------------------------------------------------------------------ authorization */

describe('bad authorization requests', () => {
  let partner: TestPartner;
  let url: URL;
  beforeAll(async () => {
    partner = await registerTestPartner();
    url = (await authorizationRequest(partner)).url;
  });

  it('no parameters at all: a 400 page, no redirect', async () => {
    expectErrorPage(await new Browser().get('/authorize'));
  });

  it('an unknown client_id: a 400 page naming invalid_client, no redirect', async () => {
    expectErrorPage(
      await new Browser().get(authorizePath(url, { client_id: 'AAAAAAAAAAAAAAAAAAAAAA' })),
      'invalid_client',
    );
  });

  it('an overlong client_id (5,000 characters): a 400 page naming invalid_client, no redirect', async () => {
    expectErrorPage(
      await new Browser().get(authorizePath(url, { client_id: 'A'.repeat(5000) })),
      'invalid_client',
    );
  });

  it('a client_id with characters a key lookup must never see: a 400 page, no redirect', async () => {
    expectErrorPage(
      await new Browser().get(authorizePath(url, { client_id: '../partners/../"\'<script>' })),
      'invalid_client',
    );
  });

  it('a javascript: redirect_uri: a 400 page naming invalid_redirect_uri, no redirect', async () => {
    expectErrorPage(
      await new Browser().get(authorizePath(url, { redirect_uri: 'javascript:alert(document.cookie)' })),
      'invalid_redirect_uri',
    );
  });

  it('a redirect_uri on another host: a 400 page, no redirect', async () => {
    expectErrorPage(
      await new Browser().get(authorizePath(url, { redirect_uri: 'https://attacker.example/callback' })),
      'invalid_redirect_uri',
    );
  });

  it('redirect_uri given twice (the registered one and a hostile one, either order): invalid_request, never at the hostile one', async () => {
    const hostile = encodeURIComponent('https://attacker.example/cb');
    const registered = encodeURIComponent(partner.redirectUri);
    const rest = authorizePath(url, { redirect_uri: undefined });
    for (const path of [
      `${rest}&redirect_uri=${registered}&redirect_uri=${hostile}`,
      `${rest}&redirect_uri=${hostile}&redirect_uri=${registered}`,
    ]) {
      const answer = await new Browser().get(path);
      expectNoForeignRedirect(answer.location, partner);
      if (answer.location) expect(errorAt(answer, partner).error).toBe('invalid_request');
      else expectErrorPage(answer, 'invalid_request');
    }
  });

  it('client_id given twice: a 400 page, no redirect', async () => {
    const path = `${authorizePath(url, {})}&client_id=AAAAAAAAAAAAAAAAAAAAAA`;
    expectErrorPage(await new Browser().get(path), 'invalid_request');
  });

  it('state given twice: invalid_request, never a redirect off the registered URI', async () => {
    const answer = await new Browser().get(`${authorizePath(url, {})}&state=second`);
    expect(answer.status).toBeLessThan(500);
    if (answer.location) expect(errorAt(answer, partner).error).toBe('invalid_request');
    else expectErrorPage(answer, 'invalid_request');
  });

  it('invalid JSON in claims: invalid_request at the registered redirect URI', async () => {
    const answer = await new Browser().get(authorizePath(url, { claims: '{"id_token":{"acr":' }));
    expect(errorAt(answer, partner).error).toBe('invalid_request');
  });

  it('claims that are JSON but not an object of objects: invalid_request at the registered redirect URI', async () => {
    for (const claims of [
      '[]',
      '"acr"',
      '{"id_token":[1,2]}',
      '{"id_token":{"acr":{"essential":"yes","values":7}}}',
    ]) {
      const answer = await new Browser().get(authorizePath(url, { claims }));
      expect(errorAt(answer, partner).error, claims).toBe('invalid_request');
    }
  });

  it('a 20 KB query: a 4xx, never a 5xx, never a redirect off the registered URI', async () => {
    const answer = await new Browser().get(authorizePath(url, { junk: 'x'.repeat(20 * 1024) }));
    expect(answer.status).toBeLessThan(500);
    expectNoForeignRedirect(answer.location, partner);
    if (!answer.location) expect(answer.status).toBeGreaterThanOrEqual(400);
  });

  it('a 20 KB state: never a 5xx, never a redirect off the registered URI', async () => {
    const answer = await new Browser().get(authorizePath(url, { state: 's'.repeat(20 * 1024) }));
    expect(answer.status).toBeLessThan(500);
    expectNoForeignRedirect(answer.location, partner);
  });

  it('broken percent-encoding: never a 5xx, never a redirect off the registered URI', async () => {
    const answer = await new Browser().get(`${authorizePath(url, { nonce: undefined })}&nonce=%E0%A4%A&x=%`);
    expect(answer.status).toBeLessThan(500);
    expectNoForeignRedirect(answer.location, partner);
  });

  it('response_type token: unsupported_response_type at the registered redirect URI', async () => {
    const answer = await new Browser().get(authorizePath(url, { response_type: 'token' }));
    expect(errorAt(answer, partner).error).toBe('unsupported_response_type');
  });

  it('a request object that is not a JWT: an error at the registered redirect URI', async () => {
    const answer = await new Browser().get(authorizePath(url, { request: 'not.a.jwt' }));
    expect(['invalid_request_object', 'request_not_supported', 'invalid_request']).toContain(
      errorAt(answer, partner).error,
    );
  });

  it('a request_uri that was never pushed: a 4xx page or an error at the registered redirect URI', async () => {
    const path = `/authorize?client_id=${partner.clientId}&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:nothing-here')}`;
    const answer = await new Browser().get(path);
    expect(answer.status).toBeLessThan(500);
    expectNoForeignRedirect(answer.location, partner);
    if (answer.location) expect(errorAt(answer, partner).error).toBe('invalid_request_uri');
    else expectErrorPage(answer, 'invalid_request_uri');
  });

  it('POST /authorize with a JSON body: a 4xx, no redirect off the registered URI', async () => {
    const answer = await send('POST', '/authorize', {
      contentType: 'application/json',
      body: JSON.stringify(Object.fromEntries(url.searchParams)),
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectNoForeignRedirect(answer.location, partner);
  });

  it('POST /authorize with a 100 KB form body: a 4xx, no redirect off the registered URI', async () => {
    const answer = await send('POST', '/authorize', {
      body: `${url.search.slice(1)}&junk=${'x'.repeat(100 * 1024)}`,
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expectNoForeignRedirect(answer.location, partner);
  });
});

/* ------------------------------------------------------------------ token */

describe('bad token requests', () => {
  let partner: TestPartner;
  beforeAll(async () => {
    partner = await registerTestPartner({ scope: 'openid email' });
  });

  const codeGrant = { grant_type: 'authorization_code', code: 'garbage', redirect_uri: REDIRECT_URI };

  it('no client authentication: invalid_client or invalid_request', async () => {
    const answer = await send('POST', '/token', { body: form(codeGrant) });
    expectProtocolError(answer, ['invalid_client', 'invalid_request']);
  });

  it('an Authorization header that is not Basic base64 of id:secret: invalid_client or invalid_request', async () => {
    for (const authorization of [
      'Basic !!!not-base64!!!',
      'Basic ',
      `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
      `Basic ${Buffer.from(':').toString('base64')}`,
      `Basic ${Buffer.from(`${partner.clientId}:%E0%A4%A`).toString('base64')}`,
      'Bearer something',
    ]) {
      const answer = await send('POST', '/token', { headers: { authorization }, body: form(codeGrant) });
      expectProtocolError(answer, ['invalid_client', 'invalid_request']);
    }
  });

  it('a wrong client secret: invalid_client (401)', async () => {
    const answer = await send('POST', '/token', {
      headers: { authorization: basicOf(partner.clientId, 'not-the-secret') },
      body: form(codeGrant),
    });
    expectProtocolError(answer, ['invalid_client'], [401]);
  });

  it('an unknown or overlong client id: invalid_client (401)', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', 'A'.repeat(2000), '../../etc/passwd']) {
      const answer = await send('POST', '/token', {
        headers: { authorization: basicOf(id, 's') },
        body: form(codeGrant),
      });
      expectProtocolError(answer, ['invalid_client', 'invalid_request'], [400, 401]);
    }
  });

  it('a garbage code: invalid_grant', async () => {
    expectProtocolError(await tokenAnswer(partner, codeGrant), ['invalid_grant']);
    for (const code of ['x'.repeat(5000), 'ǅ\u0000🙂', '%00']) {
      expectProtocolError(await tokenAnswer(partner, { ...codeGrant, code }), [
        'invalid_grant',
        'invalid_request',
      ]);
    }
  });

  it('no grant_type: invalid_request; an unknown one: unsupported_grant_type', async () => {
    expectProtocolError(await tokenAnswer(partner, { code: 'garbage' }), ['invalid_request']);
    expectProtocolError(await tokenAnswer(partner, { grant_type: 'urn:example:garbage' }), [
      'unsupported_grant_type',
    ]);
    expectProtocolError(await tokenAnswer(partner, { grant_type: 'client_credentials' }), [
      'unsupported_grant_type',
      'unauthorized_client',
    ]);
  });

  it('a refresh_token grant from a partner that did not register offline_access: unauthorized_client', async () => {
    expectProtocolError(
      await tokenAnswer(partner, { grant_type: 'refresh_token', refresh_token: 'garbage' }),
      ['unauthorized_client'],
    );
  });

  it('a garbage refresh token from a partner that may refresh: invalid_grant', async () => {
    const refreshing = await registerTestPartner();
    expectProtocolError(
      await tokenAnswer(refreshing, { grant_type: 'refresh_token', refresh_token: 'garbage' }),
      ['invalid_grant'],
    );
  });

  it('code given twice: invalid_request', async () => {
    const answer = await send('POST', '/token', {
      headers: { authorization: basicOf(partner.clientId, partner.clientSecret ?? '') },
      body: `${form(codeGrant)}&code=another`,
    });
    expectProtocolError(answer, ['invalid_request']);
  });

  it('a 100 KB body: invalid_request', async () => {
    const answer = await send('POST', '/token', {
      headers: { authorization: basicOf(partner.clientId, partner.clientSecret ?? '') },
      body: `${form(codeGrant)}&junk=${'x'.repeat(100 * 1024)}`,
    });
    expectProtocolError(answer, ['invalid_request'], [400, 413]);
  });

  it('a JSON body, or a body that is not a form at all: invalid_request', async () => {
    for (const [contentType, body] of [
      ['application/json', JSON.stringify(codeGrant)],
      ['application/json', '{"grant_type":'],
      ['text/plain', 'grant_type=authorization_code'],
      ['application/x-www-form-urlencoded', '%%%&&&==='],
    ] as const) {
      const answer = await send('POST', '/token', {
        headers: { authorization: basicOf(partner.clientId, partner.clientSecret ?? '') },
        contentType,
        body,
      });
      expectProtocolError(answer, ['invalid_request', 'unsupported_grant_type']);
    }
  });

  it('a real code redeemed with the wrong verifier, the wrong redirect_uri or by another partner: invalid_grant each time', async () => {
    const other = await registerTestPartner({ scope: 'openid email' });
    const member = await createMember();
    const authorization = await authorizationRequest(partner);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const code = callback.searchParams.get('code') ?? '';
    const right = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: partner.redirectUri,
      code_verifier: authorization.verifier,
    };
    expectProtocolError(await tokenAnswer(partner, { ...right, code_verifier: 'w'.repeat(43) }), [
      'invalid_grant',
    ]);
    expectProtocolError(await tokenAnswer(partner, { ...right, code_verifier: '' }), [
      'invalid_grant',
      'invalid_request',
    ]);
    expectProtocolError(await tokenAnswer(partner, { ...right, redirect_uri: `${partner.redirectUri}x` }), [
      'invalid_grant',
    ]);
    expectProtocolError(await tokenAnswer(other, right), ['invalid_grant']);
  });
});

async function tokenAnswer(partner: TestPartner, fields: Record<string, string>): Promise<Answer> {
  const { status, body } = await tokenRequest(partner, fields);
  expect(status, JSON.stringify(body)).toBeLessThan(500);
  return { status, location: null, contentType: 'application/json', text: JSON.stringify(body), json: body };
}

/* ------------------------------------------------------------------ PAR, introspection, revocation, userinfo */

describe('bad pushed authorization requests', () => {
  let partner: TestPartner;
  let params: Record<string, string>;
  beforeAll(async () => {
    partner = await registerTestPartner();
    params = Object.fromEntries((await authorizationRequest(partner)).url.searchParams);
  });
  const authorized = () => ({ authorization: basicOf(partner.clientId, partner.clientSecret ?? '') });

  it('no client authentication: invalid_client or invalid_request', async () => {
    expectProtocolError(await send('POST', '/request', { body: form(params) }), [
      'invalid_client',
      'invalid_request',
    ]);
  });

  it('a javascript: redirect_uri: invalid_redirect_uri or invalid_request, in JSON', async () => {
    const answer = await send('POST', '/request', {
      headers: authorized(),
      body: form({ ...params, redirect_uri: 'javascript:alert(1)' }),
    });
    expectProtocolError(answer, ['invalid_redirect_uri', 'invalid_request']);
  });

  it('invalid JSON in claims: invalid_request', async () => {
    const answer = await send('POST', '/request', {
      headers: authorized(),
      body: form({ ...params, claims: '{"userinfo":' }),
    });
    expectProtocolError(answer, ['invalid_request']);
  });

  it('no PKCE: invalid_request', async () => {
    const { code_challenge: _, code_challenge_method: __, ...withoutPkce } = params;
    const answer = await send('POST', '/request', { headers: authorized(), body: form(withoutPkce) });
    expectProtocolError(answer, ['invalid_request']);
  });

  it('a 100 KB body: invalid_request', async () => {
    const answer = await send('POST', '/request', {
      headers: authorized(),
      body: `${form(params)}&junk=${'x'.repeat(100 * 1024)}`,
    });
    expectProtocolError(answer, ['invalid_request'], [400, 413]);
  });

  it('a JSON body: invalid_request', async () => {
    const answer = await send('POST', '/request', {
      headers: authorized(),
      contentType: 'application/json',
      body: JSON.stringify(params),
    });
    expectProtocolError(answer, ['invalid_request', 'invalid_client']);
  });
});

describe('introspection and revocation with garbage', () => {
  let partner: TestPartner;
  beforeAll(async () => {
    partner = await registerTestPartner();
  });
  const authorized = () => ({ authorization: basicOf(partner.clientId, partner.clientSecret ?? '') });

  it('introspecting a garbage token answers active: false; one shaped like a JWT, unsupported_token_type', async () => {
    expectProtocolError(
      await send('POST', '/token/introspection', {
        headers: authorized(),
        body: form({ token: 'eyJhbGciOiJub25lIn0.e30.' }),
      }),
      ['unsupported_token_type'],
    );
    for (const token of ['garbage', 'x'.repeat(5000), 'ǅ\u0000🙂']) {
      const answer = await send('POST', '/token/introspection', {
        headers: authorized(),
        body: form({ token }),
      });
      expect(answer.status, `${token.slice(0, 30)}: ${answer.text}`).toBe(200);
      expect(answer.json).toEqual({ active: false });
    }
  });

  it('introspection without a token: invalid_request; without client authentication: invalid_client or invalid_request', async () => {
    expectProtocolError(await send('POST', '/token/introspection', { headers: authorized(), body: '' }), [
      'invalid_request',
    ]);
    expectProtocolError(await send('POST', '/token/introspection', { body: form({ token: 'garbage' }) }), [
      'invalid_client',
      'invalid_request',
    ]);
  });

  it('revoking a garbage token answers 200 (RFC 7009)', async () => {
    for (const token of ['garbage', 'x'.repeat(5000), 'ǅ\u0000🙂']) {
      const answer = await send('POST', '/token/revocation', {
        headers: authorized(),
        body: form({ token }),
      });
      expect(answer.status).toBe(200);
    }
  });

  it('revocation without client authentication: invalid_client or invalid_request; with a 100 KB body: invalid_request', async () => {
    expectProtocolError(await send('POST', '/token/revocation', { body: form({ token: 'garbage' }) }), [
      'invalid_client',
      'invalid_request',
    ]);
    expectProtocolError(
      await send('POST', '/token/revocation', {
        headers: authorized(),
        body: form({ token: 'x'.repeat(100 * 1024) }),
      }),
      ['invalid_request'],
      [400, 413],
    );
  });
});

describe('userinfo with garbage tokens', () => {
  it('a garbage, an overlong or a malformed bearer token: 401 invalid_token', async () => {
    for (const authorization of ['Bearer garbage', `Bearer ${'x'.repeat(6000)}`, 'Bearer a.b.c']) {
      const answer = await send('GET', '/userinfo', { headers: { authorization } });
      expectProtocolError(answer, ['invalid_token'], [401]);
    }
  });

  it('no token at all, or a Basic header: invalid_request or invalid_token', async () => {
    for (const headers of [
      {},
      { authorization: 'Basic Zm9vOmJhcg==' },
      { authorization: 'Bearer' },
    ] as Record<string, string>[]) {
      const answer = await send('GET', '/userinfo', { headers });
      expectProtocolError(answer, ['invalid_request', 'invalid_token'], [400, 401]);
    }
  });

  it('POST /userinfo with a garbage form body and a 100 KB token: invalid_request or invalid_token', async () => {
    expectProtocolError(
      await send('POST', '/userinfo', { body: '%%%===&&&' }),
      ['invalid_request', 'invalid_token'],
      [400, 401],
    );
    expectProtocolError(
      await send('POST', '/userinfo', { body: form({ access_token: 'x'.repeat(100 * 1024) }) }),
      ['invalid_request', 'invalid_token'],
      [400, 401, 413],
    );
  });
});

/* ------------------------------------------------------------------ the interaction pages */

describe('interaction pages without an interaction', () => {
  it('GET /interaction/<random uid> with no cookie: a 4xx page, not a 5xx', async () => {
    const page = await new Browser().get('/interaction/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde');
    expectErrorPage(page);
    expect(page.heading).toBe('We could not use that sign-in request');
  });

  it('GET /interaction/<uid> with hostile characters or an overlong uid: a 4xx page', async () => {
    for (const uid of ['%3Cscript%3E', 'x'.repeat(3000), '..%2F..%2Fpartners', '%00']) {
      expectErrorPage(await new Browser().get(`/interaction/${uid}`));
    }
  });

  it('POST deny and allow on a random uid with no cookie: a 4xx, or a redirect that stays on the site', async () => {
    for (const action of ['deny', 'allow', 'primary-email']) {
      const page = await new Browser().post(`/interaction/AbCdEfGhIjKlMnOpQrStUvWx/${action}`, {
        email: 'x',
      });
      expect(page.status, `${action}: ${page.text.slice(0, 200)}`).toBeLessThan(500);
      if (page.location) expectNoForeignRedirect(page.location);
      else expect(page.status).toBeGreaterThanOrEqual(400);
    }
  });
});

/* ------------------------------------------------------------------ the partner admin API */

describe('the partner admin API with garbage bodies', () => {
  const verity = inject('verity');
  let token: string;
  beforeAll(async () => {
    const user = verity.workforce.users.find((u) => u.group === 'partner-admins');
    if (!user) throw new Error('no seeded partner admin');
    const result = await new CognitoIdentityProviderClient({}).send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: verity.workforce.clientId,
        AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
      }),
    );
    token = result.AuthenticationResult?.AccessToken as string;
  });

  const call = (method: string, path: string, body: string, contentType = 'application/json') =>
    send(method, path, { headers: { authorization: `Bearer ${token}` }, contentType, body });

  const garbage: readonly [string, string][] = [
    ['invalid JSON', '{"client_name":'],
    ['an array', '[]'],
    ['a string', '"partner"'],
    ['null', 'null'],
    ['a number', '42'],
    ['deeply nested', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    [
      'fields of the wrong types',
      '{"client_name":{},"redirect_uris":"x","scope":7,"minimum_ial":"2","claims":{}}',
    ],
    [
      'a javascript: redirect URI',
      '{"client_name":"X","redirect_uris":["javascript:alert(1)"],"scope":"openid"}',
    ],
    [
      'a 100 KB client name',
      JSON.stringify({ client_name: 'x'.repeat(100 * 1024), redirect_uris: [REDIRECT_URI], scope: 'openid' }),
    ],
    ['a __proto__ key', '{"__proto__":{"admin":true},"client_name":"X","redirect_uris":[],"scope":"openid"}'],
  ];

  it('POST /partners with garbage bodies: a 4xx JSON answer every time', async () => {
    for (const [what, body] of garbage) {
      const answer = await call('POST', '/partners', body);
      expect(answer.status, `${what}: ${answer.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
      expect(answer.contentType, what).toContain('application/json');
    }
  });

  it('PUT /partners/{id} with garbage bodies, on a real and on a made-up id: a 4xx JSON answer every time', async () => {
    const partner = await registerTestPartner();
    for (const id of [partner.clientId, 'AAAAAAAAAAAAAAAAAAAAAA', '..%2F..', 'x'.repeat(2000)]) {
      for (const [what, body] of garbage) {
        const answer = await call('PUT', `/partners/${id}`, body);
        expect(
          answer.status,
          `${id.slice(0, 30)} ${what}: ${answer.text.slice(0, 200)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }
    }
  });

  it('a body that is not JSON, or a 1 MB body: a 4xx', async () => {
    expect(
      (await call('POST', '/partners', 'client_name=x', 'application/x-www-form-urlencoded')).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await call('POST', '/partners', 'x'.repeat(1024 * 1024))).status).toBeGreaterThanOrEqual(400);
  });

  it('GET and DELETE /partners/{garbage id}: a 4xx', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..', 'x'.repeat(2000), '%00']) {
      for (const method of ['GET', 'DELETE']) {
        const answer = await send(method, `/partners/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(answer.status, `${method} ${id.slice(0, 30)}`).toBeGreaterThanOrEqual(400);
      }
    }
  });
});
