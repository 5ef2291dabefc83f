/** What the pages call each kind of sign-in method, in the member's words. */
import type { FactorKind } from '../store/factors.ts';

export const factorKindNames: Record<FactorKind, string> = {
  totp: 'Authenticator app',
  phone: 'Text or voice message',
  webauthn: 'Security key or passkey',
};
