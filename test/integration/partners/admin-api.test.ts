/**
 * The partner admin API through the local gateway against the embedded AWS, with real workforce
 * tokens of this run's cognito-local pool: partner admins register, list, read, replace and
 * remove partners; agents get 403, anyone without a token 401; every bad input a 4xx JSON
 * answer, never a 5xx; every change an audit event; a client secret shown once and kept only as
 * its keyed hash.
 */
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { isId } from '../../../lambdas/core/ids.ts';
import { pepperFromEnvironment } from '../../../lambdas/keys/pepper.ts';
import { clientSecretHash } from '../../../lambdas/partners/client-secret.ts';
import { documentClient, tableName } from '../../../lambdas/store/dynamo.ts';
import { auditOf, listingKey, partnerKey } from '../../../lambdas/store/partners.ts';
import { expectSecurityHeaders } from '../../support/security-headers.ts';

const verity = inject('verity');
const site = verity.siteUrl;
const cognito = new CognitoIdentityProviderClient({});
const ports = { pepper: pepperFromEnvironment() };

function seededUser(group: string) {
  const user = verity.workforce.users.find((u) => u.group === group);
  if (!user) throw new Error(`no seeded ${group}`);
  return user;
}

async function accessToken(group: string): Promise<string> {
  const user = seededUser(group);
  const result = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: verity.workforce.clientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    }),
  );
  return result.AuthenticationResult?.AccessToken as string;
}

let adminToken: string;
let agentToken: string;

beforeAll(async () => {
  [adminToken, agentToken] = await Promise.all([accessToken('partner-admins'), accessToken('agents')]);
});

interface CallOptions {
  readonly body?: unknown;
  /** Sent as it is (malformed JSON, a huge body); `body` is JSON-encoded otherwise. */
  readonly raw?: string;
  readonly token?: string | null;
  readonly contentType?: string;
}

/** What the API answers, as far as these tests read it. */
interface Answer {
  readonly client_id: string;
  readonly client_secret?: string;
  readonly created_at?: string;
  readonly partners?: Answer[];
  readonly fields?: Record<string, string>;
  readonly error?: string;
  readonly error_description?: string;
  readonly username?: string;
  readonly [field: string]: unknown;
}

async function call(method: string, path: string, options: CallOptions = {}) {
  const token = options.token === undefined ? adminToken : options.token;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${site}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: text ? (JSON.parse(text) as Answer) : undefined,
  };
}

const basic = {
  client_name: 'Benefits Portal',
  redirect_uris: ['https://benefits.example.gov/callback', 'https://benefits.example.gov/callback/other'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid email',
  post_logout_redirect_uris: ['https://benefits.example.gov/signed-out'],
  contacts: ['ops@benefits.example.gov'],
};

const publicKey = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'key-1',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

const keyed = {
  client_name: 'Tax Portal',
  redirect_uris: ['https://tax.example.gov/cb'],
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [publicKey] },
  scope: 'openid email profile',
  minimum_ial: 2,
  claims: ['email', 'email_verified', 'given_name', 'family_name'],
  verified_within_days: 365,
};

const storedItem = async (key: { pk: string; sk: string }) =>
  (
    await documentClient().send(
      new GetCommand({ TableName: tableName('partners'), Key: key, ConsistentRead: true }),
    )
  ).Item;

