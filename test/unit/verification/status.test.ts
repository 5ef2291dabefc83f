import { describe, expect, it } from 'vitest';
import type { VerificationAttempt } from '../../../lambdas/verification/attempt.ts';
import { identityStatus } from '../../../lambdas/verification/status.ts';

const attempt = (over: Partial<VerificationAttempt> = {}): VerificationAttempt => ({
  attemptId: 'a'.repeat(22),
  startedAt: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:00.000Z',
  revision: 1,
  consentedAt: '2026-11-29T10:00:00.000Z',
  biometricConsentAt: '2026-11-29T10:00:00.000Z',
  uploads: {},
  ...over,
});

describe('what Profile says of the identity', () => {
  it('is verified while a new verification is under way', () => {
    const identity = { verifiedAt: '2026-01-01T00:00:00.000Z', method: 'self-service' as const };
    expect(identityStatus(identity, attempt()).kind).toBe('verified');
  });

  it('follows the attempt: under way, in the video queue (even after records could not verify), or ended', () => {
    expect(identityStatus(undefined, undefined).kind).toBe('none');
    expect(identityStatus(undefined, attempt()).kind).toBe('in-progress');
    expect(identityStatus(undefined, attempt({ outcome: 'could-not-verify' })).kind).toBe('not-verified');
    expect(identityStatus(undefined, attempt({ outcome: 'could-not-verify', queueEntry: 'x' })).kind).toBe(
      'in-video',
    );
    expect(identityStatus(undefined, attempt({ outcome: 'denied', queueEntry: 'x' })).kind).toBe(
      'not-verified',
    );
  });
});
