/**
 * What the demo partner app is configured with: the content of `.verity/demo-partners.json`,
 * which `npm start` writes once it has registered the two demo partners at Verity
 * (lib/local/demo-partners.ts). The app reads nothing else of Verity.
 */

/** A private JWK (RSA, RS256) as JSON: the key Demo XMS signs its client assertions with. */
export type PrivateJwk = JsonWebKey & { readonly kid?: string; readonly alg?: string };

export interface DemoPartners {
  /** The Verity issuer the partners were registered at. */
  readonly issuer: string;
  /** Demo XMS: `private_key_jwt`, scope `openid email`, always sends `login_hint`. */
  readonly xms: {
    readonly client_id: string;
    readonly redirect_uri: string;
    readonly post_logout_redirect_uri: string;
    readonly private_jwk: PrivateJwk;
    /** An XMS account of its own (email and password) that exists from the start. */
    readonly account: { readonly email: string; readonly password: string };
  };
  /** Demo IRS: `client_secret_basic`, scope `openid email all_emails`. */
  readonly irs: {
    readonly client_id: string;
    readonly client_secret: string;
    readonly redirect_uri: string;
    readonly post_logout_redirect_uri: string;
  };
}

/** Where each app receives Verity's answers and where Verity sends a member after signing out. */
export const demoPartnerPaths = {
  xms: { redirect: '/xms/callback', postLogout: '/xms/signed-out' },
  irs: { redirect: '/irs/callback', postLogout: '/irs/signed-out' },
} as const;
