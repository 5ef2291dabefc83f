/**
 * The local gateway: what API Gateway (HTTP API, payload 2.0) and CloudFront do in the cloud,
 * done by one Node HTTP server. It serves /assets like CloudFront's S3 behaviour, turns every
 * other request into an API Gateway event, checks workforce tokens like the JWT authorizer,
 * calls the handler module that lib/routes.ts names, and writes the result back.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { JwtVerifier } from 'aws-jwt-verify';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { securityHeaderValues } from '../../lambdas/http/security-headers.ts';
import {
  assetMounts,
  defaultRoute,
  type HandlerName,
  handlers,
  matchRoute,
  type Route,
  routeKey,
} from '../routes.ts';
import { projectRoot } from './config.ts';
import {
  collectMail,
  MAIL_SETTLED_PATH,
  mailSettled,
  sendAfterResponse,
  startLocalMailOutbox,
} from './mail-outbox.ts';
import { readTextOutbox, TEXT_OUTBOX_HEADERS, TEXT_OUTBOX_PATHS, textOutboxPage } from './text-outbox.ts';

/** API Gateway's own limits and answers. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 30_000;

export interface WorkforceTokens {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwksUri: string;
}

export interface GatewayOptions {
  readonly port: number;
  readonly host: string;
  readonly workforce: WorkforceTokens;
  /** The local text outbox file, served at /_local/texts (lib/local/text-outbox.ts). */
  readonly textOutbox?: string;
  /** The time stamped on each event, in ms: the machine's clock unless tests move it (test-clock.ts). */
  readonly clock?: () => number;
}

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export async function startGateway(options: GatewayOptions): Promise<Server> {
  const verifyWorkforceToken = await workforceVerifier(options.workforce);
  startLocalMailOutbox();
  const server = createServer((req, res) => {
    serve(req, res, verifyWorkforceToken, options).catch((error: unknown) => {
      // The gateway itself failed: answer like API Gateway and keep serving.
      process.stderr.write(`gateway: ${(error as Error).name}\n`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => ok());
  });
  return server;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  verify: TokenVerifier,
  { textOutbox, clock = Date.now }: GatewayOptions,
): Promise<void> {
  const url = requestUrl(req.url);
  if (!url) return sendJson(res, 400, { message: 'Bad Request' });
  const method = (req.method ?? 'GET').toUpperCase();
  if (url.pathname.startsWith('/assets/')) return serveAsset(url.pathname, method, res);
  if (textOutbox && isTextOutboxPath(url.pathname))
    return serveTextOutbox(textOutbox, url.pathname, method, res);
  if (url.pathname === MAIL_SETTLED_PATH) return serveMailSettled(method, res);

  const body = await readBody(req);
  if (body === 'too-large') return sendJson(res, 413, { message: 'Request Entity Too Large' });

  const match = matchRoute(method, url.pathname);
  const route = match?.route;
  let claims: Claims | undefined;
  if (route?.access.kind === 'workforce') {
    claims = await verify(req.headers.authorization);
    if (!claims) return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
  }
  const event = toEvent(req, url, body, route, match?.pathParameters, claims, new Date(clock()));
  // Mail leaves after the response, as the cloud's mail queue makes it (lib/local/mail-outbox.ts).
  const { result, mail } = await collectMail(() => invoke(route?.handler ?? defaultRoute.handler, event));
  writeResult(res, result);
  sendAfterResponse(mail);
}

/* ---------------------------------------------------------------- request targets */

const ORIGIN = 'http://gateway.invalid';

/**
 * The URL of a request target, as API Gateway reads it: a target that starts with "/" is a path
 * and a query, even "//[" or "//host:99999/" (which URL parsing alone takes for an authority);
 * an absolute target names its own path. Undefined when there is nothing to make of it.
 */
export function requestUrl(target: string | undefined): URL | undefined {
  const raw = target ?? '/';
  try {
    return raw.startsWith('/') ? new URL(`${ORIGIN}${raw}`) : new URL(raw, ORIGIN);
  } catch {
    return undefined;
  }
}

/* ---------------------------------------------------------------- events */

type Claims = Record<string, string>;

function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: Route | undefined,
  pathParameters: Record<string, string> | undefined,
  claims: Claims | undefined,
  now: Date,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const requestId = randomUUID();
  const key = route ? routeKey(route) : '$default';
  const textual = isTextual(headers['content-type']);
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(pathParameters && Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] as string,
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: claims
        ? { principalId: '', integrationLatency: 0, jwt: { claims, scopes: scopesOf(claims) } }
        : undefined,
    } as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
    ...(body.length > 0
      ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };
}

