/**
 * The provider: oidc-provider (OpenID Certified) with Verity's configuration. Everything of the
 * protocol is the library's; Verity gives it storage (the DynamoDB adapter), clients (partners),
 * accounts and claims, keys, the interaction policy that asks Verity's own session, and the
 * partner policy's floor. The profile is in docs/partners.md.
 */
import { createHmac } from 'node:crypto';
import Provider, {
  type Client,
  type Configuration,
  errors,
  interactionPolicy,
  type KoaContextWithOIDC,
  type Session,
} from 'oidc-provider';
import type { Partner } from '../partners/partner.ts';
import type { SessionItem } from '../store/items.ts';
import type { LinkItem } from '../store/links.ts';
import * as links from '../store/links.ts';
import { DynamoDbOidcAdapter, requestClock } from '../store/oidc-models.ts';
import { providerAccount, type VerifiedIdentitySource } from './account.ts';
import { ACR_VALUES, POLICY_SCOPES, type Requirement } from './assurance.ts';
import { clientMetadataOf, POLICY_PROPERTY, policyOf } from './clients.ts';
import { grantFromLink } from './consent.ts';
import { PROVIDER_COOKIES } from './cookie-names.ts';
import { memberRequirement } from './request.ts';
import { SCOPE_CLAIMS } from './scope-claims.ts';

/** Lifetimes, in seconds. */
export const TTL = {
  /** RFC 9700: short-lived codes, redeemed once. */
  AuthorizationCode: 60,
  AccessToken: 600,
  IdToken: 3600,
  /** Rotated at every use; a reused one revokes the grant. */
  RefreshToken: 30 * 24 * 3600,
  Interaction: 3600,
  /** Verity's own absolute session limit. */
  Session: 12 * 3600,
  /** Consent is remembered for a year. */
  Grant: 365 * 24 * 3600,
} as const;

export interface ProviderKeys {
  readonly jwks: { keys: Record<string, unknown>[] };
  readonly cookieKeys: string[];
  readonly pairwiseSecret: Buffer;
}

export interface ProviderDependencies {
  /** The site root: `http://localhost:3000` locally, the deployed domain in the cloud. */
  readonly issuer: string;
  readonly keys: ProviderKeys;
  /** The partner behind a client id (the partners table, read at every request). */
  readonly partner: (clientId: string) => Promise<Partner | undefined>;
  /** Verity's own session behind a request's cookies: the truth about who is signed in. */
  readonly verity: (cookieHeader: string | undefined, now: Date) => Promise<SessionItem | undefined>;
  /** The member's primary email, normalized (the email rule). */
  readonly primaryEmail: (accountId: string) => Promise<string | undefined>;
  /** The member's verified identity, if there is one (IAL2): when it was verified. */
  readonly identity: (accountId: string) => Promise<{ readonly verifiedAt: string } | undefined>;
  /** The verified identity, decrypted: the verified claims. */
  readonly verifiedIdentity: VerifiedIdentitySource;
  /** The error page people see when no redirect back to the partner is safe. */
  readonly errorPage: (error: { error: string; error_description?: string }) => string;
  readonly logoutPage: (form: string, partnerName: string | undefined) => string;
  readonly signedOutPage: (partnerName: string | undefined) => string;
}

/** Per-request facts the hooks share (so each is read once). */
interface RequestState {
  verity?: Promise<SessionItem | undefined>;
  link?: LinkItem;
  requirement?: Promise<Requirement>;
}

const stateOf = (ctx: KoaContextWithOIDC) => ctx.state as RequestState;

const nowOf = () => new Date(requestClock.getStore() ?? Date.now());

export function verityOf(
  ctx: KoaContextWithOIDC,
  deps: ProviderDependencies,
): Promise<SessionItem | undefined> {
  const state = stateOf(ctx);
  state.verity ??= deps.verity(ctx.get('cookie') || undefined, nowOf());
  return state.verity;
}

