/** The rules of a partner registration (lambdas/partners/registration.ts), with no I/O. */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isProblem } from '../../../lambdas/core/problems.ts';
import { createHmacPepper } from '../../../lambdas/keys/hmac-pepper.ts';
import {
  clientSecretHash,
  clientSecretMatches,
  newClientSecret,
} from '../../../lambdas/partners/client-secret.ts';
import type { Partner } from '../../../lambdas/partners/partner.ts';
import {
  changedFields,
  PARTNER_SCOPES,
  partnerJson,
  readRegistration,
  registrationJson,
  secretOnReplace,
} from '../../../lambdas/partners/registration.ts';

const basic = {
  client_name: 'Benefits Portal',
  redirect_uris: ['https://benefits.example.gov/callback'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid email',
};

const rsaKey = { kty: 'RSA', kid: 'k1', n: 'sXch...', e: 'AQAB', alg: 'RS256', use: 'sig' };
const keyed = {
  client_name: 'Tax Portal',
  redirect_uris: ['https://tax.example.gov/cb'],
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [rsaKey] },
  scope: 'openid email',
};

/** The field errors a registration gets; fails the test when it is accepted. */
function fieldsOf(input: unknown): Record<string, string> {
  try {
    readRegistration(input);
  } catch (error) {
    if (isProblem(error, 'InvalidClientMetadata')) return { ...error.problem.fields };
    throw error;
  }
  throw new Error('the registration was accepted');
}

const accepts = (input: unknown) => expect(() => readRegistration(input)).not.toThrow();

describe('a registration', () => {
  it('takes the RFC 7591 names and fills in the policy defaults: IAL1, AAL2, email claims', () => {
    const { metadata, policy } = readRegistration(basic);
    expect(metadata).toEqual({
      client_name: 'Benefits Portal',
      redirect_uris: ['https://benefits.example.gov/callback'],
      id_token_signed_response_alg: 'RS256',
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid email',
      post_logout_redirect_uris: [],
      contacts: [],
    });
    expect(policy).toEqual({
      minimumIal: 1,
      minimumAal: 2,
      emailMustMatchLoginHint: false,
      rememberedBrowserCounts: false,
      claims: ['email', 'email_verified'],
    });
  });

  it('takes the policy fields flat, in snake_case', () => {
    const { policy } = readRegistration({
      ...basic,
      minimum_ial: 2,
      minimum_aal: 2,
      email_must_match_login_hint: true,
      remembered_browser_counts: true,
      claims: ['email', 'given_name', 'social_security_number'],
      verified_within_days: 365,
    });
    expect(policy).toEqual({
      minimumIal: 2,
      minimumAal: 2,
      emailMustMatchLoginHint: true,
      rememberedBrowserCounts: true,
      claims: ['email', 'given_name', 'social_security_number'],
      verifiedWithinDays: 365,
    });
  });

  it('ignores unknown fields, and takes a field sent as null as not sent', () => {
    const { metadata } = readRegistration({
      ...basic,
      logo_uri: 'https://x',
      jwks_uri: null,
      contacts: null,
    });
    expect(metadata).not.toHaveProperty('logo_uri');
    expect(metadata).not.toHaveProperty('jwks_uri');
    expect(metadata.contacts).toEqual([]);
  });

  it('must be a JSON object', () => {
    for (const input of [null, [], 'openid', 42]) expect(fieldsOf(input), JSON.stringify(input)).toEqual({});
  });

  it('names every required field that is missing', () => {
    expect(fieldsOf({})).toEqual({
      client_name: 'is required',
      redirect_uris: 'is required',
      scope: 'is required',
    });
  });

  it('reports every broken field at once', () => {
    expect(
      Object.keys(fieldsOf({ ...basic, client_name: '', scope: 'email', minimum_ial: 3, contacts: ['x'] })),
    ).toEqual(['client_name', 'scope', 'contacts[0]', 'minimum_ial']);
  });
});

describe('client_name', () => {
  it('is 1 to 100 characters, trimmed, without control characters', () => {
    expect(readRegistration({ ...basic, client_name: '  Portal  ' }).metadata.client_name).toBe('Portal');
    accepts({ ...basic, client_name: 'x'.repeat(100) });
    expect(fieldsOf({ ...basic, client_name: 'x'.repeat(101) })).toHaveProperty('client_name');
    expect(fieldsOf({ ...basic, client_name: '   ' })).toHaveProperty('client_name');
    expect(fieldsOf({ ...basic, client_name: 'a\nb' })).toHaveProperty('client_name');
    expect(fieldsOf({ ...basic, client_name: 42 })).toHaveProperty('client_name');
  });
});

