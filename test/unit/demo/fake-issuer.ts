/**
 * Just enough of an OpenID Connect provider to drive the demo partner app without Verity:
 * discovery, an authorize endpoint that answers at once with whatever the test queued, a token
 * endpoint that checks client authentication (Basic or a private_key_jwt assertion), the
 * redirect URI and PKCE S256, userinfo and an end-session endpoint that only records. Each
 * request it receives is kept so tests can read what the app sent. Not Verity: the flows against
 * the real provider are end-to-end tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from 'jose';

export interface Answer {
  /** An error instead of a code. */
  readonly error?: string;
  readonly sub?: string;
  readonly idTokenClaims?: Record<string, unknown>;
  readonly userinfo?: Record<string, unknown>;
}

export interface Clients {
  readonly basic: { readonly clientId: string; readonly secret: string };
  readonly privateKeyJwt: { readonly clientId: string; readonly publicJwk: JWK };
}

interface Issued {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly nonce: string;
  readonly answer: Answer;
}

export interface FakeIssuer {
  readonly issuer: string;
  readonly server: Server;
  /** What the next authorization request is answered with (a code for `sub` by default). */
  readonly next: Answer[];
  readonly authorizeRequests: URLSearchParams[];
  readonly tokenRequests: { form: URLSearchParams; authorization?: string; refused?: string }[];
  readonly endSessionRequests: URLSearchParams[];
  close(): Promise<void>;
}

const base64url = (data: Buffer) => data.toString('base64url');

export async function startFakeIssuer(clients: Clients, port = 0): Promise<FakeIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const signingJwk = { ...(await exportJWK(publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
  const clientKey = await importJWK(clients.privateKeyJwt.publicJwk, 'RS256');
  const codes = new Map<string, Issued>();
  const tokens = new Map<string, Issued & { sub: string }>();
  const state: Omit<FakeIssuer, 'issuer' | 'server' | 'close'> = {
    next: [],
    authorizeRequests: [],
    tokenRequests: [],
    endSessionRequests: [],
  };
  let issuer = '';

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        userinfo_endpoint: `${issuer}/userinfo`,
        jwks_uri: `${issuer}/jwks`,
        end_session_endpoint: `${issuer}/end-session`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
        subject_types_supported: ['public'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [signingJwk] });
    if (url.pathname === '/authorize') {
      state.authorizeRequests.push(url.searchParams);
      const answer = state.next.shift() ?? { sub: 'subject-1' };
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      if (answer.error) {
        back.searchParams.set('error', answer.error);
      } else {
        const code = base64url(randomBytes(16));
        codes.set(code, {
          clientId: url.searchParams.get('client_id') ?? '',
          redirectUri: url.searchParams.get('redirect_uri') ?? '',
          challenge: url.searchParams.get('code_challenge') ?? '',
          nonce: url.searchParams.get('nonce') ?? '',
          answer,
        });
        back.searchParams.set('code', code);
      }
      response.writeHead(303, { Location: back.href });
      return response.end();
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const record: FakeIssuer['tokenRequests'][number] = {
        form,
        authorization: request.headers.authorization,
      };
      state.tokenRequests.push(record);
      const refuse = (why: string) => {
        record.refused = why;
        json(400, { error: 'invalid_grant', error_description: why });
      };
      const issued = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!issued) return refuse('unknown code');
      let clientId: string | undefined;
      const basic = request.headers.authorization?.match(/^Basic (.+)$/)?.[1];
      if (basic) {
        const [id, secret] = Buffer.from(basic, 'base64')
          .toString('utf8')
          .split(':')
          .map((s) => decodeURIComponent(s.replaceAll('+', ' '))); // RFC 6749 2.3.1: form-encoded
        if (id === clients.basic.clientId && secret === clients.basic.secret) clientId = id;
      } else if (
        form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
      ) {
        const { payload } = await jwtVerify(form.get('client_assertion') ?? '', clientKey).catch(() => ({
          payload: undefined,
        }));
        const id = clients.privateKeyJwt.clientId;
        if (payload?.iss === id && payload.sub === id) clientId = id;
      }
      if (!clientId || clientId !== issued.clientId) return refuse('client authentication failed');
      if (form.get('redirect_uri') !== issued.redirectUri) return refuse('redirect_uri differs');
      const verifier = form.get('code_verifier') ?? '';
      if (base64url(createHash('sha256').update(verifier).digest()) !== issued.challenge) {
        return refuse('PKCE verifier does not match');
      }
      const sub = issued.answer.sub ?? 'subject-1';
      const accessToken = base64url(randomBytes(16));
      tokens.set(accessToken, { ...issued, sub });
      const idToken = await new SignJWT({ nonce: issued.nonce, ...issued.answer.idTokenClaims })
        .setProtectedHeader({ alg: 'RS256', kid: 'fake-1' })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      return json(200, {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: 300,
        id_token: idToken,
      });
    }
    if (url.pathname === '/userinfo') {
      const token = tokens.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
      if (!token) return json(401, { error: 'invalid_token' });
      return json(200, { sub: token.sub, ...token.answer.userinfo });
    }
    if (url.pathname === '/end-session') {
      state.endSessionRequests.push(url.searchParams);
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      return response.end('signed out');
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  issuer = `http://localhost:${typeof address === 'object' && address ? address.port : port}`;
  return {
    ...state,
    issuer,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
