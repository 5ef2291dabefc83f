/**
 * The clock of a test run (lib/local/test-clock.ts, test/support/clock.ts): the handlers take
 * "now" from the time the gateway stamps on the request, and the tests move that time forward
 * instead of waiting for it. The journeys that need a second authenticator code rely on it.
 */
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { advanceClock, advanceClockTo, clockOffset, serverNow } from '../support/clock.ts';
import { Browser, createMember } from './accounts/support.ts';

describe('the test clock', () => {
  it('is what the handlers take for now: a code of a later step passes once the clock reaches that step', async () => {
    const member = await createMember();
    const browser = new Browser();
    const signedIn = await browser.signIn(member.primary, member.password);
    expect(signedIn.location).toBe('/mfa?next=%2Faccount');
    const challenge = await browser.follow(signedIn);

    // Well beyond the one step of drift the server allows (and what other tests may move the
    // clock by meanwhile): not a code it accepts yet.
    const ahead = Math.floor(serverNow().getTime() / 30_000) + 4;
    const code = await generate({ secret: member.totpSecret as string, epoch: ahead * 30 });
    const early = await browser.submit(challenge, { action: '/mfa' }, { code });
    expect(early.status, 'four steps early').toBe(401);

    advanceClockTo(ahead * 30_000);
    const onTime = await browser.submit(early, { action: '/mfa' }, { code });
    expect(onTime.status, onTime.text).toBe(303);
    expect(onTime.location).toBe('/account');
  });

  // Other test files may move it at the same time: hence "at least".
  it('only moves forward, by at least what a test asks for', () => {
    const before = clockOffset();
    advanceClockTo(0);
    expect(clockOffset(), 'a time in the past does not move it back').toBeGreaterThanOrEqual(before);
    const moved = clockOffset();
    advanceClock(0.5);
    expect(clockOffset()).toBeGreaterThanOrEqual(moved + 500);
    expect(() => advanceClock(-1)).toThrow(/only moves forward/);
  });
});
