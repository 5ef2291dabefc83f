/**
 * CSRF protection for every state-changing form: a random value in a `__Host-` cookie (a sibling
 * domain cannot plant it), and in each form a token that is the HMAC of that value keyed with the
 * member's session cookie, so a token works only with the session it was rendered for (an
 * anonymous page's token stops working at sign-in, one session's token never works in another);
 * plus Fetch Metadata: a browser that says the request is cross-site is refused outright.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SESSION_COOKIE } from '../sessions/session.ts';
import { serializeCookie } from './cookies.ts';
import { forbidden } from './errors.ts';

export const CSRF_COOKIE = 'verity-csrf';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfState {
  /** The token to render into forms: bound to the cookie's value and to the session. */
  readonly token: string;
  /** A Set-Cookie to send when the cookie's value is new. */
  readonly setCookie?: string;
}

const isCookieValue = (value: string | undefined): value is string =>
  value !== undefined && /^[\w-]{43}$/.test(value);

/** The form token of a cookie value for the session cookie the browser sends (or none). */
export const formToken = (cookieValue: string, sessionCookie: string | undefined): string =>
  createHmac('sha256', `verity/csrf/v2:${sessionCookie ?? ''}`)
    .update(cookieValue)
    .digest('base64url');

/** Reuses the browser's cookie or mints one; the cookie lives as long as the browser session. */
export function csrfState(cookies: Record<string, string>): CsrfState {
  const existing = cookies[CSRF_COOKIE];
  if (isCookieValue(existing)) return { token: formToken(existing, cookies[SESSION_COOKIE]) };
  const value = randomBytes(32).toString('base64url');
  return {
    token: formToken(value, cookies[SESSION_COOKIE]),
    setCookie: serializeCookie(CSRF_COOKIE, value),
  };
}

export interface CsrfCheckInput {
  readonly method: string;
  readonly headers: Record<string, string | undefined>;
  readonly cookies: Record<string, string>;
  readonly submittedToken: unknown;
}

const expired = () =>
  forbidden('This form expired or was sent from another site. Go back, reload the page and try again.');

export function assertCsrf({ method, headers, cookies, submittedToken }: CsrfCheckInput): void {
  if (SAFE_METHODS.has(method)) return;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw expired();
  const cookie = cookies[CSRF_COOKIE];
  if (typeof submittedToken !== 'string' || !isCookieValue(cookie)) throw expired();
  const a = Buffer.from(submittedToken);
  const b = Buffer.from(formToken(cookie, cookies[SESSION_COOKIE]));
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw expired();
}
