/**
 * Remember this browser: for 30 days, a password sign-in from this browser skips the second
 * step. The cookie carries the account id and a 256-bit secret; the account keeps only the
 * secret's hash, so "Forget all browsers" (deleting them) revokes every such cookie at once,
 * and a cookie copied to another account's sign-in does nothing.
 */
import { isWellFormedSecret, newSecret, secretHash } from '../accounts/tokens.ts';
import * as store from '../store/mfa.ts';

export const DEVICE_COOKIE = 'verity-device';
export const REMEMBER_DAYS = 30;

/** Remembers this browser; returns the value of its cookie and how long the cookie lives. */
export async function rememberBrowser(
  accountId: string,
  now: Date,
): Promise<{ value: string; maxAgeSeconds: number }> {
  const secret = newSecret();
  const seconds = REMEMBER_DAYS * 24 * 3600;
  await store.rememberDevice(accountId, secretHash(secret), Math.floor(now.getTime() / 1000) + seconds);
  return { value: `${accountId}.${secret}`, maxAgeSeconds: seconds };
}

export async function isRememberedBrowser(
  cookie: string | undefined,
  accountId: string,
  now: Date,
): Promise<boolean> {
  if (!cookie) return false;
  const [owner, secret] = cookie.split('.');
  if (owner !== accountId || !isWellFormedSecret(secret)) return false;
  return store.deviceRemembered(accountId, secretHash(secret), now);
}
