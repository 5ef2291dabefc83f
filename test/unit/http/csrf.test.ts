import { describe, expect, it } from 'vitest';
import { assertCsrf, CSRF_COOKIE, csrfState, formToken } from '../../../lambdas/http/csrf.ts';
import { SESSION_COOKIE } from '../../../lambdas/sessions/session.ts';

const minted = csrfState({});
const cookieValue = /__Host-verity-csrf=([\w-]{43})/.exec(minted.setCookie ?? '')?.[1] ?? '';
const token = minted.token;
const cookies = { [CSRF_COOKIE]: cookieValue };

describe('CSRF tokens', () => {
  it('are minted with a cookie when the browser has none, and reused when it has one', () => {
    expect(cookieValue).toMatch(/^[\w-]{43}$/);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(csrfState(cookies)).toEqual({ token });
  });

  it('replace a cookie that is not one of ours', () => {
    expect(csrfState({ [CSRF_COOKIE]: 'short' }).setCookie).toBeDefined();
  });

  it('are bound to the session: the same cookie gives another token for each session and none', () => {
    const anonymous = csrfState(cookies).token;
    const signedIn = csrfState({ ...cookies, [SESSION_COOKIE]: 'account.secret-one' }).token;
    const other = csrfState({ ...cookies, [SESSION_COOKIE]: 'account.secret-two' }).token;
    expect(new Set([anonymous, signedIn, other]).size).toBe(3);
    expect(signedIn).toBe(formToken(cookieValue, 'account.secret-one'));
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
      post({ submittedToken: cookieValue }),
      post({ cookies: {} }),
    ]) {
      expect(attempt).toThrow(expect.objectContaining({ status: 403 }));
    }
  });

  it('is refused when the token was rendered for another session or before sign-in', () => {
    const session = { [SESSION_COOKIE]: 'account.secret-one' };
    const anonymousToken = token;
    expect(post({ cookies: { ...cookies, ...session }, submittedToken: anonymousToken })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    const otherSessionToken = formToken(cookieValue, 'account.secret-two');
    expect(post({ cookies: { ...cookies, ...session }, submittedToken: otherSessionToken })).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    const ownToken = formToken(cookieValue, 'account.secret-one');
    expect(post({ cookies: { ...cookies, ...session }, submittedToken: ownToken })).not.toThrow();
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
