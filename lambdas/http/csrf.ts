/**
 * CSRF protection for every state-changing form: a signed-less double-submit token in a
 * `__Host-` cookie (a sibling domain cannot plant it) that each form echoes in a hidden field,
 * plus Fetch Metadata: a browser that says the request is cross-site is refused outright.
 * When member sessions exist, the token is additionally bound to the session (see docs/decisions.md).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { serializeCookie } from './cookies.ts';
import { forbidden } from './errors.ts';

export const CSRF_COOKIE = 'verity-csrf';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfState {
  /** The token to render into forms. */
  readonly token: string;
  /** A Set-Cookie to send when the token is new. */
  readonly setCookie?: string;
}

/** Reuses the browser's token or mints one; the cookie lives as long as the browser session. */
export function csrfState(cookies: Record<string, string>): CsrfState {
  const existing = cookies[CSRF_COOKIE];
  if (existing && /^[\w-]{43}$/.test(existing)) return { token: existing };
  const token = randomBytes(32).toString('base64url');
  return { token, setCookie: serializeCookie(CSRF_COOKIE, token) };
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
  if (typeof submittedToken !== 'string' || !cookie) throw expired();
  const a = Buffer.from(submittedToken);
  const b = Buffer.from(cookie);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw expired();
}
