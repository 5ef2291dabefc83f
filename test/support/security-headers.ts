/**
 * The security headers every response of the site carries, handler or gateway alike: each one the
 * handlers' middleware sets (lambdas/http/security-headers.ts), with its value, and no caching.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { securityHeaderValues } from '../../lambdas/http/security-headers.ts';

export function expectSecurityHeaders(
  headers: Headers | IncomingHttpHeaders,
  what: string,
  options: { cacheControl?: string } = {},
): void {
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) : ((headers[name] as string | undefined) ?? null);
  // The ones that matter most, spelled out, then every other the handlers send.
  expect(get('content-security-policy'), `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(get('content-security-policy'), `${what}: CSP`).toContain("default-src 'none'");
  expect(get('strict-transport-security'), `${what}: HSTS`).toMatch(/^max-age=\d{8,}; includeSubDomains/);
  expect(get('x-content-type-options'), what).toBe('nosniff');
  expect(get('x-frame-options'), what).toBe('DENY');
  expect(get('referrer-policy'), what).toBe('no-referrer');
  expect(get('cache-control'), what).toBe(options.cacheControl ?? 'no-store');
  for (const [name, value] of Object.entries(securityHeaderValues())) {
    expect(get(name.toLowerCase()), `${what}: ${name}`).toBe(value);
  }
}