/** Like API Gateway: text and JSON bodies arrive as they are, everything else (forms too) as base64. */
function isTextual(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type.startsWith('text/') ||
    /^application\/([\w.+-]*\+)?json$/.test(type) ||
    type === 'application/csp-report'
  );
}

function scopesOf(claims: Claims): string[] | null {
  return claims.scope ? claims.scope.split(' ') : null;
}

/* ---------------------------------------------------------------- handlers */

const loaded = new Map<HandlerName, Promise<LambdaHandler>>();

function loadHandler(name: HandlerName): Promise<LambdaHandler> {
  let handler = loaded.get(name);
  if (!handler) {
    const file = resolve(projectRoot, handlers[name].entry);
    handler = import(pathToFileURL(file).href).then((module) => module.handler as LambdaHandler);
    loaded.set(name, handler);
  }
  return handler;
}

async function invoke(name: HandlerName, event: APIGatewayProxyEventV2WithJWTAuthorizer) {
  const handler = await loadHandler(name);
  const deadline = Date.now() + INTEGRATION_TIMEOUT_MS;
  const context = {
    awsRequestId: event.requestContext.requestId,
    functionName: `verity-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:verity-local-${name}`,
    memoryLimitInMB: String(handlers[name].memoryMb ?? 512),
    logGroupName: `/aws/lambda/verity-local-${name}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  } satisfies Context;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((ok) => {
    timer = setTimeout(() => ok('timeout'), INTEGRATION_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([handler(event, context), timeout]);
    if (result === 'timeout') return ownAnswer(503, { message: 'Service Unavailable' });
    return normalizeResult(result);
  } catch (error) {
    process.stderr.write(`handler ${name} threw ${(error as Error).name}\n`);
    return ownAnswer(500, { message: 'Internal Server Error' });
  } finally {
    clearTimeout(timer);
  }
}

/** API Gateway's payload 2.0 inference: a result without statusCode is a 200 JSON body. */
function normalizeResult(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result)
    return result as APIGatewayProxyStructuredResultV2;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {}))
    headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/* ---------------------------------------------------------------- bodies */

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    // Read and drop the rest, so the client finishes sending and then reads our 413.
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => ok(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

/* ---------------------------------------------------------------- the gateway's own answers */

/**
 * What every response the gateway writes itself carries (its 400, 401, 413, 500 and 503, assets,
 * the text outbox): the security headers of every handler response, from the same middleware,
 * and, unless the response says otherwise, no caching (as handler responses default to).
 */
export const OWN_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    Object.entries(securityHeaderValues()).map(([name, value]) => [name.toLowerCase(), value]),
  ),
  'cache-control': 'no-store',
};

/** A JSON answer of the gateway itself, like API Gateway's `{"message": ...}`. */
export function ownAnswer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { ...OWN_ANSWER_HEADERS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  writeResult(res, ownAnswer(status, body, headers));
}

/**
 * A request Node cannot parse (a broken request line, headers too large) never reaches serve():
 * answer it on the socket, with the same headers as every other answer of the gateway.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const answer = ownAnswer(status, { message: STATUS_CODES[status] });
  const body = Buffer.from(answer.body ?? '');
  const head = Object.entries({ ...answer.headers, 'content-length': body.length, connection: 'close' })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n`), body]));
}

