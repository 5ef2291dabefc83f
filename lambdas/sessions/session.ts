/**
 * Member sessions (NIST SP 800-63B 7): an opaque 256-bit secret in a `__Host-` cookie, stored
 * only as its hash; 30 minutes idle and 12 hours absolute; a new secret at every sign-in.
 * The cookie also names the account, so finding a session is one key lookup and ending every
 * session of an account is one query.
 */

import { isWellFormedSecret, newSecret, secretHash } from '../accounts/tokens.ts';
import type { SessionItem } from '../store/items.ts';

export const SESSION_COOKIE = 'verity-session';
export const IDLE_MINUTES = 30;
export const ABSOLUTE_HOURS = 12;
/** Password, emails and deletion want a sign-in this recent. */
export const RECENT_SIGN_IN_MINUTES = 20;
/** Extending the idle timer costs a write; once a minute is often enough. */
const TOUCH_AFTER_SECONDS = 60;

const minutes = (n: number) => n * 60_000;

export function newSession(
  accountId: string,
  now: Date,
  device: string,
  assurance: Pick<SessionItem, 'aal' | 'pendingMfa' | 'viaRememberedBrowser'>,
): { cookie: string; item: SessionItem } {
  const secret = newSecret();
  const at = now.toISOString();
  return {
    cookie: `${accountId}.${secret}`,
    item: {
      accountId,
      keyHash: secretHash(secret),
      createdAt: at,
      lastSeenAt: at,
      signedInAt: at,
      expiresAt: expiryOf(now, now),
      device,
      ...assurance,
    },
  };
}

/**
 * The session after a raise (the second step passed, the password entered again): a new secret,
 * so a cookie issued before the raise (perhaps seen by someone else) never carries the raised
 * assurance; the absolute limit still counts from the first sign-in.
 */
export function rotatedSession(
  session: SessionItem,
  now: Date,
  assurance: Pick<SessionItem, 'aal' | 'pendingMfa' | 'secondFactor'>,
  signedInAt = session.signedInAt,
): { cookie: string; item: SessionItem } {
  const secret = newSecret();
  const { pendingMfa: _pending, viaRememberedBrowser: _remembered, secondFactor: _used, ...rest } = session;
  return {
    cookie: `${session.accountId}.${secret}`,
    item: {
      ...rest,
      keyHash: secretHash(secret),
      lastSeenAt: now.toISOString(),
      signedInAt,
      expiresAt: expiryOf(new Date(session.createdAt), now),
      ...assurance,
    },
  };
}

/** The earlier of the idle and the absolute limit, in epoch seconds. */
export function expiryOf(createdAt: Date, lastSeenAt: Date): number {
  const idle = lastSeenAt.getTime() + minutes(IDLE_MINUTES);
  const absolute = createdAt.getTime() + ABSOLUTE_HOURS * 3_600_000;
  return Math.floor(Math.min(idle, absolute) / 1000);
}

export function parseSessionCookie(
  value: string | undefined,
): { accountId: string; keyHash: string } | undefined {
  if (!value) return undefined;
  const dot = value.indexOf('.');
  const accountId = value.slice(0, dot);
  const secret = value.slice(dot + 1);
  if (dot < 1 || !/^[\w-]{22}$/.test(accountId) || !isWellFormedSecret(secret)) return undefined;
  return { accountId, keyHash: secretHash(secret) };
}

/** The idle timer is extended at most once a minute. */
export function renewal(
  session: SessionItem,
  now: Date,
): Pick<SessionItem, 'lastSeenAt' | 'expiresAt'> | undefined {
  if (now.getTime() - Date.parse(session.lastSeenAt) < TOUCH_AFTER_SECONDS * 1000) return undefined;
  return { lastSeenAt: now.toISOString(), expiresAt: expiryOf(new Date(session.createdAt), now) };
}

/** Both steps of sign-in, done by the member in the last 20 minutes (a remembered browser is not). */
export const signedInRecently = (session: SessionItem, now: Date): boolean =>
  !session.viaRememberedBrowser &&
  now.getTime() - Date.parse(session.signedInAt) <= minutes(RECENT_SIGN_IN_MINUTES);

/** Signed in with the password right after sign-up, with no sign-in method yet: setting up the first. */
export const settingUpFirstMethod = (session: Pick<SessionItem, 'aal' | 'pendingMfa'>): boolean =>
  session.aal !== 2 && session.pendingMfa === 'setup';
