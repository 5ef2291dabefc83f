/**
 * What a partner receives, in the member's words: one list for the Authorize screen and for
 * Connected partners, so that both always say the same thing.
 */
import type { PartnerClaim } from './partner.ts';

export const CLAIM_WORDS: Record<PartnerClaim, string> = {
  email: 'Your primary email',
  email_verified: 'That your primary email is confirmed',
  all_emails: 'All your confirmed emails',
  given_name: 'Your verified first name',
  family_name: 'Your verified last name',
  birthdate: 'Your verified date of birth',
  address: 'Your verified address',
  phone_number: 'Your verified phone number',
  social_security_number: 'Your verified Social Security number',
  verified_at: 'When your identity was verified',
};

/** Every partner receives an identifier of its own for the member (the pairwise `sub`). */
export const identifierWords = (partnerName: string) =>
  `An identifier for you that only ${partnerName} receives`;

export const assuranceWords = (ial: 1 | 2) =>
  ial === 2
    ? 'That your identity is verified, and that you signed in with a password and a second factor'
    : 'That you signed in with a password and a second factor';
