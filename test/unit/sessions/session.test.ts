import { describe, expect, it } from 'vitest';
import { secretHash } from '../../../lambdas/accounts/tokens.ts';
import {
  expiryOf,
  newSession,
  parseSessionCookie,
  renewal,
  signedInRecently,
} from '../../../lambdas/sessions/session.ts';

const start = new Date('2026-11-23T08:00:00Z');
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

describe('member sessions', () => {
  it('carry a 256-bit secret, and store only its hash', () => {
    const { cookie, item } = newSession('a'.repeat(22), start, 'Chrome on Linux', { aal: 2 });
    const secret = cookie.split('.')[1] as string;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(item.keyHash).toBe(secretHash(secret));
    expect(JSON.stringify(item)).not.toContain(secret);
  });

  it('get a new secret every time', () => {
    expect(newSession('a'.repeat(22), start, '', { aal: 2 }).cookie).not.toBe(
      newSession('a'.repeat(22), start, '', { aal: 2 }).cookie,
    );
  });

  it('end after 30 idle minutes', () => {
    expect(expiryOf(start, start)).toBe(seconds(at(30)));
    expect(expiryOf(start, at(100))).toBe(seconds(at(130)));
  });

  it('end 12 hours after sign-in however active', () => {
    expect(expiryOf(start, at(12 * 60 - 5))).toBe(seconds(at(12 * 60)));
  });

  it('extend the idle timer at most once a minute', () => {
    const { item } = newSession('a'.repeat(22), start, '', { aal: 2 });
    expect(renewal(item, at(0.5))).toBeUndefined();
    expect(renewal(item, at(5))).toEqual({ lastSeenAt: at(5).toISOString(), expiresAt: seconds(at(35)) });
  });

  it('count a sign-in as recent for 20 minutes', () => {
    const { item } = newSession('a'.repeat(22), start, '', { aal: 2 });
    expect(signedInRecently(item, at(20))).toBe(true);
    expect(signedInRecently(item, at(21))).toBe(false);
  });

  it('never count a sign-in through a remembered browser as recent', () => {
    const { item } = newSession('a'.repeat(22), start, '', { aal: 2, viaRememberedBrowser: true });
    expect(signedInRecently(item, at(0))).toBe(false);
  });

  it('read only well-formed cookies', () => {
    const { cookie, item } = newSession('b'.repeat(22), start, '', { aal: 2 });
    expect(parseSessionCookie(cookie)).toEqual({ accountId: 'b'.repeat(22), keyHash: item.keyHash });
    for (const bad of [
      undefined,
      '',
      'x',
      `${'b'.repeat(22)}.short`,
      `.${cookie}`,
      `${'b'.repeat(21)}.${cookie.split('.')[1]}`,
    ]) {
      expect(parseSessionCookie(bad), String(bad)).toBeUndefined();
    }
  });
});
