/**
 * Malformed, wrong-typed and oversized bodies, and request targets and request lines that no
 * browser sends, get a clear 4xx (never a 5xx) with the security headers, and the gateway keeps
 * serving. /csp-report is the JSON endpoint every browser posts to.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { expectSecurityHeaders } from '../support/security-headers.ts';

const site = inject('verity').siteUrl;
const { hostname, port } = new URL(site);

interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A request with its target as written: fetch would normalize these before they left. */
function requestTarget(target: string): Promise<RawAnswer> {
  return new Promise((ok, fail) => {
    const request = httpRequest(
      { host: hostname, port, path: target, headers: { accept: 'text/html' } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => ok({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    request.on('error', fail);
    request.end();
  });
}

/** Bytes as they are, for requests Node's own client would refuse to write; the answer read raw. */
function sendBytes(text: string): Promise<RawAnswer> {
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', fail);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      ok({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.end(text);
  });
}
const report = (body: BodyInit, contentType = 'application/csp-report') =>
  fetch(`${site}/csp-report`, { method: 'POST', headers: { 'content-type': contentType }, body });

describe('CSP reports', () => {
  it('accepts a report in the report-uri format with 204', async () => {
    const response = await report(
      JSON.stringify({
        'csp-report': {
          'document-uri': 'https://id.example/confirm?token=secret',
          'violated-directive': 'script-src-elem',
          'blocked-uri': 'inline',
        },
      }),
    );
    expect(response.status).toBe(204);
  });

  it('accepts a report in the Reporting API format with 204', async () => {
    const body = [
      {
        type: 'csp-violation',
        body: { effectiveDirective: 'img-src', blockedURL: 'https://x.example/a.png' },
      },
    ];
    expect((await report(JSON.stringify(body), 'application/reports+json')).status).toBe(204);
  });
});

describe('bad request bodies', () => {
  it('answers malformed JSON with 400 JSON that says so', async () => {
    const response = await report('{"csp-report": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The request body is not valid JSON.',
    });
  });

  it('answers JSON of the wrong shape with 400 and the offending field', async () => {
    const response = await report(JSON.stringify({ 'csp-report': { 'blocked-uri': 42 } }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers an empty body with 400', async () => {
    const response = await report('');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toContain('empty');
  });

  it('answers a wrong content type with 415 naming the right one', async () => {
    const response = await report('violated-directive=script-src', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error_description: string }).error_description).toContain(
      'application/json',
    );
  });

  it('answers invalid UTF-8 with 400', async () => {
    const response = await report(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(response.status).toBe(400);
  });

  it("answers a body over the handler's limit with 413", async () => {
    const response = await report(JSON.stringify({ 'csp-report': { 'blocked-uri': 'x'.repeat(9000) } }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it("answers a body over API Gateway's 10 MB limit with 413 and the security headers, and keeps serving", async () => {
    const response = await report(new Uint8Array(10 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expectSecurityHeaders(response.headers, 'the gateway 413');
    expect((await fetch(`${site}/health`)).status).toBe(200);
  });

  it('never answers a burst of hostile requests with a 5xx', async () => {
    const hostile: RequestInit[] = [
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[[[[[[[[[[' },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"\\ud800"' },
      { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-7' }, body: '{}' },
      { method: 'POST', headers: { 'content-type': '' }, body: '{}' },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(new Array(60).fill({ type: 'x' })),
      },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"__proto__": {"polluted": true}}',
      },
    ];
    const statuses = await Promise.all(
      hostile.map(async (init) => (await fetch(`${site}/csp-report`, init)).status),
    );
    for (const status of statuses) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of statuses) expect(status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('odd request targets and request lines', () => {
  it('answers a target that reads like a host rather than a path with a 4xx and the security headers, never a 500', async () => {
    for (const target of ['//[', '//a:b@[::1', '//localhost:99999/', 'http://[/', 'http://a:99999/health']) {
      const answer = await requestTarget(target);
      expect(answer.status, target).toBeGreaterThanOrEqual(400);
      expect(answer.status, target).toBeLessThan(500);
      expectSecurityHeaders(answer.headers, target);
    }
    expect((await fetch(`${site}/health`)).status).toBe(200);
  });

  it('answers a path that starts with // like any other path that does not exist: the 404 page', async () => {
    const answer = await requestTarget('//localhost:99999/');
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain('Page not found');
  });

  it('answers a request line Node cannot parse with 400 and the security headers, and keeps serving', async () => {
    const answer = await sendBytes(`GET /a b HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toEqual({ message: 'Bad Request' });
    expectSecurityHeaders(answer.headers, 'the 400 to a broken request line');
    expect((await fetch(`${site}/health`)).status).toBe(200);
  });
});
