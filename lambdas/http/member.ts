/**
 * The member behind a request: the session cookie, looked up, checked for expiry and renewed
 * at most once a minute. Pages that need a member send everyone else to Sign in; sensitive
 * actions send a member whose sign-in is older than 20 minutes to enter the password again.
 */
import { describeDevice, type RequestContext } from '../accounts/context.ts';
import { parseSessionCookie, renewal, SESSION_COOKIE, signedInRecently } from '../sessions/session.ts';
import * as store from '../store/accounts.ts';
import type { SessionItem } from '../store/items.ts';
import { deleteCookie, serializeCookie } from './cookies.ts';
import { CSRF_COOKIE, csrfState } from './csrf.ts';
import { seeOther } from './errors.ts';
import type { HttpRequest } from './handler.ts';

/**
 * When the request arrived: API Gateway stamps it on the event (`requestContext.timeEpoch`), so
 * every step of one request sees the same moment, and the local gateway's test clock reaches the
 * handlers the way the cloud's clock does.
 */
export function requestTime(request: HttpRequest<unknown>): Date {
  return new Date(request.event.requestContext.timeEpoch ?? Date.now());
}

export function requestContext(request: HttpRequest<unknown>, now = requestTime(request)): RequestContext {
  const headers = request.headers;
  const forwardedHost = headers['x-forwarded-host'];
  const siteUrl =
    process.env.VERITY_SITE_URL ??
    `https://${forwardedHost ?? request.event.requestContext.domainName ?? 'localhost'}`;
  return {
    now,
    siteUrl,
    device: describeDevice(headers['user-agent']),
    place: headers['cloudfront-viewer-country'] ?? 'Unknown',
    ip: request.event.requestContext.http.sourceIp ?? 'unknown',
  };
}

export async function memberSession(
  request: HttpRequest<unknown>,
  now = requestTime(request),
): Promise<SessionItem | undefined> {
  const key = parseSessionCookie(request.cookies[SESSION_COOKIE]);
  if (!key) return undefined;
  const session = await store.sessionOf(key.accountId, key.keyHash, now);
  if (!session) return undefined;
  const renewed = renewal(session, now);
  if (renewed) await store.renewSession(session, renewed);
  return { ...session, ...renewed };
}

/** A safe place to come back to after signing in: a path on this site, nothing else. */
export function safeNext(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?!\/)[\w\-/]{0,200}(\?notice=[\w-]{1,40})?$/.test(value)
    ? value
    : undefined;
}

/** A member who passed both steps of sign-in (AAL2); others finish MFA first. */
export async function requireMember(
  request: HttpRequest<unknown>,
  now = requestTime(request),
): Promise<SessionItem> {
  const session = await requireSignedIn(request, now);
  if (session.aal !== 2) {
    throw seeOther(
      session.pendingMfa === 'setup' ? '/mfa/setup' : `/mfa?next=${encodeURIComponent(returnPath(request))}`,
    );
  }
  return session;
}

/** Any session, whatever its assurance: only the MFA pages accept one that is not AAL2. */
export async function requireSignedIn(
  request: HttpRequest<unknown>,
  now = requestTime(request),
): Promise<SessionItem> {
  const session = await memberSession(request, now);
  if (!session) throw seeOther(`/sign-in?next=${encodeURIComponent(returnPath(request))}`);
  return session;
}

/**
 * Password, emails, sign-in methods and deletion: both steps of sign-in within the last 20
 * minutes, else the password and a second factor again.
 */
export async function requireRecentSignIn(
  request: HttpRequest<unknown>,
  now = requestTime(request),
): Promise<SessionItem> {
  const session = await requireMember(request, now);
  if (!signedInRecently(session, now)) {
    throw seeOther(`/reauthenticate?next=${encodeURIComponent(returnPath(request))}`);
  }
  return session;
}

/** Where a detour should come back to: the page itself, or the page a form was posted from. */
function returnPath(request: HttpRequest<unknown>): string {
  const notice = request.event.queryStringParameters?.notice;
  const path =
    request.method === 'GET'
      ? `${request.path}${notice ? `?notice=${notice}` : ''}`
      : (accountPageFor(request.path) ?? '/account');
  return safeNext(path) ?? '/account';
}

const accountPageFor = (path: string) =>
  path.startsWith('/account/') || path.startsWith('/mfa/') ? '/account' : undefined;

/** Cookies for a fresh sign-in: the session, and a new CSRF token (no token outlives a sign-in). */
export function signedInCookies(sessionCookie: string): string[] {
  const csrf = csrfState({});
  return [serializeCookie(SESSION_COOKIE, sessionCookie), csrf.setCookie as string];
}

export function signedOutCookies(): string[] {
  return [deleteCookie(SESSION_COOKIE), deleteCookie(CSRF_COOKIE)];
}
