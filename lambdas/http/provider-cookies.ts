/**
 * The OpenID provider's session cookie, as Verity's own Sign out sees it. oidc-provider names and
 * signs it itself (lambdas/oidc/configuration.ts); Sign out only needs its value, the provider's
 * session id, to end that session, and to expire the cookie and its signature.
 */
import { PROVIDER_COOKIES } from '../oidc/cookie-names.ts';

const PROVIDER_SESSION_COOKIE = PROVIDER_COOKIES.session;

export function providerSessionOf(cookies: readonly string[] | undefined): string | undefined {
  for (const pair of cookies ?? []) {
    for (const piece of pair.split(';')) {
      const [name, value] = piece.trim().split('=', 2);
      if (name === PROVIDER_SESSION_COOKIE && value && /^[\w-]{1,64}$/.test(value)) return value;
    }
  }
  return undefined;
}

export const providerSessionCookiesCleared = (): string[] =>
  [PROVIDER_SESSION_COOKIE, `${PROVIDER_SESSION_COOKIE}.sig`].map(
    (name) => `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`,
  );