describe('redirect URIs', () => {
  const redirect = (uri: unknown) => ({ ...basic, redirect_uris: [uri] });

  it('use https, or http on a loopback host only', () => {
    for (const uri of [
      'https://app.example.gov/cb',
      'https://app.example.gov:8443/cb?x=1',
      'http://localhost:4000/cb',
      'http://127.0.0.1/cb',
      'http://[::1]:8080/cb',
    ]) {
      accepts(redirect(uri));
    }
    for (const uri of [
      'http://app.example.gov/cb',
      'http://localhost.evil.example/cb',
      'http://127.0.0.2/cb',
      'ftp://app.example.gov/cb',
      'com.example.app:/cb',
      'javascript:alert(1)',
    ]) {
      expect(fieldsOf(redirect(uri)), uri).toEqual({
        'redirect_uris[0]': 'must use https, or http on a loopback host',
      });
    }
  });

  it('are absolute URLs without a fragment, user name or password', () => {
    expect(fieldsOf(redirect('/cb'))).toEqual({ 'redirect_uris[0]': 'must be an absolute URL' });
    expect(fieldsOf(redirect('https://app.example.gov/cb#x'))).toEqual({
      'redirect_uris[0]': 'must not have a fragment (#)',
    });
    expect(fieldsOf(redirect('https://app.example.gov/cb#'))).toHaveProperty(['redirect_uris[0]']);
    expect(fieldsOf(redirect('https://me:pw@app.example.gov/cb'))).toHaveProperty(['redirect_uris[0]']);
    expect(fieldsOf(redirect(42))).toHaveProperty(['redirect_uris[0]']);
  });

  it('are at most 2000 characters each', () => {
    const base = 'https://app.example.gov/';
    accepts(redirect(base + 'x'.repeat(2000 - base.length)));
    expect(fieldsOf(redirect(base + 'x'.repeat(2001 - base.length)))).toEqual({
      'redirect_uris[0]': 'must be at most 2000 characters',
    });
  });

  it('are at least one and at most ten; post-logout ones at most ten and none by default', () => {
    const uris = (n: number) => Array.from({ length: n }, (_, i) => `https://app.example.gov/${i}`);
    accepts({ ...basic, redirect_uris: uris(10), post_logout_redirect_uris: uris(10) });
    expect(fieldsOf({ ...basic, redirect_uris: [] })).toHaveProperty('redirect_uris');
    expect(fieldsOf({ ...basic, redirect_uris: uris(11) })).toHaveProperty('redirect_uris');
    expect(fieldsOf({ ...basic, redirect_uris: 'https://app.example.gov/cb' })).toHaveProperty(
      'redirect_uris',
    );
    expect(fieldsOf({ ...basic, post_logout_redirect_uris: uris(11) })).toHaveProperty(
      'post_logout_redirect_uris',
    );
    expect(fieldsOf({ ...basic, post_logout_redirect_uris: ['http://app.example.gov/'] })).toEqual({
      'post_logout_redirect_uris[0]': 'must use https, or http on a loopback host',
    });
  });
});

describe('token_endpoint_auth_method', () => {
  it('is private_key_jwt or client_secret_basic; client_secret_basic when not sent (RFC 7591)', () => {
    accepts(keyed);
    const { token_endpoint_auth_method: _, ...unsaid } = basic;
    expect(readRegistration(unsaid).metadata.token_endpoint_auth_method).toBe('client_secret_basic');
  });

  it('refuses client_secret_post, none and anything else', () => {
    for (const method of ['client_secret_post', 'none', 'client_secret_jwt', 'tls_client_auth', '', 7]) {
      expect(fieldsOf({ ...basic, token_endpoint_auth_method: method }), String(method)).toEqual({
        token_endpoint_auth_method: 'must be private_key_jwt or client_secret_basic',
      });
    }
  });
});

