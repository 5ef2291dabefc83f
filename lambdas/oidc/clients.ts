/**
 * A partner as the provider's client: its RFC 7591 metadata, what Verity fixes for every partner
 * (code flow only, pairwise subjects), and Verity's policy under `verity_policy`.
 */
import type { Partner, PartnerPolicy } from '../partners/partner.ts';

/** The extra client metadata property that carries Verity's policy to the provider's hooks. */
export const POLICY_PROPERTY = 'verity_policy';

export function clientMetadataOf(partner: Partner): Record<string, unknown> {
  const { metadata } = partner;
  const scopes = metadata.scope.split(' ');
  return {
    client_id: partner.clientId,
    client_name: metadata.client_name,
    redirect_uris: [...metadata.redirect_uris],
    post_logout_redirect_uris: [...metadata.post_logout_redirect_uris],
    contacts: [...metadata.contacts],
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    ...(metadata.jwks ? { jwks: metadata.jwks } : {}),
    ...(metadata.jwks_uri ? { jwks_uri: metadata.jwks_uri } : {}),
    // The keyed hash of the secret: the provider compares it with the hash of what the partner
    // sends (lambdas/handlers/oidc/client-secret.ts), so the secret itself is stored nowhere.
    ...(partner.secretHash ? { client_secret: partner.secretHash } : {}),
    scope: metadata.scope,
    grant_types: scopes.includes('offline_access')
      ? ['authorization_code', 'refresh_token']
      : ['authorization_code'],
    response_types: ['code'],
    subject_type: 'pairwise',
    id_token_signed_response_alg: metadata.id_token_signed_response_alg ?? 'RS256',
    [POLICY_PROPERTY]: partner.policy,
  };
}

/** The policy a provider client carries. */
export const policyOf = (client: { metadata(): Record<string, unknown> }): PartnerPolicy =>
  client.metadata()[POLICY_PROPERTY] as PartnerPolicy;
