import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmacPepper } from '../../../lambdas/keys/hmac-pepper.ts';
import {
  isPhoneCodeFormat,
  lastFourOf,
  newPhoneCode,
  normalizePhoneNumber,
  phoneCodeMessage,
  phoneKeyOf,
} from '../../../lambdas/mfa/phone.ts';
import { endUserMessagingSender } from '../../../lambdas/mfa/texts.ts';

describe('phone numbers', () => {
  it('are read in E.164 whatever spaces, dashes, dots and parentheses surround the digits', () => {
    const typed = ['+44 20 7946 0958', '+44-20-7946-0958', '+44.20.7946.0958', '+44 (20) 7946 0958'];
    for (const input of typed) expect(normalizePhoneNumber(input), input).toBe('+442079460958');
    expect(normalizePhoneNumber(' +1 (202) 555-0123 ')).toBe('+12025550123');
  });

  it('take a 10-digit US number as +1', () => {
    expect(normalizePhoneNumber('2025550123')).toBe('+12025550123');
    expect(normalizePhoneNumber('(202) 555-0123')).toBe('+12025550123');
    expect(normalizePhoneNumber('202.555.0123')).toBe('+12025550123');
  });

  it('refuse what is not an E.164 number', () => {
    const refused = [
      '',
      '+',
      '555-0123', // 7 digits: no area code
      '+0 202 555 0123', // no country code starts with 0
      '+1234567', // 7 digits after +: too short
      '+1234567890123456', // 16 digits: too long
      '0123456789', // 10 digits, but no US area code starts with 0
      '1025550123', // nor with 1
      '2021550123', // nor does an exchange
      '+1 202 555 0123 ext 4',
      '+1 202 555 01a3',
      '++12025550123',
      '12025550123', // 11 digits without +: ambiguous, so refused
    ];
    for (const input of refused) expect(normalizePhoneNumber(input), input).toBeUndefined();
    expect(normalizePhoneNumber(undefined)).toBeUndefined();
    expect(normalizePhoneNumber(12025550123)).toBeUndefined();
  });

  it('always come out as + and 8 to 15 digits, or not at all', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (input) => {
        const e164 = normalizePhoneNumber(input);
        return e164 === undefined || /^\+[1-9]\d{7,14}$/.test(e164);
      }),
    );
  });

  it('show only their last four digits', () => {
    expect(lastFourOf('+12025550123')).toBe('0123');
  });

  it('are keyed for limits by a MAC under the pepper: stable for one number, unlike for another, no digits in it', async () => {
    const ports = { pepper: createHmacPepper(randomBytes(32)) };
    const key = await phoneKeyOf('+12025550123', ports);
    expect(await phoneKeyOf('+12025550123', ports)).toBe(key);
    expect(await phoneKeyOf('+12025550124', ports)).not.toBe(key);
    expect(await phoneKeyOf('+12025550123', { pepper: createHmacPepper(randomBytes(32)) })).not.toBe(key);
    expect(key).not.toContain('2025550123');
  });
});

describe('phone codes', () => {
  it('are 6 digits, leading zeros kept', () => {
    const codes = Array.from({ length: 2000 }, newPhoneCode);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // 2000 draws from a million: nearly all different, and some start with 0 (p of none ~ 1e-92).
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });

  it('are checked for their format before any lookup', () => {
    for (const good of ['000000', '123456', '999999']) expect(isPhoneCodeFormat(good), good).toBe(true);
    for (const bad of ['', '12345', '1234567', '12345a', '１２３４５６', ' 123456', '12 3456']) {
      expect(isPhoneCodeFormat(bad), bad).toBe(false);
    }
  });

  it('are sent in a text that starts with the code and says how long it lasts', () => {
    const text = phoneCodeMessage('012345', 'sms');
    expect(text.startsWith('012345 is your Verity code.')).toBe(true);
    expect(text).toContain('expires in 10 minutes');
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('are read out digit by digit, twice, on a voice call', () => {
    const call = phoneCodeMessage('012345', 'voice');
    expect(call.match(/0, 1, 2, 3, 4, 5/g)).toHaveLength(2);
    expect(call).not.toContain('012345');
  });
});

describe('End User Messaging sender', () => {
  it('offers voice calls only with an origination identity, which SendVoiceMessage requires', () => {
    expect(endUserMessagingSender().channels).toEqual(['sms']);
    expect(endUserMessagingSender({ originationIdentity: 'pool-123' }).channels).toEqual(['sms', 'voice']);
  });
});
