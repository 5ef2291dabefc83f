/**
 * What Profile says about the member's identity: verified (and how, and when), a verification
 * under way, a place in the video call queue, or an attempt that ended without one. Pure.
 */
import { nextStep, type VerificationAttempt } from './attempt.ts';

export type IdentityStatus =
  | { readonly kind: 'verified'; readonly verifiedAt: string; readonly method: 'self-service' | 'video' }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'in-video' }
  | { readonly kind: 'not-verified' }
  | { readonly kind: 'none' };

export function identityStatus(
  identity: { readonly verifiedAt: string; readonly method: 'self-service' | 'video' } | undefined,
  attempt: VerificationAttempt | undefined,
): IdentityStatus {
  // Verifying again does not make a verified identity less verified until the new one replaces it.
  if (identity) return { kind: 'verified', verifiedAt: identity.verifiedAt, method: identity.method };
  if (!attempt) return { kind: 'none' };
  const step = nextStep(attempt);
  if (step === 'video') return { kind: 'in-video' };
  if (step === 'result') return { kind: 'not-verified' };
  return { kind: 'in-progress' };
}
