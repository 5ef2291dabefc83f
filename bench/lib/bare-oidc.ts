/**
 * Bare oidc-provider, the reference the OIDC bench holds Verity against: the same library in
 * this process, `http.createServer(provider.callback())` on a free port, its own in-memory
 * adapter, one static client with client_secret_basic, PKCE required, refresh tokens rotated,
 * Verity's token lifetimes, an RS256 key of Verity's size (ID tokens are signed with it). No
 * interactions: codes are written straight through the provider's models, as the authorization
 * endpoint would write them for signed-in members (a session, a grant, codes bound to both).
 *
 * The library's memory adapter keeps at most ~1000 recent entries (an LRU) and would evict the
 * codes prepared ahead of a run; here the same adapter class gets a store of the same LRU kind,
 * large enough to hold them all.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { TTL } from '../../lambdas/oidc/configuration.ts';

/** Codes per signed-in member (session and grant); see signedInMember. */
const CODES_PER_GRANT = 10;
export const BARE_REDIRECT_URI = 'http://127.0.0.1:4999/callback';

type AdapterClass = new (model: string, store: unknown) => unknown;
type LruClass = new (options: { maxSize: number }) => unknown;

/** Deep imports: the adapter and its store are not in the package's types. */
async function memoryAdapter(): Promise<(model: string) => unknown> {
  const adapterModule = 'oidc-provider/lib/adapters/memory_adapter.js';
  const lruModule = 'oidc-provider/lib/helpers/lru.js';
  const { default: MemoryAdapter } = (await import(adapterModule)) as { default: AdapterClass };
  const { default: Lru } = (await import(lruModule)) as { default: LruClass };
  const store = new Lru({ maxSize: 10_000_000 });
  return (model: string) => new MemoryAdapter(model, store);
}

export interface BareProvider {
  readonly origin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Codes of signed-in members' authorizations, with this PKCE challenge. */
  makeCodes(count: number, scope: string, codeChallenge: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startBareProvider(): Promise<BareProvider> {
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(origin, {
    adapter: (await memoryAdapter()) as never,
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [BARE_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'openid email offline_access',
      },
    ],
    findAccount: async (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: async () => ({ sub: accountId, email: 'bench@example.com', email_verified: true }),
    }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'email', 'offline_access'],
    jwks: { keys: [jwk] } as never,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic'],
    rotateRefreshToken: true,
    ttl: { ...TTL } as never,
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  });
  server.on('request', provider.callback());

  const client = await provider.Client.find(clientId);
  if (!client) throw new Error('bare provider: its client is missing');
  const loginTs = Math.floor(Date.now() / 1000);
  /**
   * What the authorization endpoint leaves for a signed-in member who allowed the client: a
   * session and a grant, and codes bound to both. A new member every CODES_PER_GRANT codes: the
   * memory adapter indexes a grant's tokens in one entry that it rewrites (and scans) at every
   * token saved, so tens of thousands of codes on one grant would measure that index, not the
   * provider. Verity's grant index is a DynamoDB index, which costs the same however full.
   */
  async function signedInMember() {
    const accountId = `bench-${randomBytes(8).toString('hex')}`;
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope('openid email offline_access');
    grant.addOIDCClaims(['email', 'email_verified']);
    const grantId = await grant.save();
    const session = new provider.Session();
    session.loginAccount({ accountId, loginTs });
    session.grantIdFor(clientId, grantId);
    await session.save(TTL.Session);
    return { accountId, grantId, sessionUid: session.uid };
  }

  return {
    origin,
    clientId,
    clientSecret,
    async makeCodes(count, scope, codeChallenge) {
      const codes: string[] = [];
      let member = await signedInMember();
      for (let i = 0; i < count; i++) {
        if (i > 0 && i % CODES_PER_GRANT === 0) member = await signedInMember();
        const code = new provider.AuthorizationCode({
          accountId: member.accountId,
          acr: 'urn:bench:acr',
          amr: ['pwd', 'otp', 'mfa'],
          authTime: loginTs,
          client,
          codeChallenge,
          codeChallengeMethod: 'S256',
          grantId: member.grantId,
          nonce: 'bench-nonce',
          redirectUri: BARE_REDIRECT_URI,
          scope,
          sessionUid: member.sessionUid,
          // As the authorization endpoint decides by default: bound to the session without offline_access.
          ...(scope.split(' ').includes('offline_access') ? {} : { expiresWithSession: true }),
        } as never);
        codes.push(await code.save());
      }
      return codes;
    },
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
