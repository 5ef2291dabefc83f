/** The site as the local gateway serves it: pages, health, assets, errors and security headers. */
import { describe, expect, inject, it } from 'vitest';
import { expectSecurityHeaders } from '../support/security-headers.ts';

const site = inject('verity').siteUrl;

describe('hosted pages', () => {
  it('serves the home page as HTML with the security headers every page needs', async () => {
    const response = await fetch(`${site}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8,}; includeSubDomains/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.text();
    expect(body).toMatch(/^<!DOCTYPE html>/);
    expect(body).toContain('href="/create-account"');
    expect(body).toContain('href="/sign-in"');
  });

  it('sets a __Host- CSRF cookie once and keeps it while the browser sends it back', async () => {
    const first = await fetch(`${site}/`);
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('__Host-verity-csrf='));
    expect(cookie).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    const pair = (cookie as string).split(';')[0] as string;
    const second = await fetch(`${site}/`, { headers: { cookie: pair } });
    expect(second.headers.getSetCookie()).toEqual([]);
  });

  it('answers /health with status and version as JSON', async () => {
    const response = await fetch(`${site}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as { status: string; version: string };
    expect(body.status).toBe('ok');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('unknown routes and methods', () => {
  it('answers an unknown path with a 404 page for people', async () => {
    const response = await fetch(`${site}/no/such/page?x=1`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Page not found');
  });

  it('answers an unknown path with 404 JSON for clients that ask for JSON', async () => {
    const response = await fetch(`${site}/no-such-api`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const response = await fetch(`${site}/health`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });

  it("answers a wrong method on partners' routes with 405 JSON, even to a client that asks for HTML", async () => {
    for (const [method, path, allow] of [
      ['POST', '/health', 'GET'],
      ['GET', '/csp-report', 'POST'],
      ['POST', '/workforce/me', 'GET'],
    ] as const) {
      const response = await fetch(`${site}${path}`, { method, headers: { accept: 'text/html' } });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(response.headers.get('content-type'), `${method} ${path}`).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  it("answers a wrong method on people's pages with the 405 page", async () => {
    const response = await fetch(`${site}/sign-in`, { method: 'PUT', headers: { accept: 'text/html' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers a stray form POST to an unknown path with 404, not a CSRF error', async () => {
    const response = await fetch(`${site}/nowhere`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(response.status).toBe(404);
  });

  it('refuses a body on a page that takes none', async () => {
    const response = await fetch(`${site}/`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
  });
});

describe('static assets', () => {
  it('serves the USWDS stylesheet, fonts and script from /assets', async () => {
    const css = await fetch(`${site}/assets/uswds/css/uswds.min.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const js = await fetch(`${site}/assets/uswds/js/uswds.min.js`, { method: 'HEAD' });
    expect(js.status).toBe(200);
    expect(Number(js.headers.get('content-length'))).toBeGreaterThan(1000);
    expect((await fetch(`${site}/assets/verity/verity.css`)).status).toBe(200);
  });

  it('carry the security headers on files, a missing file and a wrong method alike', async () => {
    const css = await fetch(`${site}/assets/uswds/css/uswds.min.css`);
    expectSecurityHeaders(css.headers, 'a stylesheet', { cacheControl: 'public, max-age=3600' });
    const missing = await fetch(`${site}/assets/nope.css`);
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers, 'a missing asset');
    const posted = await fetch(`${site}/assets/verity/verity.css`, { method: 'POST', body: 'x' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
    expectSecurityHeaders(posted.headers, 'a POST to an asset');
  });

  it('never serves a file outside the asset folders', async () => {
    for (const path of [
      '/assets/uswds/../../../package.json',
      '/assets/uswds/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/assets/verity/..%2f..%2fpackage.json',
      '/assets/uswds/scss/_uswds-theme.scss',
      '/assets/uswds/css',
      '/assets/nope.css',
    ]) {
      const response = await fetch(`${site}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});
