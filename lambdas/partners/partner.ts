/**
 * A partner (an OpenID Connect relying party) as Verity keeps it: its RFC 7591 client metadata
 * and Verity's policy on top. The partner admin API writes it (lambdas/partners/registration.ts),
 * the OIDC provider reads it as a client through its adapter at every request, so an edit applies
 * at once. Stored in the partners table (lambdas/store/partners.ts).
 */

/** Client authentication a partner may register; `client_secret_post` and `none` are refused. */
export type PartnerAuthMethod = 'private_key_jwt' | 'client_secret_basic';

/**
 * The claims that only a verified identity (IAL2) can back: served once a verified identity
 * exists and was consented to (identity verification).
 */
export const IAL2_CLAIMS = [
  'given_name',
  'family_name',
  'birthdate',
  'address',
  'phone_number',
  'social_security_number',
  'verified_at',
] as const;

/** What a partner may receive, claim by claim (the names partners see in ID tokens and userinfo). */
export const PARTNER_CLAIMS = ['email', 'email_verified', 'all_emails', ...IAL2_CLAIMS] as const;
export type PartnerClaim = (typeof PARTNER_CLAIMS)[number];

/** RFC 7591 client metadata, by its registered names. */
export interface PartnerMetadata {
  readonly client_name: string;
  readonly redirect_uris: readonly string[];
  readonly token_endpoint_auth_method: PartnerAuthMethod;
  /** private_key_jwt: the partner's public keys inline... */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** ...or where to fetch them. */
  readonly jwks_uri?: string;
  /** Space-separated scopes the partner may ask for (`openid` always among them). */
  readonly scope: string;
  readonly post_logout_redirect_uris: readonly string[];
  readonly contacts: readonly string[];
  /** ID tokens are RS256 unless the partner registers ES256. */
  readonly id_token_signed_response_alg?: 'RS256' | 'ES256';
}

/** Verity's policy: what the partner must get at least, and what it may get at most. */
export interface PartnerPolicy {
  /** The identity assurance floor: 2 needs a verified identity. A request cannot ask for less. */
  readonly minimumIal: 1 | 2;
  /** The authenticator assurance floor. Partners always get AAL2: a password and a second factor. */
  readonly minimumAal: 2;
  /** The member's primary email must equal the email the partner sends in `login_hint`. */
  readonly emailMustMatchLoginHint: boolean;
  /** A browser the member chose to remember counts as the second factor for this partner. */
  readonly rememberedBrowserCounts: boolean;
  /** The claims the partner may receive; a request for others is ignored. */
  readonly claims: readonly PartnerClaim[];
  /** An IAL2 identity verified longer ago than this many days is verified again (none: any age). */
  readonly verifiedWithinDays?: number;
}

export interface Partner {
  readonly clientId: string;
  readonly metadata: PartnerMetadata;
  readonly policy: PartnerPolicy;
  /** client_secret_basic: the keyed hash (pepper MAC) of the secret; the secret itself is shown once. */
  readonly secretHash?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
