/**
 * Workforce access in the browser (`workforce-pages` routes: the agent console). A browser sends
 * no bearer token, so these routes have no authorizer at the gateway (API Gateway's JWT
 * authorizer reads only a header); the pipeline checks the workforce session cookie instead:
 * the ID token the hosted workforce sign-in pages (lambdas/agents/sign-in.ts) put there,
 * verified against the pool's keys (signature, issuer, our app client as audience, an ID token,
 * not expired), and the route's group from its `cognito:groups`.
 *
 * The cookie is `__Secure-` (sent only over HTTPS; browsers count http://localhost as secure),
 * HttpOnly, SameSite=Strict and limited to /agent: member pages never see it. It cannot be a
 * `__Host-` cookie, which must have Path=/; the pipeline reads only `__Host-` cookies, so this
 * module reads its one cookie from the raw Cookie header itself.
 *
 * Only the Lambdas that serve such routes import this module (the agents handler gives it to the
 * pipeline as `workforcePages`), so no other bundle carries the verifier.
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { WORKFORCE_CLIENT_VARIABLE, WORKFORCE_ISSUER_VARIABLE } from '../../lib/environment.ts';
import type { WorkforceGroup } from '../../lib/routes.ts';
import { parseGroupsClaim } from '../../lib/workforce.ts';
import { forbidden, seeOther } from './errors.ts';
import type { WorkforceUser } from './workforce.ts';

export const AGENT_COOKIE = '__Secure-verity-agent';
export const AGENT_COOKIE_PATH = '/agent';
export const AGENT_SIGN_IN = '/agent/sign-in';

/** The workforce session cookie: the ID token, for no longer than the token itself lives. */
export function agentCookie(idToken: string, maxAgeSeconds: number): string {
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(idToken)) throw new Error('not a JWT');
  return [
    `${AGENT_COOKIE}=${idToken}`,
    `Path=${AGENT_COOKIE_PATH}`,
    'Secure',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
  ].join('; ');
}

export const agentCookieCleared = (): string =>
  `${AGENT_COOKIE}=; Path=${AGENT_COOKIE_PATH}; Secure; HttpOnly; SameSite=Strict; Max-Age=0`;

/** The ID token in the workforce session cookie, from API Gateway's `cookies` array. */
export function agentTokenOf(cookies: readonly string[] | undefined): string | undefined {
  for (const pair of cookies ?? []) {
    for (const piece of pair.split(';')) {
      const eq = piece.indexOf('=');
      if (eq < 0 || piece.slice(0, eq).trim() !== AGENT_COOKIE) continue;
      const value = piece.slice(eq + 1).trim();
      return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export type WorkforcePagesAccess = (
  groups: readonly WorkforceGroup[],
  cookies: readonly string[] | undefined,
) => Promise<WorkforceUser>;

type Verifier = { verify(token: string): Promise<Record<string, unknown>> };
let verifier: Promise<Verifier> | undefined;

/**
 * The ID token verifier, made at first use. aws-jwt-verify's CognitoJwtVerifier derives the
 * issuer from a `<region>_<id>` pool id as `https://cognito-idp.<region>.amazonaws.com/<id>`;
 * cognito-local's issuer is its own URL and its pool ids have another shape, so this is its
 * generic JwtVerifier with the same checks CognitoJwtVerifier makes for `tokenUse: 'id'`: the
 * issuer, our app client as `aud`, `token_use` "id", the signature and expiry. cognito-local
 * serves its JWKS over plain http, which aws-jwt-verify will not fetch: that one is fetched here
 * and handed over, as the local gateway does for bearer tokens.
 */
function idTokenVerifier(): Promise<Verifier> {
  verifier ??= (async () => {
    const issuer = process.env[WORKFORCE_ISSUER_VARIABLE];
    const clientId = process.env[WORKFORCE_CLIENT_VARIABLE];
    if (!issuer || !clientId) throw new Error('the workforce pool is not configured');
    const jwksUri = `${issuer}/.well-known/jwks.json`;
    const jwt = JwtVerifier.create({
      issuer,
      audience: clientId,
      jwksUri,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') throw new Error('not an ID token');
      },
    });
    if (jwksUri.startsWith('http:')) jwt.cacheJwks(await (await fetch(jwksUri)).json());
    return { verify: (token: string) => jwt.verify(token) as Promise<Record<string, unknown>> };
  })().catch((error: unknown) => {
    verifier = undefined;
    throw error;
  });
  return verifier;
}

/** The claims of a valid workforce ID token; undefined for anything else. */
export async function verifiedIdToken(token: string): Promise<Record<string, unknown> | undefined> {
  const verify = await idTokenVerifier();
  try {
    return await verify.verify(token);
  } catch {
    return undefined;
  }
}

/**
 * No cookie, or one that is not a valid token (expired, forged, of another pool): to the
 * workforce sign-in page. A valid token of someone outside the route's groups: 403.
 */
export const workforcePagesAccess: WorkforcePagesAccess = async (groups, cookies) => {
  const token = agentTokenOf(cookies);
  const claims = token ? await verifiedIdToken(token) : undefined;
  if (!claims) throw seeOther(AGENT_SIGN_IN);
  const theirs = parseGroupsClaim(claims['cognito:groups']);
  if (!groups.some((g) => theirs.includes(g))) {
    throw forbidden('Your workforce account is not in a group that may use the agent console.');
  }
  return {
    username: String(claims['cognito:username'] ?? claims.sub ?? ''),
    groups: theirs,
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
  };
};