/* ---------------------------------------------------------------- workforce tokens */

type TokenVerifier = (authorization: string | undefined) => Promise<Claims | undefined>;

/**
 * The JWT authorizer's checks: signature against the pool's JWKS, issuer, expiry, an access
 * token of our app client. cognito-local serves its JWKS over plain http, which aws-jwt-verify
 * will not fetch, so we fetch it once and hand it over.
 */
async function workforceVerifier(workforce: WorkforceTokens): Promise<TokenVerifier> {
  const verifier = JwtVerifier.create({
    issuer: workforce.issuer,
    audience: null,
    jwksUri: workforce.jwksUri,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'access' || payload.client_id !== workforce.clientId) {
        throw new Error('not an access token of the workforce client');
      }
    },
  });
  const jwks = await (await fetch(workforce.jwksUri)).json();
  verifier.cacheJwks(jwks);
  return async (authorization) => {
    const token = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const payload = await verifier.verify(token);
      return stringifyClaims(payload as Record<string, unknown>);
    } catch {
      return undefined;
    }
  };
}

/** API Gateway hands claims over as strings, arrays as "[a b]". */
function stringifyClaims(payload: Record<string, unknown>): Claims {
  const claims: Claims = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? `[${value.join(' ')}]` : String(value);
  }
  return claims;
}

/* ---------------------------------------------------------------- the mail outbox */

/** Answers once the mail of every response written so far is in the SES emulator (for tests). */
async function serveMailSettled(method: string, res: ServerResponse) {
  if (method !== 'GET') {
    sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET' });
    return;
  }
  await mailSettled();
  sendJson(res, 200, { settled: true }, { 'cache-control': 'no-store' });
}

/* ---------------------------------------------------------------- the text outbox */

const isTextOutboxPath = (path: string) => path === TEXT_OUTBOX_PATHS.page || path === TEXT_OUTBOX_PATHS.json;

async function serveTextOutbox(file: string, pathname: string, method: string, res: ServerResponse) {
  if (method !== 'GET' && method !== 'HEAD') {
    sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    return;
  }
  const texts = await readTextOutbox(file);
  const json = pathname === TEXT_OUTBOX_PATHS.json;
  const body = Buffer.from(json ? JSON.stringify({ texts }) : textOutboxPage(texts));
  res.writeHead(200, {
    ...OWN_ANSWER_HEADERS,
    ...TEXT_OUTBOX_HEADERS,
    'content-type': json ? 'application/json' : 'text/html; charset=utf-8',
    'content-length': String(body.length),
  });
  res.end(method === 'HEAD' ? undefined : body);
}

/* ---------------------------------------------------------------- assets */

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
};

function serveAsset(pathname: string, method: string, res: ServerResponse): void {
  if (method !== 'GET' && method !== 'HEAD') {
    sendJson(res, 405, { message: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    return;
  }
  const file = assetFile(pathname);
  const size = file ? fileSize(file) : undefined;
  if (!file || size === undefined) {
    sendJson(res, 404, { message: 'Not Found' });
    return;
  }
  res.writeHead(200, {
    ...OWN_ANSWER_HEADERS,
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
  });
  if (method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

/** Maps a URL to a file inside one of the asset mounts, never outside them. */
export function assetFile(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  for (const mount of assetMounts) {
    if (!decoded.startsWith(mount.urlPrefix)) continue;
    const relative = normalize(decoded.slice(mount.urlPrefix.length));
    const root = resolve(projectRoot, mount.dir);
    const file = resolve(root, relative);
    const inside = mount.include.some((dir) => {
      const allowed = resolve(root, dir);
      return file.startsWith(allowed + sep);
    });
    if (inside) return join(file);
  }
  return undefined;
}

function fileSize(file: string): number | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}
