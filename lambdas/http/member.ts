/**
 * The member behind a request: the request's time and context, the session cookie looked up,
 * checked for expiry and renewed at most once a minute, and the cookies of signing in and out.
 * Which routes need which session is lib/routes.ts's to say and access.ts's to enforce.
 */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describeDevice, type RequestContext } from '../accounts/context.ts';
import { parseSessionCookie, renewal, SESSION_COOKIE } from '../sessions/session.ts';
import type { SessionItem } from '../store/items.ts';
import * as store from '../store/sessions.ts';
import { deleteCookie, serializeCookie } from './cookies.ts';
import { CSRF_COOKIE, csrfState } from './csrf.ts';

/** When the request arrived: the gateway's clock (API Gateway's `timeEpoch`), so time is one fact per request. */
/** What of a request its time and context are read from. */
interface RequestFacts {
  readonly event: Pick<APIGatewayProxyEventV2, 'requestContext'>;
  readonly headers: Record<string, string | undefined>;
}

export const requestTime = (request: Pick<RequestFacts, 'event'>): Date =>
  new Date(request.event.requestContext.timeEpoch ?? Date.now());

export function requestContext(request: RequestFacts, now = requestTime(request)): RequestContext {
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

/** The session behind the cookie, if it is live; its idle timer is extended at most once a minute. */
export async function memberSession(
  request: { readonly cookies: Record<string, string> },
  now: Date,
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

/** Cookies for a fresh sign-in: the session, and a new CSRF token (no token outlives a sign-in). */
export function signedInCookies(sessionCookie: string): string[] {
  const csrf = csrfState({});
  return [serializeCookie(SESSION_COOKIE, sessionCookie), csrf.setCookie as string];
}

export function signedOutCookies(): string[] {
  return [deleteCookie(SESSION_COOKIE), deleteCookie(CSRF_COOKIE)];
}
