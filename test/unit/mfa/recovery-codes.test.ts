import { describe, expect, it } from 'vitest';
import {
  newRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
} from '../../../lambdas/mfa/recovery-codes.ts';

describe('recovery codes', () => {
  it('come ten at a time, all different, grouped by four, without look-alike characters', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){2}$/);
  });

  it('are read whatever the case, spaces and dashes', () => {
    expect(normalizeRecoveryCode(' kzv8-c68r ckgz ')).toBe('KZV8C68RCKGZ');
    for (const bad of ['', 'KZV8-C68R', 'KZV8-C68R-CKGZ-X', 'KZV8-C68R-CKG0', 'KZV8-C68R-CKGI']) {
      expect(normalizeRecoveryCode(bad), bad).toBeUndefined();
    }
  });

  it('are stored as hashes keyed by the account, so one code means nothing for another account', () => {
    expect(recoveryCodeHash('a', 'KZV8C68RCKGZ')).toBe(recoveryCodeHash('a', 'KZV8C68RCKGZ'));
    expect(recoveryCodeHash('a', 'KZV8C68RCKGZ')).not.toBe(recoveryCodeHash('b', 'KZV8C68RCKGZ'));
    expect(recoveryCodeHash('a', 'KZV8C68RCKGZ')).not.toContain('KZV8');
  });
});
