import { describe, expect, it } from 'vitest';
import {
  allowedMethods,
  audienceAt,
  handlers,
  matchRoute,
  type Route,
  routeKey,
  routes,
  workers,
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

  it('puts every handler entry under lambdas/handlers, a folder of its own named like the Lambda', () => {
    for (const [name, definition] of Object.entries(handlers)) {
      expect([`lambdas/handlers/${name}.ts`, `lambdas/handlers/${name}/handler.ts`]).toContain(
        definition.entry,
      );
    }
  });

  it('says for every member route how far the member must have come', () => {
    const levels = new Set(['first-step', 'second-step', 'setting-up', 'aal2', 'recent']);
    for (const route of routes) {
      if (route.access.kind === 'member') expect(levels, routeKey(route)).toContain(route.access.level);
    }
    const levelOf = (key: string) => {
      const route = routes.find((r) => routeKey(r) === key);
      return route?.access.kind === 'member' ? route.access.level : route?.access.kind;
    };
    // The sensitive changes want both steps within 20 minutes; the second step wants a password only.
    for (const key of [
      'POST /account/password',
      'POST /account/delete',
      'POST /mfa/methods/remove',
      'POST /account/partners/disconnect',
    ])
      expect(levelOf(key), key).toBe('recent');
    expect(levelOf('POST /mfa')).toBe('second-step');
    expect(levelOf('GET /mfa/setup')).toBe('setting-up');
  });

  it('gives workers no route, and no name or entry that a handler has', () => {
    const entries = new Set(Object.values(handlers).map((h) => h.entry));
    for (const [name, worker] of Object.entries(workers)) {
      expect(worker.entry).toBe(`lambdas/handlers/${name}/handler.ts`);
      expect(entries.has(worker.entry), name).toBe(false);
      expect(Object.keys(handlers)).not.toContain(name);
      expect(routes.map((r) => r.handler as string)).not.toContain(name);
    }
  });

  it('has exactly one worker on the mail queue, and it alone delivers mail', () => {
    const onMailQueue = Object.entries(workers).filter(([, w]) => w.trigger === 'mail-queue');
    expect(onMailQueue.map(([name]) => name)).toEqual(['mail-sender']);
    expect(Object.values(workers).filter((w) => w.deliversMail === true)).toEqual([workers['mail-sender']]);
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
