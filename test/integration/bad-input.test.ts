/**
 * Malformed, wrong-typed and oversized bodies get a clear 4xx (never a 5xx), and the gateway
 * keeps serving. /csp-report is the JSON endpoint every browser posts to.
 */
import { describe, expect, inject, it } from 'vitest';

const site = inject('verity').siteUrl;
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

  it("answers a body over API Gateway's 10 MB limit with 413 and keeps serving", async () => {
    const response = await report(new Uint8Array(10 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
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
