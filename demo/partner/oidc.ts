/**
 * One relying party at Verity, through openid-client: discovery on first use (Verity may start
 * after the app, and a failed discovery is tried again next time), the authorization request with
 * `state`, `nonce` and PKCE S256 every time, the code exchange with all three checked, userinfo,
 * and RP-initiated logout.
 */
import * as client from 'openid-client';

export interface RelyingPartyOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly scope: string;
  /** How the client authenticates at the token endpoint (built once, at first use). */
  readonly authentication: () => Promise<client.ClientAuth>;
}

/** What the app keeps of an authorization request until its answer comes back. */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** What the request was for, in the app's own words ("sign-in", "link"). */
  readonly purpose: string;
  /** The app's account the request was started for, when there was one. */
  readonly accountId?: string;
}

export interface SignedIn {
  readonly idToken: string;
  readonly idTokenClaims: client.IDToken;
  readonly userinfo: client.UserInfoResponse;
}

/** http is allowed for a loopback issuer only (the local Verity); anything else must be https. */
export function isLoopbackHttp(issuer: URL): boolean {
  return (
    issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname.toLowerCase())
  );
}

export class RelyingParty {
  readonly #options: RelyingPartyOptions;
  readonly #issuer: URL;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(options: RelyingPartyOptions) {
    this.#options = options;
    this.#issuer = new URL(options.issuer);
    if (this.#issuer.protocol !== 'https:' && !isLoopbackHttp(this.#issuer)) {
      throw new Error(`the issuer must be https (http only on a loopback address), not ${options.issuer}`);
    }
  }

  /** The discovered configuration, fetched at first use; after a failure the next use tries again. */
  configuration(): Promise<client.Configuration> {
    if (!this.#configuration) {
      const { clientId, authentication } = this.#options;
      this.#configuration = authentication()
        .then((auth) =>
          client.discovery(this.#issuer, clientId, undefined, auth, {
            execute: isLoopbackHttp(this.#issuer) ? [client.allowInsecureRequests] : [],
            timeout: 10,
          }),
        )
        .catch((error: unknown) => {
          this.#configuration = undefined;
          throw error;
        });
    }
    return this.#configuration;
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async authorizationRequest(
    purpose: Pick<PendingAuthorization, 'purpose' | 'accountId'>,
    parameters: Record<string, string> = {},
  ): Promise<{ url: URL; pending: PendingAuthorization }> {
    const configuration = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingAuthorization = {
      ...purpose,
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
    };
    const url = client.buildAuthorizationUrl(configuration, {
      scope: this.#options.scope,
      ...parameters,
      redirect_uri: this.#options.redirectUri,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * The answer at the redirect URI, exchanged for tokens: state, nonce and the PKCE verifier all
   * checked, the ID token validated, then userinfo for the same subject. `query` is the callback
   * request's query string; the redirect URI is the registered one, never the Host header.
   */
  async finish(query: URLSearchParams, pending: PendingAuthorization): Promise<SignedIn> {
    const configuration = await this.configuration();
    const currentUrl = new URL(this.#options.redirectUri);
    currentUrl.search = query.toString();
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idTokenClaims = tokens.claims();
    if (!tokens.id_token || !idTokenClaims) throw new Error('Verity returned no ID token');
    const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idTokenClaims.sub);
    return { idToken: tokens.id_token, idTokenClaims, userinfo };
  }

  /** Verity's end-session URL for this ID token, or nothing when Verity has no end-session endpoint. */
  async endSessionUrl(idToken: string): Promise<URL | undefined> {
    const configuration = await this.configuration();
    if (!configuration.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: this.#options.postLogoutRedirectUri,
    });
  }
}

/** `private_key_jwt` with a private JWK (RS256): the key is imported once, not extractable. */
export function privateKeyJwt(jwk: JsonWebKey & { kid?: string }): () => Promise<client.ClientAuth> {
  return async () => {
    const {
      kid,
      alg: _alg,
      use: _use,
      key_ops: _ops,
      ...material
    } = jwk as JsonWebKey & { kid?: string; use?: string };
    const key = await crypto.subtle.importKey(
      'jwk',
      material,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    return client.PrivateKeyJwt(kid ? { key, kid } : key);
  };
}

export function clientSecretBasic(secret: string): () => Promise<client.ClientAuth> {
  return async () => client.ClientSecretBasic(secret);
}
