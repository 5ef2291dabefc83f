/**
 * The provider of this container: built at the first request (its keys are read, or made, from
 * the partners table) and kept. One per issuer: the issuer is the site root, `VERITY_SITE_URL`
 * where the stack knows its domain, else the host CloudFront says the member typed.
 */
import type { KoaContextWithOIDC, default as Provider } from 'oidc-provider';
import type { Ports } from '../../core/ports.ts';
import { readCookies } from '../../http/cookies.ts';
import { describeError, logger } from '../../http/logger.ts';
import { memberSession } from '../../http/member.ts';
import { fieldCipherFromEnvironment } from '../../keys/field-encryption.ts';
import { providerKeys } from '../../keys/oidc-keys.ts';
import { buildProvider, pairwiseSubject } from '../../oidc/configuration.ts';
import { partnerRequestErrorPage, partnerSignOutPage, signedOutPage } from '../../pages/authorize.tsx';
import { loadOrCreateKeys } from '../../store/oidc-keys.ts';
import { partnerById } from '../../store/partners.ts';
import { profileOf } from '../../store/profile.ts';
import { identityOf } from '../../store/verification.ts';
import { verifiedPerson } from '../../verification/verified-identity.ts';
import { endVeritySessionOnLogout, letSignOutLeadToPartner } from './logout.ts';

/** The field cipher of this Lambda (encryptsFields): its keys, and the verified identities it shares. */
export const cipherPorts = { cipher: fieldCipherFromEnvironment() } satisfies Partial<Ports>;
const ports = cipherPorts;

/** The provider of one issuer, and the pairwise subject it gives a member at a partner. */
export interface OidcRuntime {
  readonly provider: Provider;
  subjectFor(clientId: string, accountId: string): string;
}

/**
 * Rebuilt this often, so that a warm container takes up the keys the daily rotation made
 * (lambdas/keys/oidc-keys.ts: a key signs a day after it is published, and is withdrawn two days
 * after it stops signing).
 */
const RELOAD_AFTER_MS = 3_600_000;

const providers = new Map<string, { building: Promise<OidcRuntime>; at: number }>();

export function issuerOf(headers: Record<string, string | undefined>): string {
  const configured = process.env.VERITY_SITE_URL;
  if (configured) return configured.replace(/\/$/, '');
  return `https://${headers['x-forwarded-host'] ?? headers.host ?? 'localhost'}`;
}

export function providerFor(issuer: string): Promise<OidcRuntime> {
  const known = providers.get(issuer);
  if (known && Date.now() - known.at < RELOAD_AFTER_MS) return known.building;
  const building = build(issuer);
  providers.set(issuer, { building, at: Date.now() });
  // A failed start (DynamoDB unreachable) is tried again by the next request.
  building.catch(() => providers.delete(issuer));
  return building;
}

async function build(issuer: string): Promise<OidcRuntime> {
  const keys = providerKeys(await loadOrCreateKeys(ports, new Date()));
  const provider = buildProvider({
    issuer,
    keys,
    partner: partnerById,
    verity: (cookieHeader, now) =>
      memberSession({ cookies: readCookies(cookieHeader ? [cookieHeader] : []) }, now),
    primaryEmail: async (accountId) => (await profileOf(accountId))?.primaryEmail,
    identity: identityOf,
    verifiedIdentity: async (accountId) => {
      const identity = await identityOf(accountId);
      if (!identity) return undefined;
      return { person: await verifiedPerson(accountId, identity, ports), verifiedAt: identity.verifiedAt };
    },
    errorPage: partnerRequestErrorPage,
    logoutPage: partnerSignOutPage,
    signedOutPage,
  });
  // Every URL the provider writes (discovery, redirects) is the issuer's: its scheme and host,
  // whatever the gateway's connection was and whatever Host or forwarded headers a client sent.
  const { host, hostname, protocol } = new URL(issuer);
  provider.use(async (ctx, next) => {
    Object.defineProperties(ctx.request, {
      protocol: { value: protocol.slice(0, -1) },
      host: { value: host },
      hostname: { value: hostname },
    });
    await next();
  });
  endVeritySessionOnLogout(provider);
  provider.use(unauthorizedClientForGrantType);
  letSignOutLeadToPartner(provider);
  // The provider answers its own errors (server_error, without details); the log keeps what broke.
  provider.on('server_error', (_ctx, error) => logger.error('provider error', describeError(error)));
  return {
    provider,
    subjectFor: (clientId, accountId) => pairwiseSubject(keys.pairwiseSecret, clientId, accountId),
  };
}

/** What the library says of a grant type the client did not register. */
const GRANT_TYPE_NOT_ALLOWED = 'requested grant type is not allowed for this client';

/**
 * RFC 6749 section 5.2: a client using a grant type it is not allowed (a partner without
 * offline_access sending a refresh token) gets `unauthorized_client`; the library answers
 * `invalid_request`.
 */
async function unauthorizedClientForGrantType(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
  await next();
  const body = ctx.body as { error?: string; error_description?: string } | undefined;
  if (
    ctx.path === '/token' &&
    body?.error === 'invalid_request' &&
    body.error_description === GRANT_TYPE_NOT_ALLOWED
  ) {
    body.error = 'unauthorized_client';
  }
}
