/**
 * The protocol endpoints (discovery, JWKS, authorization, token, userinfo, revocation,
 * introspection, logout, PAR): oidc-provider's Koa app, run through serverless-http. Before the
 * library sees a request, three things are made true of it:
 * - a `client_secret_basic` secret is replaced by its keyed hash, which is all Verity stores;
 * - its time is the gateway's (the adapter's expiry checks read it), which tests can move;
 * - an authorization or logout request POSTed as a form is handed over as the same request over
 *   GET: the library serves those POSTs only with SameSite=None cookies, which Verity does not use
 *   (a cross-site POST carries no Lax cookie either way; the interaction page, reached by a
 *   top-level GET, sees the member's session).
 */
import type { Context } from 'aws-lambda';
import serverless from 'serverless-http';
import type { Pepper } from '../../core/ports.ts';
import { payloadTooLarge } from '../../http/errors.ts';
import type { HttpEvent } from '../../http/handler.ts';
import type { HttpResult } from '../../http/respond.ts';
import { clientSecretHash } from '../../partners/client-secret.ts';
import { requestClock } from '../../store/oidc-models.ts';
import { issuerOf, providerFor } from './provider.ts';

/** Endpoints where a client authenticates. */
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/revocation', '/token/introspection', '/request']);

const apps = new WeakMap<object, serverless.Handler>();

export async function protocol(
  event: HttpEvent,
  context: Context,
  ports: { pepper: Pepper },
): Promise<HttpResult> {
  const issuer = issuerOf(event.headers ?? {});
  const runtime = await providerFor(issuer);
  let app = apps.get(runtime);
  if (!app) {
    app = serverless(runtime.provider);
    apps.set(runtime, app);
  }
  const request = await withClientSecretHashed(postedFormAsGet(withCookieHeader(event)), ports);
  const run = app;
  const answer = await requestClock.run(event.requestContext.timeEpoch ?? Date.now(), () =>
    run(request, context),
  );
  return answer as HttpResult;
}

/** API Gateway's v2 events carry cookies apart from the headers; the library reads the header. */
function withCookieHeader(event: HttpEvent): HttpEvent {
  if (!event.cookies?.length) return event;
  return { ...event, headers: { ...event.headers, cookie: event.cookies.join('; ') } };
}

/** Endpoints that take their parameters over GET or as a POSTed form. */
const GET_OR_FORM_PATHS = new Set(['/authorize', '/logout']);

/** As much as a browser puts in an address: a form beyond it is not an authorization request. */
const MAX_FORM_BYTES = 16 * 1024;

function postedFormAsGet(event: HttpEvent): HttpEvent {
  if (event.requestContext.http.method !== 'POST' || !GET_OR_FORM_PATHS.has(event.rawPath)) return event;
  const type = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const body = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8')
    : '';
  if (body.length > MAX_FORM_BYTES) throw payloadTooLarge(MAX_FORM_BYTES);
  const form = type === 'application/x-www-form-urlencoded' ? body : '';
  const query = [event.rawQueryString, form].filter(Boolean).join('&');
  const { 'content-type': _type, 'content-length': _length, ...headers } = event.headers;
  return {
    ...event,
    headers,
    rawQueryString: query,
    body: undefined,
    isBase64Encoded: false,
    routeKey: `GET ${event.rawPath}`,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method: 'GET' } },
  };
}

/**
 * `Authorization: Basic id:secret` becomes `id:hash(secret)`: the provider compares that with the
 * client's registered `client_secret`, which is the hash. A header that is not well-formed Basic
 * goes on untouched, for the provider to refuse with `invalid_client`.
 */
async function withClientSecretHashed(event: HttpEvent, ports: { pepper: Pepper }): Promise<HttpEvent> {
  const header = event.headers.authorization;
  if (!CLIENT_AUTH_PATHS.has(event.rawPath) || !header?.startsWith('Basic ')) return event;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1 || decoded.length > 1024) return event;
  let secret: string;
  try {
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } catch {
    return event;
  }
  const hashed = `${decoded.slice(0, colon)}:${encodeURIComponent(await clientSecretHash(secret, ports))}`;
  return {
    ...event,
    headers: { ...event.headers, authorization: `Basic ${Buffer.from(hashed).toString('base64')}` },
  };
}
