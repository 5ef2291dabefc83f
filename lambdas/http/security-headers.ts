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

/**
 * A page whose forms lead on to a partner's site. A browser holds a form's navigation to the
 * page's form-action through every redirect it follows (Chromium checks each hop), and Allow or
 * Deny in a partner's sign-in, or Sign out of a partner, ends with a redirect to the partner. Such
 * a page names the partner's URLs in this header: the middleware adds their origins to its
 * form-action, and does not send the header.
 */
export const FORM_ACTION_HEADER = 'x-verity-form-action';

/** Lets the forms of this response's page lead to these URLs' origins too (see FORM_ACTION_HEADER). */
export function formsLeadTo<H extends Record<string, unknown>>(headers: H, urls: readonly string[]): H {
  const origins = new Set(urls.flatMap(webOrigin));
  if (origins.size > 0) Object.assign(headers, { [FORM_ACTION_HEADER]: [...origins].join(' ') });
  return headers;
}

/**
 * A page that shows pictures from elsewhere: the agent console's review shows the member's
 * document and selfie through short-lived presigned URLs of the evidence bucket. The page names
 * those URLs in this header; the middleware adds their origins to its img-src, for that page
 * only, and does not send the header.
 */
export const IMG_SRC_HEADER = 'x-verity-img-src';

/** Lets this response's page show images from these URLs' origins too (see IMG_SRC_HEADER). */
export function imagesFrom<H extends Record<string, unknown>>(headers: H, urls: readonly string[]): H {
  const origins = new Set(urls.flatMap(webOrigin));
  if (origins.size > 0) Object.assign(headers, { [IMG_SRC_HEADER]: [...origins].join(' ') });
  return headers;
}

/** The origin of an http(s) URL; nothing for anything else. */
function webOrigin(url: string): string[] {
  try {
    const parsed = new URL(url);
    return ['https:', 'http:'].includes(parsed.protocol) ? [parsed.origin] : [];
  } catch {
    return [];
  }
}

/** Takes the handler's header (FORM_ACTION_HEADER, IMG_SRC_HEADER; any case) out: the origins it names. */
function takeOrigins(headers: Record<string, unknown> | undefined, header: string): string[] {
  if (!headers) return [];
  const origins: string[] = [];
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== header) continue;
    origins.push(...String(headers[name]).split(' ').flatMap(webOrigin));
    delete headers[name];
  }
  return origins;
}

const withOrigins = (policy: string, directive: string, origins: readonly string[]) =>
  origins.length === 0
    ? policy
    : policy.replace(new RegExp(`(^|; )${directive} ([^;]*)`), (_match, start: string, sources: string) =>
        [`${start}${directive}`, sources, ...new Set(origins)].join(' '),
      );

const headerMiddleware = () =>
  httpSecurityHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY as unknown as Record<string, string>,
    strictTransportSecurity: { maxAge: 2 * 365 * 24 * 60 * 60, includeSubDomains: true, preload: false },
    referrerPolicy: { policy: 'no-referrer' },
    permissionsPolicy: { 'publickey-credentials-get': 'self', 'publickey-credentials-create': 'self' },
    reportTo: false,
    reportingEndpoints: false,
  });

type HeadersRequest = { response?: { headers?: Record<string, unknown> } | null };

export const securityHeaders = () => {
  const middleware = headerMiddleware();
  const apply = (step: typeof middleware.after) => (request: HeadersRequest) => {
    const forms = takeOrigins(request.response?.headers ?? undefined, FORM_ACTION_HEADER);
    const images = takeOrigins(request.response?.headers ?? undefined, IMG_SRC_HEADER);
    step?.(request as never);
    const headers = request.response?.headers;
    const policy = headers?.['Content-Security-Policy'];
    if (headers && typeof policy === 'string') {
      headers['Content-Security-Policy'] = withOrigins(
        withOrigins(policy, 'form-action', forms),
        'img-src',
        images,
      );
    }
    // The bucket sends no Cross-Origin-Resource-Policy, so require-corp would block its pictures;
    // credentialless still isolates the page and loads them (presigned URLs need no cookies).
    if (headers && images.length > 0 && headers['Cross-Origin-Embedder-Policy'] === 'require-corp') {
      headers['Cross-Origin-Embedder-Policy'] = 'credentialless';
    }
  };
  return { after: apply(middleware.after), onError: apply(middleware.onError) };
};

/**
 * The same headers as plain values, for answers written outside a handler (the local gateway's
 * own 4xx and 5xx): taken from the middleware itself, so that the two cannot drift apart.
 */
export function securityHeaderValues(): Record<string, string> {
  const request = { response: { statusCode: 200, headers: {} as Record<string, string> } };
  securityHeaders().after?.(request as never);
  return { ...request.response.headers };
}
