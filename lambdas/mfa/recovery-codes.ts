/**
 * Recovery codes: 10 single-use codes, shown once, stored only as hashes. 12 characters of an
 * alphabet without look-alikes (0/O, 1/I/L, U/V; 59 bits each) grouped by 4 so they can be written down. The
 * hash is keyed with the account id: a code of one account says nothing about another.
 */
import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
export const LOW_RECOVERY_CODES = 3;
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 12;

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return raw.replace(/(.{4})(?=.)/g, '$1-');
  });
}

/** Case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '');
  return cleaned.length === LENGTH && [...cleaned].every((c) => ALPHABET.includes(c)) ? cleaned : undefined;
}

export const recoveryCodeHash = (accountId: string, code: string): string =>
  createHash('sha256').update(`${accountId}:${code}`).digest('base64url');
