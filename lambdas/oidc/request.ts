/**
 * What an authorization request asks for, read from its parameters (as the provider keeps them:
 * `scope`, `acr_values`, and `claims` as a JSON string): the one reading that the provider's
 * login check and the interaction pages share.
 */
import type { PartnerPolicy } from '../partners/partner.ts';
import {
  type AssuranceRequest,
  identityCounts,
  mayNeedIdentity,
  type Requirement,
  requirementOf,
} from './assurance.ts';
import { type ConsentRequest, consentRequest } from './consent.ts';

export type RequestParameters = Readonly<Record<string, unknown>>;

interface ClaimsParameter {
  id_token?: Record<string, { essential?: boolean; values?: string[]; value?: string } | null>;
  userinfo?: Record<string, unknown>;
}

/** The `claims` parameter; the provider has refused a request whose JSON is not an object. */
function claimsParameterOf(params: RequestParameters): ClaimsParameter | undefined {
  if (typeof params.claims !== 'string') return undefined;
  try {
    return JSON.parse(params.claims) as ClaimsParameter;
  } catch {
    return undefined;
  }
}

export function assuranceRequestOf(params: RequestParameters): AssuranceRequest {
  const acr = claimsParameterOf(params)?.id_token?.acr;
  return {
    acrValues: typeof params.acr_values === 'string' ? params.acr_values : undefined,
    scope: typeof params.scope === 'string' ? params.scope : undefined,
    essentialAcrs: acr?.essential ? (acr.values ?? (acr.value ? [acr.value] : [])) : undefined,
  };
}

/** What this request needs, after the partner's floor, for a member whose identity counts or not. */
const requirementOfRequest = (
  policy: Pick<PartnerPolicy, 'minimumIal' | 'rememberedBrowserCounts'>,
  params: RequestParameters,
  identityVerified: boolean,
): Requirement => requirementOf(policy, assuranceRequestOf(params), identityVerified);

/**
 * What this request needs of the member signed in (if anyone is): their verified identity is
 * read only when the request could need it, and counts only within the partner's
 * `verified_within_days`. The provider's login check and the interaction page both ask here.
 */
export async function memberRequirement<I extends { readonly verifiedAt: string }>(
  policy: Pick<PartnerPolicy, 'minimumIal' | 'rememberedBrowserCounts' | 'verifiedWithinDays'>,
  params: RequestParameters,
  accountId: string | undefined,
  identityOf: (accountId: string) => Promise<I | undefined>,
  now: Date,
): Promise<{ requirement: Requirement; identity: I | undefined; identityVerified: boolean }> {
  const identity =
    accountId && mayNeedIdentity(policy, assuranceRequestOf(params))
      ? await identityOf(accountId)
      : undefined;
  const identityVerified = identityCounts(identity?.verifiedAt, policy.verifiedWithinDays, now);
  return { requirement: requirementOfRequest(policy, params, identityVerified), identity, identityVerified };
}

/**
 * What the partner asked to receive, by scope and by name, within the scopes it registered. The
 * verified claims (IAL2) are shared only in an IAL2 sign-in: a partner that asked for less does
 * not receive them.
 */
export function consentRequestOf(
  policy: Pick<PartnerPolicy, 'claims'>,
  registeredScope: string,
  params: RequestParameters,
  ial: 1 | 2,
): ConsentRequest {
  const registered = new Set(registeredScope.split(' '));
  const scopes = String(params.scope ?? 'openid')
    .split(' ')
    .filter((scope) => registered.has(scope));
  const claims = claimsParameterOf(params);
  const named = [...Object.keys(claims?.id_token ?? {}), ...Object.keys(claims?.userinfo ?? {})];
  return consentRequest(policy, scopes, named, ial);
}
