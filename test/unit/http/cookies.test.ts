import { describe, expect, it } from 'vitest';
import { deleteCookie, readCookies, serializeCookie } from '../../../lambdas/http/cookies.ts';

describe('cookies', () => {
  it('are always __Host- prefixed, Secure, HttpOnly, SameSite=Lax and for the whole site', () => {
    expect(serializeCookie('session', 'abc', { maxAge: 60 })).toBe(
      '__Host-session=abc; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=60',
    );
    expect(deleteCookie('session')).toContain('Max-Age=0');
  });

  it('refuse values that could inject attributes', () => {
    expect(() => serializeCookie('session', 'a; Domain=evil.example')).toThrow();
    expect(() => serializeCookie('bad name', 'a')).toThrow();
  });

  it('are read only when __Host- prefixed, first one winning', () => {
    expect(
      readCookies(['__Host-session=one', 'session=planted', '__Host-session=two; __Host-csrf=t']),
    ).toEqual({
      session: 'one',
      csrf: 't',
    });
    expect(readCookies(undefined)).toEqual({});
    expect(readCookies(['garbage', '=x'])).toEqual({});
  });
});