/** Every item of the partners table that belongs to this partner, audit events included. */
async function partitionOf(clientId: string) {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: tableName('partners'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PARTNER#${clientId}` },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function register(body: unknown = basic) {
  const created = await call('POST', '/partners', { body });
  expect(created.status, created.text).toBe(201);
  return created.json as Answer;
}

describe('registering a partner', () => {
  it('answers 201 with its client id and a client secret, shown this once', async () => {
    const created = await call('POST', '/partners', { body: { ...basic, logo_uri: 'https://ignored' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toContain('application/json');
    expectSecurityHeaders(created.headers, 'POST /partners');
    const partner = created.json as Answer;
    expect(isId(partner.client_id)).toBe(true);
    expect(partner.client_secret).toMatch(/^[\w-]{43}$/);
    expect(partner.client_secret_expires_at).toBe(0);
    expect(partner).toMatchObject({
      ...basic,
      minimum_ial: 1,
      minimum_aal: 2,
      email_must_match_login_hint: false,
      remembered_browser_counts: false,
      claims: ['email', 'email_verified'],
    });
    expect(partner).not.toHaveProperty('logo_uri');
    expect(partner).not.toHaveProperty('secretHash');

    const read = await call('GET', `/partners/${partner.client_id}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ client_id: partner.client_id, client_name: basic.client_name });
    expect(read.json).not.toHaveProperty('client_secret');
    expect(read.text).not.toContain(partner.client_secret);
    expect(read.text).not.toContain('secretHash');
  });

  it('keeps only the keyed hash of the secret: the pepper MAC of "client-secret:" and the secret', async () => {
    const { client_id: clientId, client_secret: secret = '' } = await register();
    expect(secret).toMatch(/^[\w-]{43}$/);
    const item = await storedItem(partnerKey(clientId));
    expect(item?.secretHash).toBe(await clientSecretHash(secret, ports));
    const everything =
      JSON.stringify(await partitionOf(clientId)) + JSON.stringify(await storedItem(listingKey(clientId)));
    expect(everything).not.toContain(secret);
    expect(await storedItem(listingKey(clientId))).not.toHaveProperty('secretHash');
  });

  it('gives a private_key_jwt partner no secret, and keeps its public keys', async () => {
    const partner = await register(keyed);
    expect(partner).not.toHaveProperty('client_secret');
    expect(partner).toMatchObject({ ...keyed, jwks: { keys: [publicKey] } });
    expect(await storedItem(partnerKey(partner.client_id))).not.toHaveProperty('secretHash');
  });

  it('writes an audit event: who, created, the fields set, and no secret', async () => {
    const { client_id: clientId, client_secret: secret } = await register();
    const [event] = await auditOf(clientId);
    expect(event).toMatchObject({
      clientId,
      action: 'created',
      actor: expect.stringMatching(/\S/),
      fields: expect.arrayContaining(['client_name', 'redirect_uris', 'scope', 'client_secret']),
    });
    expect(JSON.stringify(event)).not.toContain(secret);
  });
});

describe('listing partners', () => {
  it('shows every partner, without secrets or their hashes', async () => {
    const a = await register();
    const b = await register(keyed);
    const listed = await call('GET', '/partners');
    expect(listed.status).toBe(200);
    const ids = (listed.json?.partners ?? []).map((p) => p.client_id);
    expect(ids).toEqual(expect.arrayContaining([a.client_id, b.client_id]));
    expect(listed.text).not.toContain(a.client_secret);
    expect(listed.text).not.toContain('client_secret"');
    expect(listed.text).not.toContain('secretHash');
    expect(listed.text).not.toContain('revision');
  });
});

describe('replacing a partner', () => {
  it('replaces metadata and policy and keeps the client id, the creation time and the secret', async () => {
    const created = await register();
    const hash = (await storedItem(partnerKey(created.client_id)))?.secretHash;
    const replaced = await call('PUT', `/partners/${created.client_id}`, {
      body: { ...basic, client_name: 'Benefits Portal 2', minimum_ial: 2, contacts: [] },
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json).not.toHaveProperty('client_secret');
    expect(replaced.json).toMatchObject({
      client_id: created.client_id,
      client_name: 'Benefits Portal 2',
      minimum_ial: 2,
      contacts: [],
      created_at: created.created_at,
    });
    expect((await storedItem(partnerKey(created.client_id)))?.secretHash).toBe(hash);
    // A full replacement: what the body leaves out goes back to its default.
    const again = await call('PUT', `/partners/${created.client_id}`, { body: basic });
    expect(again.json).toMatchObject({ minimum_ial: 1, client_name: basic.client_name });

    const read = await call('GET', `/partners/${created.client_id}`);
    expect(read.json).toMatchObject({ minimum_ial: 1 });
    const [latest] = await auditOf(created.client_id);
    expect(latest).toMatchObject({ action: 'updated', fields: ['client_name', 'contacts', 'minimum_ial'] });
  });

  it('drops the secret for private_key_jwt, and issues a new one, shown once, on the way back', async () => {
    const created = await register();
    const toKeys = await call('PUT', `/partners/${created.client_id}`, {
      body: { ...keyed, client_name: 'P' },
    });
    expect(toKeys.status, toKeys.text).toBe(200);
    expect(toKeys.json).not.toHaveProperty('client_secret');
    expect(await storedItem(partnerKey(created.client_id))).not.toHaveProperty('secretHash');

    const back = await call('PUT', `/partners/${created.client_id}`, { body: basic });
    expect(back.status).toBe(200);
    const secret = back.json?.client_secret as string;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(secret).not.toBe(created.client_secret);
    expect((await storedItem(partnerKey(created.client_id)))?.secretHash).toBe(
      await clientSecretHash(secret, ports),
    );
    expect((await call('GET', `/partners/${created.client_id}`)).text).not.toContain(secret);
    const events = await auditOf(created.client_id);
    expect(events.map((e) => e.action)).toEqual(['updated', 'updated', 'created']);
    expect(events[0]?.fields).toContain('client_secret');
    expect(JSON.stringify(events)).not.toContain(secret);
  });

  it('answers edits sent at once with one result each, 200 or 409, never a 5xx', async () => {
    const created = await register();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        call('PUT', `/partners/${created.client_id}`, { body: { ...basic, client_name: `Edit ${i}` } }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 200 || s === 409),
      statuses.join(),
    ).toBe(true);
    expect(statuses).toContain(200);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.json).toMatchObject({ error: 'partner_changed' });
    }
    const updates = (await auditOf(created.client_id)).filter((e) => e.action === 'updated');
    expect(updates).toHaveLength(statuses.filter((s) => s === 200).length);
  });

  it('answers 404 for a partner that does not exist', async () => {
    const missing = await call('PUT', '/partners/AAAAAAAAAAAAAAAAAAAAAA', { body: basic });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: 'not_found' });
  });
});

describe('deleting a partner', () => {
  it('answers 204, after which it is gone, and keeps its audit events', async () => {
    const created = await register();
    const deleted = await call('DELETE', `/partners/${created.client_id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/partners/${created.client_id}`)).status).toBe(404);
    expect((await call('DELETE', `/partners/${created.client_id}`)).status).toBe(404);
    const listed = await call('GET', '/partners');
    expect(listed.text).not.toContain(created.client_id);
    expect(await storedItem(partnerKey(created.client_id))).toBeUndefined();
    expect(await storedItem(listingKey(created.client_id))).toBeUndefined();
    const events = await auditOf(created.client_id);
    expect(events.map((e) => e.action)).toEqual(['deleted', 'created']);
    expect(events[0]?.actor).toBe(events[1]?.actor);
  });
});

describe('who may use it', () => {
  const id = 'AAAAAAAAAAAAAAAAAAAAAA';
  const everyRoute = [
    ['POST', '/partners', basic],
    ['GET', '/partners', undefined],
    ['GET', `/partners/${id}`, undefined],
    ['PUT', `/partners/${id}`, basic],
    ['DELETE', `/partners/${id}`, undefined],
  ] as const;

  it('refuses an agent with 403 on every route', async () => {
    for (const [method, path, body] of everyRoute) {
      const answer = await call(method, path, { body, token: agentToken });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json).toMatchObject({ error: 'forbidden' });
    }
  });

  it('refuses a request without a token with 401 on every route', async () => {
    for (const [method, path, body] of everyRoute) {
      const answer = await call(method, path, { body, token: null });
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });

  it('records the partner admin who made a change', async () => {
    const me = await call('GET', '/workforce/me');
    const { client_id: clientId } = await register();
    const [event] = await auditOf(clientId);
    expect(event?.actor).toBe(me.json?.username);
  });
});

describe('an invalid registration', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['client_name', { client_name: '' }, 'client_name'],
    ['client_name', { client_name: 'x'.repeat(101) }, 'client_name'],
    ['redirect_uris', { redirect_uris: [] }, 'redirect_uris'],
    ['redirect_uris', { redirect_uris: ['http://benefits.example.gov/cb'] }, 'redirect_uris[0]'],
    ['redirect_uris', { redirect_uris: ['https://benefits.example.gov/cb#x'] }, 'redirect_uris[0]'],
    [
      'redirect_uris',
      { redirect_uris: [`https://benefits.example.gov/${'x'.repeat(2000)}`] },
      'redirect_uris[0]',
    ],
    ['redirect_uris', { redirect_uris: ['/relative'] }, 'redirect_uris[0]'],
    [
      'redirect_uris',
      { redirect_uris: Array.from({ length: 11 }, (_, i) => `https://b.example.gov/${i}`) },
      'redirect_uris',
    ],
    [
      'post_logout_redirect_uris',
      { post_logout_redirect_uris: ['http://b.example.gov/'] },
      'post_logout_redirect_uris[0]',
    ],
    [
      'token_endpoint_auth_method',
      { token_endpoint_auth_method: 'client_secret_post' },
      'token_endpoint_auth_method',
    ],
    ['token_endpoint_auth_method', { token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
    ['token_endpoint_auth_method', { token_endpoint_auth_method: 'magic' }, 'token_endpoint_auth_method'],
    ['jwks', { jwks: { keys: [publicKey] } }, 'jwks'],
    ['jwks_uri', { jwks_uri: 'https://benefits.example.gov/jwks' }, 'jwks_uri'],
    ['scope', { scope: 'email' }, 'scope'],
    ['scope', { scope: 'openid admin' }, 'scope'],
    ['contacts', { contacts: ['not an address'] }, 'contacts[0]'],
    ['minimum_ial', { minimum_ial: 3 }, 'minimum_ial'],
    ['minimum_aal', { minimum_aal: 1 }, 'minimum_aal'],
    ['email_must_match_login_hint', { email_must_match_login_hint: 'yes' }, 'email_must_match_login_hint'],
    ['remembered_browser_counts', { remembered_browser_counts: 1 }, 'remembered_browser_counts'],
    ['claims', { claims: ['email', 'password'] }, 'claims[1]'],
    ['verified_within_days', { verified_within_days: 0 }, 'verified_within_days'],
    ['verified_within_days', { verified_within_days: 3651 }, 'verified_within_days'],
  ];

  it.each(cases)('gets a field error for %s: %j', async (_, change, field) => {
    for (const [method, path] of [
      ['POST', '/partners'],
      ['PUT', '/partners/AAAAAAAAAAAAAAAAAAAAAA'],
    ] as const) {
      const answer = await call(method, path, { body: { ...basic, ...change } });
      expect(answer.status, `${method} ${answer.text}`).toBe(400);
      expect(answer.json).toMatchObject({ error: 'invalid_client_metadata' });
      expect(Object.keys(answer.json?.fields ?? {}), answer.text).toEqual([field]);
      expect(answer.json?.error_description).toContain(field);
    }
  });

  it('refuses a private key among inline keys, naming the key', async () => {
    const answer = await call('POST', '/partners', {
      body: { ...keyed, jwks: { keys: [publicKey, { ...publicKey, kid: 'key-2', d: 'private-part' }] } },
    });
    expect(answer.status).toBe(400);
    expect(answer.json?.fields).toEqual({
      'jwks.keys[1]': 'must be a public key: remove its private members (d)',
    });
  });

  it('refuses private_key_jwt without keys, or with both jwks and jwks_uri', async () => {
    const { jwks: _, ...noKeys } = keyed;
    for (const body of [noKeys, { ...keyed, jwks_uri: 'https://tax.example.gov/jwks' }]) {
      const answer = await call('POST', '/partners', { body });
      expect(answer.status).toBe(400);
      expect(Object.keys(answer.json?.fields ?? {})).toEqual(['jwks']);
    }
  });

  it('names every missing required field', async () => {
    const answer = await call('POST', '/partners', { body: {} });
    expect(answer.status).toBe(400);
    expect(answer.json?.fields).toEqual({
      client_name: 'is required',
      redirect_uris: 'is required',
      scope: 'is required',
    });
  });

  it('writes nothing', async () => {
    const before = (await call('GET', '/partners')).json?.partners?.length;
    await call('POST', '/partners', { body: { ...basic, scope: 'email' } });
    expect((await call('GET', '/partners')).json?.partners?.length).toBe(before);
  });
});

describe('bad requests', () => {
  const expectJson4xx = (answer: Awaited<ReturnType<typeof call>>, status: number, what: string) => {
    expect(answer.status, `${what}: ${answer.text}`).toBe(status);
    expect(answer.headers.get('content-type'), what).toContain('application/json');
    expect(answer.json?.error, what).toEqual(expect.any(String));
    expect(answer.json?.error_description, what).toEqual(expect.any(String));
  };

  it('answers malformed JSON, a body that is no object and an empty body with 400 JSON', async () => {
    expectJson4xx(await call('POST', '/partners', { raw: '{"client_name": ' }), 400, 'malformed');
    expectJson4xx(await call('POST', '/partners', { raw: '[1, 2]' }), 400, 'an array');
    expectJson4xx(await call('POST', '/partners', { raw: 'null' }), 400, 'null');
    expectJson4xx(await call('POST', '/partners', { raw: '' }), 400, 'empty');
    expectJson4xx(await call('PUT', '/partners/AAAAAAAAAAAAAAAAAAAAAA', { raw: '{' }), 400, 'malformed PUT');
  });

  it('answers a body that is not JSON with 415 JSON', async () => {
    const form = new URLSearchParams({ client_name: 'x' }).toString();
    expectJson4xx(
      await call('POST', '/partners', { raw: form, contentType: 'application/x-www-form-urlencoded' }),
      415,
      'a form',
    );
    expectJson4xx(
      await call('POST', '/partners', { raw: JSON.stringify(basic), contentType: 'text/plain' }),
      415,
      'text',
    );
  });

  it('answers a body over 64 KB with 413 JSON', async () => {
    const huge = JSON.stringify({ ...basic, client_name: 'x'.repeat(70 * 1024) });
    expectJson4xx(await call('POST', '/partners', { raw: huge }), 413, 'huge');
  });

  it('answers a malformed or overlong client id with 400 JSON, an unknown one with 404 JSON', async () => {
    for (const id of [
      'short',
      'A'.repeat(23),
      'A'.repeat(500),
      'AAAAAAAAAAAAAAAAAAAA%2F',
      'AAAAAAAAAAAAAAAAAAAA.!',
    ]) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const answer = await call(method, `/partners/${id}`, method === 'PUT' ? { body: basic } : {});
        expectJson4xx(answer, 400, `${method} ${id}`);
      }
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await call(
        method,
        '/partners/AAAAAAAAAAAAAAAAAAAAAA',
        method === 'PUT' ? { body: basic } : {},
      );
      expectJson4xx(answer, 404, method);
    }
  });

  it('answers a body on a GET or DELETE with 400 JSON', async () => {
    const { client_id: clientId } = await register();
    for (const method of ['DELETE']) {
      const answer = await call(method, `/partners/${clientId}`, { body: basic });
      expectJson4xx(answer, 400, method);
    }
    expect((await call('GET', `/partners/${clientId}`)).status).toBe(200);
  });
});
