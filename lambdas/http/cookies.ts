/**
 * Cookies. Every cookie Verity sets is `__Host-` prefixed (no Domain, Path=/, Secure), HttpOnly
 * and SameSite=Lax, so no subdomain or script can read or plant it. Browsers treat
 * http://localhost as a secure context, so the same cookies work on the local gateway.
 */
export const COOKIE_PREFIX = '__Host-';

export interface CookieOptions {
  /** Seconds; omit for a browser-session cookie, 0 to delete. */
  readonly maxAge?: number;
}

export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  if (!/^[\w-]+$/.test(name)) throw new Error(`Invalid cookie name ${name}`);
  if (!/^[\w\-.~]*$/.test(value)) throw new Error('Cookie values must be URL-safe tokens');
  const parts = [`${COOKIE_PREFIX}${name}=${value}`, 'Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  return parts.join('; ');
}

export const deleteCookie = (name: string): string => serializeCookie(name, '', { maxAge: 0 });

/**
 * Reads API Gateway's `cookies` array (payload 2.0). Only `__Host-` cookies count: a cookie
 * without the prefix could have been planted by a sibling domain.
 */
export function readCookies(cookies: readonly string[] | undefined): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const pair of cookies ?? []) {
    for (const piece of pair.split(';')) {
      const eq = piece.indexOf('=');
      if (eq < 0) continue;
      const name = piece.slice(0, eq).trim();
      if (!name.startsWith(COOKIE_PREFIX)) continue;
      const key = name.slice(COOKIE_PREFIX.length);
      if (!(key in jar)) jar[key] = piece.slice(eq + 1).trim();
    }
  }
  return jar;
}
