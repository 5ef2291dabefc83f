import { describe, expect, it } from 'vitest';
import { assuranceAfterPassword } from '../../../lambdas/accounts/sign-in.ts';

describe('what a password alone earns', () => {
  it('is setting up a first method when the account has none', () => {
    expect(assuranceAfterPassword({}, false)).toEqual({ aal: 1, pendingMfa: 'setup' });
    expect(assuranceAfterPassword({ mfaCount: 0 }, true)).toEqual({ aal: 1, pendingMfa: 'setup' });
  });

  it('is the second step when the account has methods', () => {
    expect(assuranceAfterPassword({ mfaCount: 2 }, false)).toEqual({ aal: 1, pendingMfa: 'challenge' });
  });

  it('is AAL2 only from a remembered browser', () => {
    expect(assuranceAfterPassword({ mfaCount: 1 }, true)).toEqual({ aal: 2, viaRememberedBrowser: true });
  });
});
