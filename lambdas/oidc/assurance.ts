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

export function requirementOf(
  policy: Pick<PartnerPolicy, 'minimumIal' | 'rememberedBrowserCounts'>,
  request: AssuranceRequest,
): Requirement {
  const asked = new Set([...words(request.acrValues), ...(request.essentialAcrs ?? [])]);
  const scopes = words(request.scope);
  const askedIal2 =
    asked.has(ACR.ial2) ||
    scopes.some((scope) => (POLICY_SCOPES as Record<string, { ial: number }>)[scope]?.ial === 2);
  const ial: 1 | 2 = policy.minimumIal === 2 || askedIal2 ? 2 : 1;
  const askedAal2 = asked.has(ACR.aal2) || scopes.includes('login');
  const acr: AcrValue = ial === 2 ? ACR.ial2 : askedAal2 ? ACR.aal2 : ACR.ial1;
  return { ial, aal: 2, rememberedBrowserCounts: policy.rememberedBrowserCounts, acr };
}

/**
 * An essential `acr` the requirement cannot give (a partner whose floor is IAL2 asking for
 * exactly `ial/1`): the request ends with `unmet_authentication_requirements`, not a loop.
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