describe('keys', () => {
  it('private_key_jwt takes exactly one of jwks and jwks_uri', () => {
    const { jwks: _, ...noKeys } = keyed;
    accepts({ ...noKeys, jwks_uri: 'https://tax.example.gov/jwks.json' });
    expect(fieldsOf(noKeys)).toEqual({ jwks: 'private_key_jwt needs exactly one of jwks and jwks_uri' });
    expect(fieldsOf({ ...keyed, jwks_uri: 'https://tax.example.gov/jwks.json' })).toEqual({
      jwks: 'private_key_jwt needs exactly one of jwks and jwks_uri',
    });
  });

  it('client_secret_basic takes neither', () => {
    expect(fieldsOf({ ...basic, jwks: { keys: [rsaKey] } })).toHaveProperty('jwks');
    expect(fieldsOf({ ...basic, jwks_uri: 'https://benefits.example.gov/jwks' })).toHaveProperty('jwks_uri');
  });

  it('jwks_uri uses https, even on a loopback host', () => {
    const { jwks: _, ...noKeys } = keyed;
    expect(fieldsOf({ ...noKeys, jwks_uri: 'http://localhost/jwks' })).toEqual({
      jwks_uri: 'must use https',
    });
    expect(fieldsOf({ ...noKeys, jwks_uri: 'jwks.json' })).toEqual({ jwks_uri: 'must be an absolute URL' });
  });

  it('inline keys are public keys only: any private member is refused', () => {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth']) {
      expect(fieldsOf({ ...keyed, jwks: { keys: [{ ...rsaKey, [member]: 'secret' }] } }), member).toEqual({
        'jwks.keys[0]': `must be a public key: remove its private members (${member})`,
      });
    }
    expect(fieldsOf({ ...keyed, jwks: { keys: [rsaKey, { kty: 'oct', k: 'c2VjcmV0' }] } })).toEqual({
      'jwks.keys[1]': 'must be a public key: remove its private members (k)',
    });
  });

  it('inline keys are RSA, EC or OKP keys with their public members', () => {
    accepts({
      ...keyed,
      jwks: {
        keys: [
          { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' },
          { kty: 'OKP', crv: 'Ed25519', x: 'a' },
        ],
      },
    });
    expect(fieldsOf({ ...keyed, jwks: { keys: [{ kty: 'RSA', e: 'AQAB' }] } })).toHaveProperty([
      'jwks.keys[0]',
    ]);
    expect(fieldsOf({ ...keyed, jwks: { keys: [{ kty: 'XYZ' }] } })).toHaveProperty(['jwks.keys[0]']);
    expect(fieldsOf({ ...keyed, jwks: { keys: ['key'] } })).toHaveProperty(['jwks.keys[0]']);
    expect(fieldsOf({ ...keyed, jwks: { keys: [] } })).toHaveProperty(['jwks.keys']);
    expect(fieldsOf({ ...keyed, jwks: [rsaKey] })).toHaveProperty('jwks');
  });
});

describe('scope', () => {
  it('is the offered scopes, space-separated, openid among them; kept once each', () => {
    expect(readRegistration({ ...basic, scope: PARTNER_SCOPES.join(' ') }).metadata.scope).toBe(
      PARTNER_SCOPES.join(' '),
    );
    expect(readRegistration({ ...basic, scope: ' openid  email openid ' }).metadata.scope).toBe(
      'openid email',
    );
  });

  it('must include openid', () => {
    expect(fieldsOf({ ...basic, scope: 'email profile' })).toEqual({ scope: 'must include openid' });
    expect(fieldsOf({ ...basic, scope: '' })).toEqual({ scope: 'must include openid' });
  });

  it('refuses scopes Verity does not offer, naming them', () => {
    expect(fieldsOf({ ...basic, scope: 'openid admin email' })).toEqual({
      scope: 'has scopes Verity does not offer: admin',
    });
    expect(fieldsOf({ ...basic, scope: ['openid'] })).toHaveProperty('scope');
  });
});

describe('contacts', () => {
  it('are email addresses, at most ten', () => {
    expect(readRegistration({ ...basic, contacts: [' ops@example.gov '] }).metadata.contacts).toEqual([
      'ops@example.gov',
    ]);
    expect(fieldsOf({ ...basic, contacts: ['ops@example.gov', 'not an address'] })).toEqual({
      'contacts[1]': 'must be an email address',
    });
    const many = Array.from({ length: 11 }, (_, i) => `ops${i}@example.gov`);
    expect(fieldsOf({ ...basic, contacts: many })).toHaveProperty('contacts');
  });
});

describe('the policy', () => {
  it('minimum_ial is 1 or 2', () => {
    accepts({ ...basic, minimum_ial: 2 });
    for (const ial of [0, 3, '2', 1.5])
      expect(fieldsOf({ ...basic, minimum_ial: ial })).toHaveProperty('minimum_ial');
  });

  it('minimum_aal is 2 only: partners always get a password and a second factor', () => {
    for (const aal of [1, 3, '2'])
      expect(fieldsOf({ ...basic, minimum_aal: aal })).toHaveProperty('minimum_aal');
  });

  it('email_must_match_login_hint and remembered_browser_counts are booleans', () => {
    expect(fieldsOf({ ...basic, email_must_match_login_hint: 'yes', remembered_browser_counts: 1 })).toEqual({
      email_must_match_login_hint: 'must be true or false',
      remembered_browser_counts: 'must be true or false',
    });
  });

  it('claims are among the partner claims, kept once each', () => {
    expect(readRegistration({ ...basic, claims: ['email', 'email', 'all_emails'] }).policy.claims).toEqual([
      'email',
      'all_emails',
    ]);
    expect(readRegistration({ ...basic, claims: [] }).policy.claims).toEqual([]);
    expect(fieldsOf({ ...basic, claims: ['email', 'password'] })).toHaveProperty(['claims[1]']);
    expect(fieldsOf({ ...basic, claims: 'email' })).toHaveProperty('claims');
  });

  it('verified_within_days is a whole number from 1 to 3650, and optional', () => {
    expect(readRegistration(basic).policy).not.toHaveProperty('verifiedWithinDays');
    accepts({ ...basic, verified_within_days: 1 });
    accepts({ ...basic, verified_within_days: 3650 });
    for (const days of [0, -1, 3651, 1.5, '30']) {
      expect(fieldsOf({ ...basic, verified_within_days: days }), String(days)).toHaveProperty(
        'verified_within_days',
      );
    }
  });
});

