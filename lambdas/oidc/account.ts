/**
 * The member as the provider sees them: `findAccount` and the claims a partner may receive. The
 * claims are read only when an ID token or userinfo answer needs them; the provider filters them
 * to what the grant holds, and the grant holds only what the member allowed and the partner's
 * policy lets it have.
 */
import { memberEmails } from '../emails/member-emails.ts';

export type MemberClaims = {
  readonly sub: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly all_emails?: string[];
};

/** What oidc-provider's `findAccount` returns. */
export type ProviderAccount = {
  readonly accountId: string;
  claims(): Promise<MemberClaims>;
};

export function providerAccount(accountId: string): ProviderAccount {
  return {
    accountId,
    async claims() {
      const { primary, confirmed } = await memberEmails(accountId);
      return {
        sub: accountId,
        ...(primary ? { email: primary.address, email_verified: true } : {}),
        all_emails: confirmed.map((email) => email.address),
      };
    },
  };
}
