/**
 * Consent: what the Authorize screen shows, in the member's words, and the grant that Allow
 * makes. A partner receives the claims of the scopes it asked for (and the claims it asked for
 * by name), within what its policy allows; the link item remembers the member's answer.
 */
import type Provider from 'oidc-provider';
import { assuranceWords, CLAIM_WORDS, identifierWords } from '../partners/claim-words.ts';
import { IAL2_CLAIMS, type PartnerClaim, type PartnerPolicy } from '../partners/partner.ts';
import type { LinkItem } from '../store/links.ts';
import type { PersonDetails } from '../verification/ports.ts';
import { SCOPE_CLAIMS } from './scope-claims.ts';

/** What the partner will receive if the member selects Allow. */
export interface ConsentRequest {
  /** OIDC scopes granted (openid included). */
  readonly scopes: readonly string[];
  /** Claims granted, within the partner's policy. */
  readonly claims: readonly PartnerClaim[];
  /** Claims asked for that the policy does not allow: rejected, never shown as shared. */
  readonly rejected: readonly string[];
}

const claimsOfScope = (scope: string): readonly string[] =>
  (SCOPE_CLAIMS as Record<string, readonly string[]>)[scope] ?? [];

export function consentRequest(
  policy: Pick<PartnerPolicy, 'claims'>,
  requestedScopes: readonly string[],
  requestedClaims: readonly string[],
  ial: 1 | 2 = 2,
): ConsentRequest {
  const verified = new Set<string>(IAL2_CLAIMS);
  const allowed = new Set<string>(policy.claims.filter((claim) => ial === 2 || !verified.has(claim)));
  const asked = new Set([...requestedScopes.flatMap(claimsOfScope), ...requestedClaims]);
  asked.delete('sub');
  const claims = [...asked].filter((claim) => allowed.has(claim)) as PartnerClaim[];
  const rejected = [...asked].filter((claim) => !allowed.has(claim) && !STANDARD.has(claim));
  return { scopes: [...new Set(requestedScopes)], claims, rejected };
}

/** Claims every ID token carries, never a matter of consent. */
const STANDARD = new Set(['sub', 'acr', 'amr', 'auth_time', 'sid', 'iss']);

/** One line of the Authorize screen: what, and its value where there is one to show. */
export interface SharedItem {
  readonly label: string;
  readonly value?: string;
}

/** What the Authorize screen shows of each verified claim: the value, the SSN only by its last four. */
function verifiedValue(claim: (typeof IAL2_CLAIMS)[number], person: PersonDetails, verifiedAt?: string) {
  switch (claim) {
    case 'given_name':
      return person.givenName;
    case 'family_name':
      return person.familyName;
    case 'birthdate':
      return person.birthdate;
    case 'address':
      return `${person.street}, ${person.city}, ${person.state} ${person.postalCode}`;
    case 'phone_number':
      return person.phone;
    case 'social_security_number':
      return `***-**-${person.ssn.slice(-4)}`;
    case 'verified_at':
      return verifiedAt?.slice(0, 10);
  }
}

export function sharedItems(
  consent: ConsentRequest,
  member: {
    primaryEmail?: string;
    allEmails: readonly string[];
    verified?: PersonDetails;
    verifiedAt?: string;
  },
  partnerName: string,
  ial: 1 | 2,
): SharedItem[] {
  const items: SharedItem[] = [{ label: identifierWords(partnerName) }];
  if (consent.claims.includes('email')) items.push({ label: CLAIM_WORDS.email, value: member.primaryEmail });
  if (consent.claims.includes('all_emails')) {
    items.push({ label: CLAIM_WORDS.all_emails, value: member.allEmails.join(', ') });
  }
  for (const claim of IAL2_CLAIMS) {
    if (!consent.claims.includes(claim)) continue;
    const value = member.verified ? verifiedValue(claim, member.verified, member.verifiedAt) : undefined;
    items.push({ label: CLAIM_WORDS[claim], ...(value ? { value } : {}) });
  }
  items.push({ label: assuranceWords(ial) });
  if (consent.scopes.includes('offline_access')) {
    items.push({ label: `Continued access while you are away, until you disconnect ${partnerName}` });
  }
  return items;
}

type GrantLike = InstanceType<Provider['Grant']>;

/** The grant Allow makes: the scopes and claims the member allowed, the rest rejected. */
export function fillGrant(grant: GrantLike, consent: ConsentRequest): GrantLike {
  grant.addOIDCScope(consent.scopes.join(' '));
  if (consent.claims.length > 0) grant.addOIDCClaims([...consent.claims]);
  if (consent.rejected.length > 0) grant.rejectOIDCClaims([...consent.rejected]);
  return grant;
}

/** A grant rebuilt from the member's remembered consent. */
export function grantFromLink(provider: Provider, link: LinkItem): GrantLike {
  const grant = new provider.Grant({ accountId: link.accountId, clientId: link.partnerId });
  const allowed = new Set(link.claims);
  const rejected = link.scopes
    .flatMap(claimsOfScope)
    .filter((claim) => !allowed.has(claim) && !STANDARD.has(claim));
  return fillGrant(grant, { scopes: link.scopes, claims: link.claims as PartnerClaim[], rejected });
}
