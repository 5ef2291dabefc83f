/**
 * The member as the provider sees them: `findAccount` and the claims a partner may receive. The
 * claims are read only when an ID token or userinfo answer needs them; the provider filters them
 * to what the grant holds, and the grant holds only what the member allowed and the partner's
 * policy lets it have (the verified claims only in an IAL2 sign-in: request.ts).
 */
import { memberEmails } from '../emails/member-emails.ts';
import { IAL2_CLAIMS } from '../partners/partner.ts';
import type { PersonDetails } from '../verification/ports.ts';
import { SCOPE_CLAIMS } from './scope-claims.ts';

export type MemberClaims = {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly all_emails?: string[];
  readonly given_name?: string;
  readonly family_name?: string;
  readonly birthdate?: string;
  readonly address?: {
    readonly street_address: string;
    readonly locality: string;
    readonly region: string;
    readonly postal_code: string;
    readonly country: string;
  };
  readonly phone_number?: string;
  readonly social_security_number?: string;
  /** When the identity was verified, ISO 8601 (as OpenID Connect for Identity Assurance writes it). */
  readonly verified_at?: string;
};

/** The verified identity the claims come from: decrypted only when a verified claim is asked for. */
export type VerifiedIdentitySource = (
  accountId: string,
) => Promise<{ readonly person: PersonDetails; readonly verifiedAt: string } | undefined>;

/** What oidc-provider's `findAccount` returns. */
export type ProviderAccount = {
  readonly accountId: string;
  claims(use: string, scope: string, claims?: Record<string, unknown>): Promise<MemberClaims>;
};

const VERIFIED = new Set<string>(IAL2_CLAIMS);

/** The scopes and named claims of an answer ask for a verified claim. */
function asksForVerified(scope: string, claims: Record<string, unknown> | undefined): boolean {
  const fromScopes = scope
    .split(' ')
    .flatMap((s) => (SCOPE_CLAIMS as Record<string, readonly string[]>)[s] ?? []);
  return [...fromScopes, ...Object.keys(claims ?? {})].some((claim) => VERIFIED.has(claim));
}

export function verifiedClaims(person: PersonDetails, verifiedAt: string): MemberClaims & { sub: '' } {
  return {
    sub: '',
    given_name: person.givenName,
    family_name: person.familyName,
    birthdate: person.birthdate,
    address: {
      street_address: person.street,
      locality: person.city,
      region: person.state,
      postal_code: person.postalCode,
      country: 'US',
    },
    phone_number: person.phone,
    social_security_number: person.ssn,
    verified_at: verifiedAt,
  };
}

export function providerAccount(accountId: string, identity: VerifiedIdentitySource): ProviderAccount {
  return {
    accountId,
    async claims(_use, scope, claims) {
      const [{ primary, confirmed }, verified] = await Promise.all([
        memberEmails(accountId),
        asksForVerified(scope ?? '', claims) ? identity(accountId) : undefined,
      ]);
      return {
        ...(verified ? verifiedClaims(verified.person, verified.verifiedAt) : {}),
        sub: accountId,
        ...(primary ? { email: primary.address, email_verified: true } : {}),
        all_emails: confirmed.map((email) => email.address),
      };
    },
  };
}
