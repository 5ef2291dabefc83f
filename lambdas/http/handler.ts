/**
 * The middy pipeline every handler runs in. A handler file says which manifest entry it is and
 * what body it takes, and gets a parsed, checked request:
 *
 *   export const handler = httpHandler('pages', {}, (request) => html(homePage()));
 *
 * Steps, in order: read cookies -> mint or reuse the CSRF cookie (its form token bound to the
 * session cookie) -> parse and validate the body (the token travels in it) -> check the CSRF
 * token on state-changing forms -> check workforce groups (a bearer token's claims, or the agent
 * console's workforce session cookie: workforce-pages.ts) -> check the member level the route
 * table asks for and load the session (lambdas/http/access.ts) -> run the handler.
 * Around them: request logging, error-to-response mapping (domain problems through the one table
 * in problems.ts), security headers, no-store caching.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import {
  type Access,
  type Audience,
  defaultRoute,
  type HandlerName,
  handlers,
  routeKey,
  routes,
} from '../../lib/routes.ts';
import { DomainError } from '../core/problems.ts';
import { errorPage } from '../pages/error.tsx';
import type { SessionItem } from '../store/items.ts';
import type { AccessRequest, MemberAccess } from './access.ts';
import { type BodySpec, parseBody } from './body.ts';
import { readCookies } from './cookies.ts';
import { assertCsrf, CSRF_COOKIE, CSRF_FIELD, csrfState } from './csrf.ts';
import { HttpError, internalError } from './errors.ts';
import { describeError, logger } from './logger.ts';
import { answerTo } from './problems.ts';
import { type HttpResult, html, json, redirect } from './respond.ts';
import { securityHeaders } from './security-headers.ts';
import { requireWorkforce, type WorkforceUser } from './workforce.ts';
import type { WorkforcePagesAccess } from './workforce-pages.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface HttpRequest<B> {
  readonly event: HttpEvent;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly cookies: Record<string, string>;
  readonly body: B;
  /** Render into every form as the hidden `_csrf` field. */
  readonly csrfToken: string;
  readonly workforce: WorkforceUser | undefined;
  /** The member's session, for routes with member access (lib/routes.ts); checked by the pipeline. */
  readonly session: SessionItem | undefined;
}

export interface HandlerOptions<B> {
  /** Required for handlers that take a body; requests without one get a 4xx. */
  readonly body?: BodySpec<B>;
  /**
   * For handlers that change nothing whatever the method (the catch-all 404): the body is not
   * read and no CSRF token is asked for, so a stray POST gets its 404 rather than a 403.
   */
  readonly ignoresBody?: boolean;
  /**
   * How this Lambda enforces member access (lambdas/http/access.ts). Required of every Lambda
   * that serves a member route; the others never load the session store.
   */
  readonly memberAccess?: MemberAccess;
  /**
   * How this Lambda checks the workforce session cookie of `workforce-pages` routes
   * (lambdas/http/workforce-pages.ts). Required of every Lambda that serves one; the others never
   * load the token verifier.
   */
  readonly workforcePages?: WorkforcePagesAccess;
  /**
   * Who reads this request's answers, where it depends on the request (the catch-all answers for
   * whatever routes share the path); the manifest's audience of the handler otherwise.
   */
  readonly audience?: (event: HttpEvent) => Audience;
}

export function httpHandler<B = undefined>(
  name: HandlerName,
  options: HandlerOptions<B>,
  handle: (request: HttpRequest<B>) => HttpResult | Promise<HttpResult>,
) {
  const audienceOf = options.audience ?? (() => handlers[name].audience);
  if (!options.memberAccess && routes.some((r) => r.handler === name && r.access.kind === 'member')) {
    throw new Error(`${name} serves member routes: give it memberAccess (lambdas/http/access.ts)`);
  }
  if (
    !options.workforcePages &&
    routes.some((r) => r.handler === name && r.access.kind === 'workforce-pages')
  ) {
    throw new Error(
      `${name} serves workforce pages: give it workforcePages (lambdas/http/workforce-pages.ts)`,
    );
  }
  const base = async (event: HttpEvent): Promise<HttpResult> => {
    const audience = audienceOf(event);
    const method = event.requestContext.http.method.toUpperCase();
    const headers = event.headers ?? {};
    const cookies = readCookies(event.cookies);
    const csrf = csrfState(cookies);
    const body = options.ignoresBody ? (undefined as B) : readBodyFor(event, method, options.body);
    if (audience === 'people' && !options.ignoresBody) {
      assertCsrf({
        method,
        headers,
        cookies,
        submittedToken: (body as Record<string, unknown>)?.[CSRF_FIELD],
      });
    }
    const access = accessOf(event.routeKey);
    const workforce =
      access.kind === 'workforce-pages'
        ? await workforcePagesFor(access.groups, options.workforcePages, event.cookies)
        : requireWorkforce(access, event.requestContext.authorizer?.jwt?.claims);
    const session = await sessionFor(access, options.memberAccess, {
      method,
      path: event.rawPath,
      cookies,
      query: event.queryStringParameters ?? {},
      body,
      timeEpoch: event.requestContext.timeEpoch,
    });
    const result = await handle({
      event,
      method,
      path: event.rawPath,
      headers,
      cookies,
      body,
      csrfToken: csrf.token,
      workforce,
      session,
    });
    const setsCsrf = result.cookies?.some((c) => c.startsWith(`__Host-${CSRF_COOKIE}=`));
    if (csrf.setCookie && audience === 'people' && !setsCsrf)
      result.cookies = [...(result.cookies ?? []), csrf.setCookie];
    return result;
  };
  return middy<HttpEvent, HttpResult, Error, Context>(base)
    .use(requestLog(name))
    .use(securityHeaders())
    .use(cacheDefaults())
    .use(errorResponses(audienceOf));
}

