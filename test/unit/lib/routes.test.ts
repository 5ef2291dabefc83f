import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  audienceAt,
  handlers,
  matchRoute,
  type Route,
  routeKey,
  routes,
} from '../../../lib/routes.ts';

const table: Route[] = [
  { method: 'GET', path: '/partners', handler: 'pages', access: { kind: 'public' } },
  { method: 'GET', path: '/partners/{clientId}', handler: 'health', access: { kind: 'public' } },
  { method: 'GET', path: '/partners/new', handler: 'not-found', access: { kind: 'public' } },
  { method: 'GET', path: '/files/{proxy+}', handler: 'csp-report', access: { kind: 'public' } },
  { method: 'POST', path: '/partners', handler: 'pages', access: { kind: 'public' } },
];

describe('the route table', () => {
  it('names only handlers that exist, and no route key twice', () => {
    for (const route of routes) expect(handlers[route.handler], routeKey(route)).toBeDefined();
    const keys = routes.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every handler entry under lambdas/handlers', () => {
    for (const definition of Object.values(handlers))
      expect(definition.entry).toMatch(/^lambdas\/handlers\/[\w-]+\.tsx?$/);
  });
});

describe('route matching, as API Gateway does it', () => {
  it('prefers an exact segment over a path parameter', () => {
    expect(matchRoute('GET', '/partners/new', table)?.route.handler).toBe('not-found');
    expect(matchRoute('GET', '/partners/abc', table)).toMatchObject({
      route: { handler: 'health' },
      pathParameters: { clientId: 'abc' },
    });
  });

  it('decodes path parameters and takes the rest of the path into a greedy one', () => {
    expect(matchRoute('GET', '/partners/a%20b', table)?.pathParameters).toEqual({ clientId: 'a b' });
    expect(matchRoute('GET', '/files/a/b/c.txt', table)?.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
    expect(matchRoute('GET', '/files', table)).toBeUndefined();
  });

  it('keeps a malformed escape as it is instead of throwing', () => {
    expect(matchRoute('GET', '/partners/%E0%A4%A', table)?.pathParameters).toEqual({ clientId: '%E0%A4%A' });
  });

  it('matches the method too, and knows which methods a path allows', () => {
    expect(matchRoute('DELETE', '/partners', table)).toBeUndefined();
    expect(allowedMethods('/partners', table).sort()).toEqual(['GET', 'POST']);
    expect(allowedMethods('/elsewhere', table)).toEqual([]);
  });

  it('does not match a longer or shorter path', () => {
    expect(matchRoute('GET', '/partners/a/b', table)).toBeUndefined();
    expect(matchRoute('GET', '/', table)).toBeUndefined();
  });
});

describe('who reads the answers at a path no route takes', () => {
  it("is partners on the partners' routes, people on pages and where nothing is served", () => {
    expect(audienceAt('/health')).toBe('partners');
    expect(audienceAt('/csp-report')).toBe('partners');
    expect(audienceAt('/workforce/me')).toBe('partners');
    expect(audienceAt('/sign-in')).toBe('people');
    expect(audienceAt('/')).toBe('people');
    expect(audienceAt('/no/such/page')).toBe('people');
  });

  it("is people when a path has routes of both, partners when all of its routes are partners'", () => {
    // /partners/new: its own route (not-found, people) and /partners/{clientId} (health, partners).
    expect(audienceAt('/partners/new', table)).toBe('people');
    expect(audienceAt('/partners/abc', table)).toBe('partners');
    expect(audienceAt('/files/a/b', table)).toBe('partners');
  });
});
