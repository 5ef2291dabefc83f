import { describe, expect, it } from 'vitest';
import { assertCsrf, CSRF_COOKIE, csrfState } from '../../../lambdas/http/csrf.ts';

const token = csrfState({}).token;
const cookies = { [CSRF_COOKIE]: token };

describe('CSRF tokens', () => {
  it('are minted with a cookie when the browser has none, and reused when it has one', () => {
    const fresh = csrfState({});
    expect(fresh.token).toMatch(/^[\w-]{43}$/);
    expect(fresh.setCookie).toContain(`__Host-${CSRF_COOKIE}=${fresh.token}`);
    expect(csrfState(cookies)).toEqual({ token });
  });

  it('replace a cookie that is not one of ours', () => {
    expect(csrfState({ [CSRF_COOKIE]: 'short' }).setCookie).toBeDefined();
  });
});

describe('a state-changing form', () => {
  const post = (overrides: Partial<Parameters<typeof assertCsrf>[0]>) => () =>
    assertCsrf({ method: 'POST', headers: {}, cookies, submittedToken: token, ...overrides });

  it('passes with the token of its cookie', () => {
    expect(post({})).not.toThrow();
    expect(post({ headers: { 'sec-fetch-site': 'same-origin' } })).not.toThrow();
  });

  it('is refused with 403 when the token is missing, wrong or has no cookie', () => {
    for (const attempt of [
      post({ submittedToken: undefined }),
      post({ submittedToken: `${token.slice(0, -1)}x` }),
      post({ submittedToken: 'short' }),
      post({ submittedToken: ['array'] }),
      post({ cookies: {} }),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ status: 403 }));
    }
  });

  it('is refused when the browser says it came from another site, even with the right token', () => {
    expect(post({ headers: { 'sec-fetch-site': 'cross-site' } })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(post({ headers: { 'sec-fetch-site': 'same-site' } })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it('is not asked for on reads', () => {
    expect(() =>
      assertCsrf({ method: 'GET', headers: {}, cookies: {}, submittedToken: undefined }),
    ).not.toThrow();
  });
});