/**
 * A handler that speaks a protocol library's own HTTP (the OpenID provider): the library answers
 * every request, errors included; the pipeline adds the request log, the security headers and
 * the cache default, and answers a crash with JSON that reveals nothing.
 */
export function protocolHandler(
  name: HandlerName,
  handle: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  /** Who reads the answers of a request: people where a browser sent it (an authorization request). */
  audience: (event: HttpEvent) => Audience = () => 'partners',
) {
  return middy<HttpEvent, HttpResult, Error, Context>(handle)
    .use(requestLog(name))
    .use(securityHeaders())
    .use(cacheDefaults())
    .use(errorResponses(audience));
}

/** Reads and deletes take no body; other writes take the body the handler declared, or none. */
function readBodyFor<B>(event: HttpEvent, method: string, spec: BodySpec<B> | undefined): B {
  const bodiless = method === 'GET' || method === 'HEAD' || method === 'DELETE';
  if (spec && !bodiless) return parseBody(event, spec);
  if (event.body) throw new HttpError(400, 'invalid_request', 'This address does not take a request body.');
  return undefined as B;
}

async function sessionFor(
  access: Access,
  memberAccess: MemberAccess | undefined,
  request: AccessRequest,
): Promise<SessionItem | undefined> {
  if (access.kind !== 'member') return undefined;
  if (!memberAccess) throw new Error('a member route is served by a handler without memberAccess');
  return memberAccess(access.level, request);
}

function workforcePagesFor(
  groups: Parameters<WorkforcePagesAccess>[0],
  check: WorkforcePagesAccess | undefined,
  cookies: readonly string[] | undefined,
): Promise<WorkforceUser> {
  if (!check) throw new Error('a workforce page is served by a handler without workforcePages');
  return check(groups, cookies);
}

/** The session of a member route (the pipeline has checked it); a programming error elsewhere. */
export function memberOf(request: Pick<HttpRequest<unknown>, 'session'>): SessionItem {
  if (!request.session) throw new Error('memberOf on a route without member access');
  return request.session;
}

/** Built once per container: every request asks it. */
const accessByRouteKey = new Map(routes.map((route) => [routeKey(route), route.access]));

const accessOf = (key: string): Access => accessByRouteKey.get(key) ?? defaultRoute.access;

/** One line per request: route key (a template, never the raw path), status, latency. */
function requestLog(name: HandlerName): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  // Keyed by event: the local gateway runs concurrent requests through one module instance.
  const started = new WeakMap<HttpEvent, number>();
  const write = (request: {
    event: HttpEvent;
    response: HttpResult | null | undefined;
    context: Context;
  }) => {
    logger.info('request', {
      handler: name,
      route: request.event.routeKey,
      requestId: request.event.requestContext?.requestId,
      status: request.response?.statusCode,
      latencyMs: Math.round(performance.now() - (started.get(request.event) ?? performance.now())),
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
      logger.addContext(request.context);
    },
    after: write,
    onError: write,
  };
}

/** Everything dynamic is personal or may become so: no shared cache may keep it. */
function cacheDefaults(): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const apply = (request: { response: HttpResult | null | undefined }) => {
    const response = request.response;
    if (!response) return;
    response.headers ??= {};
    if (!Object.keys(response.headers).some((h) => h.toLowerCase() === 'cache-control')) {
      response.headers['Cache-Control'] = 'no-store';
    }
  };
  return { after: apply, onError: apply };
}

/** Maps errors to a page for people or JSON for partners; unknown errors reveal nothing. */
function errorResponses(
  audienceOf: (event: HttpEvent) => Audience,
): MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: (request) => {
      const known = asHttpError(request.error);
      if (!known) logger.error('unhandled error', describeError(request.error));
      const error = known ?? internalError();
      if (error.status >= 300 && error.status < 400) {
        request.response = redirect(error.headers.Location ?? '/');
        return;
      }
      request.response = wantsPage(request.event, audienceOf(request.event))
        ? html(errorPage(error.status, error.publicMessage), error.status, error.headers)
        : json(
            {
              error: error.code,
              error_description: error.publicMessage,
              ...(error.details ? { details: error.details } : {}),
              ...(error.fields ? { fields: error.fields } : {}),
            },
            error.status,
            error.headers,
          );
    },
  };
}

/** An HttpError, or a domain problem as the one table answers it; anything else is unknown. */
export function asHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof DomainError) {
    const answer = answerTo(error.problem);
    return new HttpError(answer.status, answer.code, answer.message, {}, undefined, answer.fields);
  }
  return undefined;
}

/** People get pages unless their client asks only for JSON; partners always get JSON. */
export function wantsPage(event: HttpEvent, audience: Audience): boolean {
  if (audience === 'partners') return false;
  const accept = event.headers?.accept ?? '';
  return !(accept.includes('application/json') && !accept.includes('text/html'));
}

/** A handler that serves several routes: one function per route key of the manifest. */
export function routedHandler<B>(
  name: HandlerName,
  options: HandlerOptions<B>,
  routesByKey: Record<string, (request: HttpRequest<B>) => Promise<HttpResult>>,
) {
  return httpHandler(name, options, (request) => {
    const route = routesByKey[request.event.routeKey];
    if (!route) throw new Error(`${name} has no route ${request.event.routeKey}`);
    return route(request);
  });
}
