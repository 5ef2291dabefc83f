import { describe, expect, it } from 'vitest';
import { describeDevice } from '../../../lambdas/accounts/context.ts';
import type { HttpRequest } from '../../../lambdas/http/handler.ts';
import { requestContext, requestTime, safeNext } from '../../../lambdas/http/member.ts';

describe('where sign-in returns to', () => {
  it('is a path on this site', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('/account/emails/add')).toBe('/account/emails/add');
    expect(safeNext('/account?notice=email-confirmed')).toBe('/account?notice=email-confirmed');
  });

  it('is never another site, a protocol-relative URL or anything odd', () => {
    for (const bad of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'account',
      '/a?b=c',
      '/a#x',
      42,
      undefined,
    ]) {
      expect(safeNext(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('the device shown in history', () => {
  it('is coarse: a browser and a system', () => {
    expect(
      describeDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      ),
    ).toBe('Chrome on Windows');
    expect(
      describeDevice(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit Version/17.0 Mobile Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(describeDevice(undefined)).toBe('A browser on an unknown system');
  });
});

describe('the time of a request', () => {
  it('is the time API Gateway stamped on the event, not the moment a step happens to run', () => {
    const stamped = Date.UTC(2027, 0, 2, 3, 4, 5);
    const request = {
      headers: {},
      event: { requestContext: { timeEpoch: stamped, http: { sourceIp: '203.0.113.9' } } },
    } as unknown as HttpRequest<unknown>;
    expect(requestTime(request)).toEqual(new Date(stamped));
    expect(requestContext(request).now).toEqual(new Date(stamped));
  });
});