describe('a partner as JSON', () => {
  const partner: Partner = {
    clientId: 'AAAAAAAAAAAAAAAAAAAAAA',
    ...readRegistration({ ...basic, verified_within_days: 30 }),
    secretHash: 'hash',
    createdAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-02T12:00:00.000Z',
  };

  it('shows the client id, metadata and policy by their API names, never the secret hash', () => {
    const shown = partnerJson(partner);
    expect(shown).toMatchObject({
      client_id: partner.clientId,
      client_id_issued_at: Date.parse(partner.createdAt) / 1000,
      client_name: 'Benefits Portal',
      minimum_ial: 1,
      minimum_aal: 2,
      verified_within_days: 30,
      created_at: partner.createdAt,
      updated_at: partner.updatedAt,
    });
    expect(JSON.stringify(shown)).not.toContain('hash');
  });

  it('lists its fields in one order, whatever order the stored item kept', () => {
    const shuffled = { ...partner, metadata: Object.fromEntries(Object.entries(partner.metadata).reverse()) };
    const keys = Object.keys(partnerJson(shuffled as Partner));
    expect(keys).toEqual(Object.keys(partnerJson(partner)));
    expect(keys.slice(0, 5)).toEqual([
      'client_id',
      'client_id_issued_at',
      'client_name',
      'redirect_uris',
      'token_endpoint_auth_method',
    ]);
  });

  it('reads back as the same registration, so a GET sent back with PUT changes nothing', () => {
    const again = readRegistration(partnerJson(partner));
    expect(again).toEqual({ metadata: partner.metadata, policy: partner.policy });
    expect(changedFields(partner, again)).toEqual([]);
  });
});

describe('an edit', () => {
  const basicPartner = { ...readRegistration(basic), secretHash: 'hash' };
  const keyedPartner = readRegistration(keyed);

  it('keeps the secret while the partner stays on client_secret_basic', () => {
    expect(secretOnReplace(basicPartner, readRegistration({ ...basic, client_name: 'New' }))).toBe('keep');
  });

  it('issues a new secret when the partner moves from private_key_jwt to client_secret_basic', () => {
    expect(secretOnReplace(keyedPartner, readRegistration(basic))).toBe('issue');
  });

  it('drops the secret when the partner moves to private_key_jwt', () => {
    expect(secretOnReplace(basicPartner, readRegistration(keyed))).toBe('drop');
  });

  it('names the fields it changed by their API names, and never a value', () => {
    const next = readRegistration({ ...basic, client_name: 'Secret Portal', minimum_ial: 2 });
    expect(changedFields(basicPartner, next)).toEqual(['client_name', 'minimum_ial']);
    expect(changedFields(undefined, next)).toEqual(Object.keys(registrationJson(next)).sort());
    expect(changedFields(basicPartner, readRegistration(keyed))).toEqual(
      expect.arrayContaining(['client_name', 'jwks', 'token_endpoint_auth_method']),
    );
  });
});

describe('a client secret', () => {
  const key = randomBytes(32);
  const ports = { pepper: createHmacPepper(key) };

  it('is 32 random bytes, base64url', () => {
    const secret = newClientSecret();
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(newClientSecret()).not.toBe(secret);
  });

  it('is kept as base64url of the pepper MAC of "client-secret:" and the secret', async () => {
    const secret = newClientSecret();
    const expected = createHmac('sha256', key).update(`client-secret:${secret}`).digest('base64url');
    expect(await clientSecretHash(secret, ports)).toBe(expected);
    expect(await clientSecretMatches(secret, expected, ports)).toBe(true);
    expect(await clientSecretMatches(newClientSecret(), expected, ports)).toBe(false);
    expect(await clientSecretMatches(secret, undefined, ports)).toBe(false);
  });
});

describe('a registration of redirect URIs', () => {
  it('keeps one partner to one host: pairwise subjects are per partner', () => {
    expect(() =>
      readRegistration({
        client_name: 'Two Sites',
        redirect_uris: ['https://one.example.gov/cb', 'https://two.example.gov/cb'],
        scope: 'openid email',
      }),
    ).toThrow();
  });
});
