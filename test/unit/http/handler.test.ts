/** The middy pipeline every handler runs in, driven with API Gateway events and no I/O. */
import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { problem } from '../../../lambdas/core/problems.ts';
import { handler as notFoundHandler } from '../../../lambdas/handlers/not-found/handler.ts';
import { CSRF_COOKIE, formToken } from '../../../lambdas/http/csrf.ts';
import { badRequest } from '../../../lambdas/http/errors.ts';
import { type HttpEvent, httpHandler } from '../../../lambdas/http/handler.ts';
import { html, json } from '../../../lambdas/http/respond.ts';
import { formsLeadTo, securityHeaderValues } from '../../../lambdas/http/security-headers.ts';

const context = {
  getRemainingTimeInMillis: () => 30_000,
  awsRequestId: 'test',
  functionName: 'test',
} as Context;

function event(method: string, routeKey: string, init: Partial<HttpEvent> = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey,
    rawPath: routeKey.split(' ')[1] ?? '/',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { http: { method, path: '/' }, requestId: 'r' },
    ...init,
  } as HttpEvent;
}

const cookieValue = randomBytes(32).toString('base64url');
const token = formToken(cookieValue, undefined);
const formPost = (fields: Record<string, string>, cookie = cookieValue) =>
  event('POST', 'POST /form', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    cookies: [`__Host-${CSRF_COOKIE}=${cookie}`],
    body: Buffer.from(new URLSearchParams(fields).toString()).toString('base64'),
    isBase64Encoded: true,
  });

const formHandler = httpHandler(
  'pages',
  { body: { kinds: ['form'], schema: v.object({ _csrf: v.string(), name: v.string() }) } },
  ({ body }) => html(`<p>${body.name.length}</p>`),
);

describe('every response', () => {
  it('carries the security headers and no-store, pages and JSON alike', async () => {
    const page = await httpHandler('pages', {}, () => html('<p>hi</p>'))(event('GET', 'GET /'), context);
    const data = await httpHandler('health', {}, () => json({ ok: true }))(
      event('GET', 'GET /health'),
      context,
    );
    for (const response of [page, data]) {
      expect(response.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(response.headers['Strict-Transport-Security']).toContain('max-age=');
      expect(response.headers['Cache-Control']).toBe('no-store');
    }
  });

  it('keeps a Cache-Control the handler chose', async () => {
    const response = await httpHandler('pages', {}, () =>
      html('x', 200, { 'cache-control': 'public, max-age=60' }),
    )(event('GET', 'GET /'), context);
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(response.headers['Cache-Control']).toBeUndefined();
  });
});

describe("a page whose forms lead on to a partner's site", () => {
  const partnerPage = (urls: string[]) =>
    httpHandler('pages', {}, () => {
      const response = html('<form method="post" action="/allow"></form>');
      formsLeadTo(response.headers, urls);
      return response;
    })(event('GET', 'GET /'), context);

  it("allows the partner's origins in form-action, and sends no header of its own for it", async () => {
    const response = await partnerPage([
      'https://partner.example/callback?x=1',
      'https://partner.example/other',
      'http://localhost:3001/xms/callback',
    ]);
    const policy = response.headers['Content-Security-Policy'] as string;
    expect(policy).toContain("form-action 'self' https://partner.example http://localhost:3001;");
    // The rest of the policy is the one every page gets.
    const everyPage = securityHeaderValues()['Content-Security-Policy'] as string;
    expect(policy.replace(' https://partner.example http://localhost:3001', '')).toBe(everyPage);
    expect(Object.keys(response.headers).map((name) => name.toLowerCase())).not.toContain(
      'x-verity-form-action',
    );
  });

  it('allows nothing more for URLs that are not http(s)', async () => {
    const response = await partnerPage(['javascript:alert(1)', 'not a url', "https://a.example/'; x"]);
    expect(response.headers['Content-Security-Policy']).toContain("form-action 'self' https://a.example;");
    const none = await partnerPage(['data:text/html,hi']);
    expect(none.headers['Content-Security-Policy']).toBe(securityHeaderValues()['Content-Security-Policy']);
  });
});

describe('errors', () => {
  it('become a page with the message for people', async () => {
    const response = await httpHandler('pages', {}, () => {
      throw badRequest('Enter your email address.');
    })(event('GET', 'GET /'), context);
    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toContain('text/html');
    expect(response.body).toContain('Enter your email address.');
  });

  it('become OAuth-style JSON for partners', async () => {
    const response = await httpHandler('health', {}, () => {
      throw badRequest('Missing client_id.');
    })(event('GET', 'GET /health'), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body as string)).toEqual({
      error: 'invalid_request',
      error_description: 'Missing client_id.',
    });
  });

  it('carry the field errors of a problem that has them, in JSON', async () => {
    const fields = { 'redirect_uris[0]': 'must use https, or http on a loopback host' };
    const response = await httpHandler('health', {}, () => {
      throw problem({ kind: 'InvalidClientMetadata', fields });
    })(event('GET', 'GET /health'), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body as string)).toEqual({
      error: 'invalid_client_metadata',
      error_description: 'Check redirect_uris[0]: must use https, or http on a loopback host.',
      fields,
    });
  });

  it('that nobody expected become a 500 that reveals nothing of them', async () => {
    const response = await httpHandler('health', {}, () => {
      throw new Error('ConditionalCheckFailed on pk=EMAIL#someone@example.com');
    })(event('GET', 'GET /health'), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('someone@example.com');
    expect(JSON.parse(response.body as string).error).toBe('server_error');
  });
});

