import { describe, expect, it } from 'vitest';
import { securityHeaderValues } from '../../../lambdas/http/security-headers.ts';
import { ownAnswer, requestUrl } from '../../../lib/local/gateway.ts';

describe("the local gateway's own answers", () => {
  it('carry every security header of the handler responses, and no-store, the 500 and 503 included', () => {
    for (const status of [400, 401, 405, 413, 500, 503]) {
      const answer = ownAnswer(status, { message: 'x' });
      expect(answer.statusCode).toBe(status);
      for (const [name, value] of Object.entries(securityHeaderValues())) {
        expect(answer.headers?.[name.toLowerCase()], `${status}: ${name}`).toBe(value);
      }
      expect(answer.headers?.['cache-control'], String(status)).toBe('no-store');
      expect(answer.headers?.['content-type']).toBe('application/json');
    }
  });

  it('keep a header the answer sets itself, such as Allow', () => {
    expect(ownAnswer(405, {}, { allow: 'GET, HEAD' }).headers?.allow).toBe('GET, HEAD');
  });
});

describe('request targets', () => {
  it('are paths when they start with /, even when they read like an authority', () => {
    for (const target of ['//[', '//a:b@[::1', '//localhost:99999/', '//evil.example/x']) {
      const url = requestUrl(target);
      expect(url?.host, target).toBe('gateway.invalid');
      expect(url?.pathname, target).toBe(target);
    }
    expect(requestUrl('/a/b?c=1&c=2')?.search).toBe('?c=1&c=2');
  });

  it('name their own path when absolute, and are nothing when they cannot be read', () => {
    expect(requestUrl('http://example.com/health?x=1')?.pathname).toBe('/health');
    expect(requestUrl(undefined)?.pathname).toBe('/');
    expect(requestUrl('http://[/')).toBeUndefined();
    expect(requestUrl('http://a:99999/')).toBeUndefined();
  });
});
