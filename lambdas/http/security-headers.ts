/**
 * Security headers on every response, pages and JSON alike (middy's helmet port, tightened).
 * The CSP allows no inline script or style and no third-party origin: USWDS is served from our
 * own /assets. WebAuthn stays allowed for our own origin because passkeys are an MFA method.
 */
import httpSecurityHeaders from '@middy/http-security-headers';

export const CONTENT_SECURITY_POLICY = {
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
  'base-uri': "'none'",
  'object-src': "'none'",
  'report-uri': '/csp-report',
  // Directives of middy's defaults that we switch off, with why:
  // sandbox would disable forms and scripts on our own pages;
  sandbox: false,
  // Trusted Types would break USWDS's own DOM code (menus, accordions);
  'require-trusted-types-for': false,
  // every deployed URL is HTTPS already (HSTS), and the local gateway is plain http://localhost.
  'upgrade-insecure-requests': false,
  'report-to': false,
} as const;

export const securityHeaders = () =>
  httpSecurityHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY as unknown as Record<string, string>,
    strictTransportSecurity: { maxAge: 2 * 365 * 24 * 60 * 60, includeSubDomains: true, preload: false },
    referrerPolicy: { policy: 'no-referrer' },
    permissionsPolicy: { 'publickey-credentials-get': 'self', 'publickey-credentials-create': 'self' },
    reportTo: false,
    reportingEndpoints: false,
  });

/**
 * The same headers as plain values, for answers written outside a handler (the local gateway's
 * own 4xx and 5xx): taken from the middleware itself, so that the two cannot drift apart.
 */
export function securityHeaderValues(): Record<string, string> {
  const request = { response: { statusCode: 200, headers: {} as Record<string, string> } };
  securityHeaders().after?.(request as never);
  return { ...request.response.headers };
}