describe('request bodies', () => {
  const jsonHandler = httpHandler('health', { body: { kinds: ['json'], schema: v.unknown() } }, ({ body }) =>
    json({ body: body ?? null }),
  );

  it('are not asked of a DELETE, even from a handler that takes one for its writes', async () => {
    const response = await jsonHandler(event('DELETE', 'DELETE /health'), context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body as string)).toEqual({ body: null });
  });

  it('are refused on a DELETE, as on a GET', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await jsonHandler(
        event(method, `${method} /health`, { headers: { 'content-type': 'application/json' }, body: '{}' }),
        context,
      );
      expect(response.statusCode, method).toBe(400);
    }
  });
});

describe('the catch-all ($default)', () => {
  const asking = (method: string, path: string, accept: string) =>
    notFoundHandler(event(method, '$default', { rawPath: path, headers: { accept } }), context);

  it("answers a wrong method on partners' routes with 405 JSON, even to a browser", async () => {
    for (const [method, path] of [
      ['POST', '/health'],
      ['GET', '/csp-report'],
      ['POST', '/workforce/me'],
    ] as const) {
      const response = await asking(method, path, 'text/html,application/xhtml+xml');
      expect(response.statusCode, `${method} ${path}`).toBe(405);
      expect(response.headers['Content-Type'], `${method} ${path}`).toContain('application/json');
      expect(JSON.parse(response.body as string)).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  it("answers a wrong method on people's pages, and a path nobody serves, with a page", async () => {
    const wrongMethod = await asking('PUT', '/sign-in', 'text/html');
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers['Content-Type']).toContain('text/html');
    const nowhere = await asking('GET', '/no/such/page', 'text/html');
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.headers['Content-Type']).toContain('text/html');
  });
});

describe('state-changing forms', () => {
  it('run with the right CSRF token', async () => {
    const response = await formHandler(formPost({ _csrf: token, name: 'Ada' }), context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('<p>3</p>');
  });

  it('are refused with a 403 page when the token is missing or wrong, and the handler never runs', async () => {
    let ran = false;
    const guarded = httpHandler(
      'pages',
      { body: { kinds: ['form'], schema: v.record(v.string(), v.string()) } },
      () => {
        ran = true;
        return html('changed');
      },
    );
    for (const attempt of [
      formPost({ name: 'Ada' }),
      formPost({ _csrf: 'wrong', name: 'Ada' }),
      formPost({ _csrf: token }, 'other'),
    ]) {
      const response = await guarded(attempt, context);
      expect(response.statusCode).toBe(403);
      expect(response.body).toContain('This form expired');
    }
    expect(ran).toBe(false);
  });

  it('are refused when a page handler without a body spec gets a POST without a token', async () => {
    const response = await httpHandler('pages', {}, () => html('changed'))(event('POST', 'POST /'), context);
    expect(response.statusCode).toBe(403);
  });
});

describe('pages', () => {
  it('give the browser a CSRF cookie the first time', async () => {
    const response = await httpHandler('pages', {}, ({ csrfToken }) => html(csrfToken))(
      event('GET', 'GET /'),
      context,
    );
    const value = /__Host-verity-csrf=([\w-]{43})/.exec(response.cookies?.[0] ?? '')?.[1] ?? '';
    expect(formToken(value, undefined), 'the form token is the one of the cookie').toBe(response.body);
  });
});
