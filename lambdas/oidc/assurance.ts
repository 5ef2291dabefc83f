/**
 * Assurance: what a partner's request needs and what the ID token's `acr` says about it.
 *
 * Partners ask with `acr_values` (the idmanagement.gov URIs), with an essential `acr` claim, or
 * with ID.me-style policy scopes that map onto the same levels (docs/partners.md):
 *
 * | asked with                                          | identity (IAL) | authenticator (AAL) |
 * |-----------------------------------------------------|----------------|---------------------|
 * | `http://idmanagement.gov/ns/assurance/ial/1`        | 1              | 2                   |
 * | `http://idmanagement.gov/ns/assurance/aal/2`        | 1              | 2                   |
 * | `http://idmanagement.gov/ns/assurance/ial/2`        | 2              | 2                   |
 * | scope `login`                                       | 1              | 2                   |
 * | scope `http://idmanagement.gov/ns/assurance/ial/2/aal/2` | 2         | 2                   |
 *
 * The partner's registered policy is a floor: asking for less than it still gets it. Every
 * sign-in for a partner is AAL2 (a password and a second factor).
 */
import type { PartnerPolicy } from '../partners/partner.ts';
import type { SecondFactorUsed } from '../store/items.ts';

export const ACR = {
  ial1: 'http://idmanagement.gov/ns/assurance/ial/1',
  ial2: 'http://idmanagement.gov/ns/assurance/ial/2',
  aal2: 'http://idmanagement.gov/ns/assurance/aal/2',
} as const;
export type AcrValue = (typeof ACR)[keyof typeof ACR];
export const ACR_VALUES: readonly AcrValue[] = [ACR.ial1, ACR.ial2, ACR.aal2];

/** ID.me-style policy scopes: asking with one is asking for the assurance it names. */
export const POLICY_SCOPES = {
  login: { ial: 1 },
  'http://idmanagement.gov/ns/assurance/ial/2/aal/2': { ial: 2 },
} as const satisfies Record<string, { ial: 1 | 2 }>;

/** What one authorization request needs, after the partner's floor. */
export interface Requirement {
  readonly ial: 1 | 2;
  readonly aal: 2;
  /** A remembered browser stands in for the second factor (the partner's policy says so). */
  readonly rememberedBrowserCounts: boolean;
  /** The `acr` the ID token carries. */
  readonly acr: AcrValue;
}

export interface AssuranceRequest {
  /** `acr_values`, space-separated, as sent. */
  readonly acrValues?: string;
  /** `scope`, space-separated, as sent. */
  readonly scope?: string;
  /** Values of an essential `acr` claim (`claims.id_token.acr`), if any. */
  readonly essentialAcrs?: readonly string[];
}

const words = (value: string | undefined): string[] => (value ?? '').split(' ').filter(Boolean);

/**
 * `acr_values` is a list of values the partner accepts, in order of preference (OpenID Connect
 * Core 3.1.2.1), and so are the values of an essential `acr` claim: Verity takes the first it can
 * meet that is not below the partner's floor. When none can be met (an IAL2 value for a member
 * without a verified identity), the first one at or above the floor is the requirement, and the
 * member is led to meet it. Asking for nothing, or only for less than the floor, gets the floor.
 */
export function requirementOf(
  policy: Pick<PartnerPolicy, 'minimumIal' | 'rememberedBrowserCounts'>,
  request: AssuranceRequest,
  /** The member has a verified identity (IAL2) that this partner accepts (identityCounts). */
  identityVerified: boolean,
): Requirement {
  const fromScopes = words(request.scope).flatMap((scope): AcrValue[] => {
    const policyScope = (POLICY_SCOPES as Record<string, { ial: 1 | 2 }>)[scope];
    if (!policyScope) return [];
    return [policyScope.ial === 2 ? ACR.ial2 : ACR.aal2];
  });
  const asked = request.essentialAcrs?.length
    ? request.essentialAcrs
    : [...words(request.acrValues), ...fromScopes];
  const known = asked.filter((value): value is AcrValue => (ACR_VALUES as readonly string[]).includes(value));
  const aboveFloor = known.filter((value) => policy.minimumIal === 1 || value === ACR.ial2);
  const floor: AcrValue = policy.minimumIal === 2 ? ACR.ial2 : ACR.ial1;
  const acr = aboveFloor.find((value) => value !== ACR.ial2 || identityVerified) ?? aboveFloor[0] ?? floor;
  return {
    ial: acr === ACR.ial2 ? 2 : 1,
    aal: 2,
    rememberedBrowserCounts: policy.rememberedBrowserCounts,
    acr,
  };
}

/**
 * Whether this request could need a verified identity (an IAL2 value asked, or the partner's
 * floor): only then is the member's identity read.
 */
export function mayNeedIdentity(
  policy: Pick<PartnerPolicy, 'minimumIal'>,
  request: AssuranceRequest,
): boolean {
  if (policy.minimumIal === 2) return true;
  const asked = [...(request.essentialAcrs ?? []), ...words(request.acrValues)];
  return (
    asked.includes(ACR.ial2) ||
    words(request.scope).some((scope) => {
      const policyScope = (POLICY_SCOPES as Record<string, { ial: 1 | 2 }>)[scope];
      return policyScope?.ial === 2;
    })
  );
}

/**
 * A verified identity counts for a partner unless the partner's policy wants one verified within
 * the last `verifiedWithinDays` days and this one is older: then the member verifies again.
 */
export function identityCounts(
  verifiedAt: string | undefined,
  verifiedWithinDays: number | undefined,
  now: Date,
): boolean {
  if (!verifiedAt) return false;
  if (verifiedWithinDays === undefined) return true;
  return now.getTime() - Date.parse(verifiedAt) <= verifiedWithinDays * 24 * 3600 * 1000;
}

/**
 * An essential `acr` the partner's floor makes impossible (a partner whose floor is IAL2 asking
 * for exactly `ial/1`): the request ends with `unmet_authentication_requirements`, not a loop.
 */
export const unmetEssentialAcr = (requirement: Requirement, request: AssuranceRequest): boolean =>
  request.essentialAcrs !== undefined &&
  request.essentialAcrs.length > 0 &&
  !request.essentialAcrs.includes(requirement.acr);

/**
 * The RFC 8176 `amr` of a sign-in: the password, the second factor that passed (a recovery code
 * has no RFC 8176 name of its own), and `mfa`. A remembered browser is a key held by the browser
 * (`swk`) standing in for the second factor.
 */
export function amrOf(secondFactor: SecondFactorUsed | 'remembered' | undefined): string[] {
  if (!secondFactor) return ['pwd'];
  if (secondFactor === 'rec') return ['pwd', 'mfa'];
  return ['pwd', secondFactor === 'remembered' ? 'swk' : secondFactor, 'mfa'];
}