/**
 * What this authorization request needs, after the partner's floor, for the member signed in to
 * Verity: their identity is read only when the request could need it.
 */
export function requirementFor(ctx: KoaContextWithOIDC, deps: ProviderDependencies): Promise<Requirement> {
  const state = stateOf(ctx);
  state.requirement ??= (async () => {
    const verity = await verityOf(ctx, deps);
    const { requirement } = await memberRequirement(
      policyOf(ctx.oidc.client as Client),
      ctx.oidc.params ?? {},
      verity?.accountId,
      deps.identity,
      nowOf(),
    );
    return requirement;
  })();
  return state.requirement;
}

export const pairwiseSubject = (secret: Buffer, clientId: string, accountId: string): string =>
  createHmac('sha256', secret).update(`${clientId}.${accountId}`).digest('base64url');

/**
 * The login prompt asks Verity at every authorization: a live Verity session at AAL2 (a
 * remembered browser only where the partner counts it), for the account the provider thinks is
 * signed in, signed in no earlier than the provider recorded, at the assurance this partner
 * needs, with the primary email the partner's email rule wants. Anything else is a prompt (and
 * `login_required` under `prompt=none`); the interaction page then sorts it out, usually
 * without asking the member anything.
 */
function verityPolicy(deps: ProviderDependencies) {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const login = policy.get('login');
  login?.checks.add(
    new Check('verity_session', 'Verity sign-in is required', async (ctx) => {
      const verity = await verityOf(ctx, deps);
      const session = ctx.oidc.session as Session;
      if (verity?.aal !== 2) return Check.REQUEST_PROMPT;
      const requirement = await requirementFor(ctx, deps);
      if (verity.viaRememberedBrowser && !requirement.rememberedBrowserCounts) return Check.REQUEST_PROMPT;
      if (session.accountId !== verity.accountId) return Check.REQUEST_PROMPT;
      if (session.acr !== requirement.acr) return Check.REQUEST_PROMPT;
      if ((session.loginTs ?? 0) < Math.floor(Date.parse(verity.signedInAt) / 1000))
        return Check.REQUEST_PROMPT;
      const policyOfClient = policyOf(ctx.oidc.client as Client);
      const hint = ctx.oidc.params?.login_hint;
      if (policyOfClient.emailMustMatchLoginHint && typeof hint === 'string') {
        const primary = await deps.primaryEmail(verity.accountId);
        if (primary !== hint.trim().toLowerCase()) return Check.REQUEST_PROMPT;
      }
      return Check.NO_NEED_TO_PROMPT;
    }),
  );
  // Consent covers claims (the library's checks) and assurance: a partner that now needs a
  // verified identity where the member allowed less asks again.
  policy.get('consent')?.checks.add(
    new Check('assurance_not_consented', 'the requested assurance was not consented to', async (ctx) => {
      const link = stateOf(ctx).link;
      return link !== undefined && link.ial < (await requirementFor(ctx, deps)).ial
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

export function buildProvider(deps: ProviderDependencies): Provider {
  const secure = deps.issuer.startsWith('https:');
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure, signed: true };
  const configuration: Configuration = {
    adapter: (name: string) =>
      name === 'Client'
        ? clientAdapter(deps)
        : new DynamoDbOidcAdapter(name, {
            replayed: (model) =>
              new errors.InvalidGrant(
                model === 'AuthorizationCode'
                  ? 'authorization code already consumed'
                  : 'refresh token already used',
              ),
          }),
    clients: [],
    findAccount: async (_ctx: unknown, accountId: string) =>
      providerAccount(accountId, deps.verifiedIdentity),
    jwks: deps.keys.jwks as never,
    cookies: {
      keys: deps.keys.cookieKeys,
      names: { ...PROVIDER_COOKIES },
      long: cookie,
      short: cookie,
    },
    scopes: [
      'openid',
      'offline_access',
      ...Object.keys(SCOPE_CLAIMS).slice(1),
      ...Object.keys(POLICY_SCOPES),
    ],
    claims: SCOPE_CLAIMS as never,
    acrValues: [...ACR_VALUES],
    subjectTypes: ['pairwise'],
    pairwiseIdentifier: async (_ctx: unknown, accountId: string, client: { clientId: string }) =>
      pairwiseSubject(deps.keys.pairwiseSecret, client.clientId, accountId),
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['private_key_jwt', 'client_secret_basic'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    },
    extraClientMetadata: { properties: [POLICY_PROPERTY] },
    // Partners find what they were allowed in the ID token as well as at userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      resourceIndicators: { enabled: false },
      claimsParameter: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (
          ctx: { body: unknown; oidc: { client?: { clientName?: string } } },
          form: string,
        ) => {
          ctx.body = deps.logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx: {
          body: unknown;
          oidc: { client?: { clientName?: string } };
        }) => {
          ctx.body = deps.signedOutPage(ctx.oidc.client?.clientName);
        },
      },
    },
    routes: {
      authorization: '/authorize',
      userinfo: '/userinfo',
      token: '/token',
      jwks: '/jwks',
      end_session: '/logout',
      revocation: '/token/revocation',
      introspection: '/token/introspection',
      pushed_authorization_request: '/request',
    },
    ttl: { ...TTL } as never,
    rotateRefreshToken: true,
    // A partner's tokens live their own lifetimes (access tokens 10 minutes) rather than the
    // provider session's: checking the session at every use would cost a read each time, and
    // Disconnect (or deleting the account) ends them at once.
    expiresWithSession: async () => false,
    issueRefreshToken: async (
      _ctx: unknown,
      client: { grantTypeAllowed(type: string): boolean },
      code: { scopes: Set<string> },
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    interactions: {
      policy: verityPolicy(deps),
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    loadExistingGrant: async (ctx) => {
      const { oidc } = ctx;
      const client = oidc.client as Client;
      const session = oidc.session as Session;
      const accountId = session.accountId as string;
      const grantId =
        (oidc.result?.consent?.grantId as string | undefined) ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      const link = await links.linkOf(accountId, client.clientId);
      if (link) stateOf(ctx).link = link;
      if (existing) {
        if (link) await links.recordUse(accountId, client.clientId, nowOf());
        return existing;
      }
      // A grant the library ended (a replayed code, a reused refresh token, a new browser) is
      // rebuilt from the member's consent rather than asked again.
      if (!link || Date.parse(link.consentExpiresAt) <= nowOf().getTime()) return undefined;
      const rebuilt = grantFromLink(oidc.provider, link);
      const rebuiltId = await rebuilt.save();
      await links.recordUse(accountId, client.clientId, nowOf(), rebuiltId);
      return rebuilt;
    },
    renderError: async (
      ctx: { type: string; body: unknown },
      out: { error: string; error_description?: string },
    ) => {
      ctx.type = 'html';
      ctx.body = deps.errorPage(out);
    },
    clientBasedCORS: () => false,
  };
  const provider = new Provider(deps.issuer, configuration);
  return provider;
}

function clientAdapter(deps: ProviderDependencies) {
  return {
    async find(clientId: string) {
      // Client ids are Verity ids; anything else is not a partner, and never a key lookup.
      if (!/^[\w-]{22}$/.test(clientId)) return undefined;
      const partner = await deps.partner(clientId);
      return partner ? clientMetadataOf(partner) : undefined;
    },
    async upsert() {
      throw new Error('Partners are registered through the partner admin API');
    },
    async destroy() {
      throw new Error('Partners are removed through the partner admin API');
    },
    async consume() {},
    async findByUid() {
      return undefined;
    },
    async findByUserCode() {
      return undefined;
    },
    async revokeByGrantId() {},
  };
}
