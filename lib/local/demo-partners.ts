/**
 * The two demo partners `npm start` runs on port 3001 (demo/partner/), registered at the local
 * Verity the way a partner admin registers any partner: through `registerPartner` with the RFC
 * 7591 body of the admin API. Their client ids, Demo XMS's private key and Demo IRS's secret go
 * to `<dataDir>/demo-partners.json` (mode 0600), which the demo partner app reads. Registered
 * again when that file is missing, names a client the partners table no longer has (DynamoDB in
 * memory, or a wiped table), or was written for other ports.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { type DemoPartners, demoPartnerPaths } from '../../demo/partner/index.ts';
import { pepperFromEnvironment } from '../../lambdas/keys/pepper.ts';
import { registerPartner } from '../../lambdas/partners/admin.ts';
import { PARTNER_CLAIMS } from '../../lambdas/partners/partner.ts';
import { partnerById } from '../../lambdas/store/partners.ts';
import type { LocalConfig } from './config.ts';
import { DEMO_EMAIL } from './demo-member.ts';

export const demoPartnersFile = (config: LocalConfig) => join(config.dataDir, 'demo-partners.json');

const ACTOR = 'npm start';
const CONTACTS = ['demo-partners@verity.local'];

/** Demo XMS: its own key, email only, and the member must be the one its login_hint names. */
const xmsRegistration = (urls: Urls, publicJwk: JWK) => ({
  client_name: 'Demo XMS',
  redirect_uris: [urls.xms.redirect],
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: { keys: [publicJwk] },
  scope: 'openid email',
  post_logout_redirect_uris: [urls.xms.postLogout],
  contacts: CONTACTS,
  minimum_ial: 1,
  minimum_aal: 2,
  email_must_match_login_hint: true,
  remembered_browser_counts: false,
  claims: ['email', 'email_verified'],
});

/** Demo IRS: a client secret, every email, and the IAL2 claims when it asks for a verified identity. */
const irsRegistration = (urls: Urls) => ({
  client_name: 'Demo IRS',
  redirect_uris: [urls.irs.redirect],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid email all_emails profile address phone social_security_number',
  post_logout_redirect_uris: [urls.irs.postLogout],
  contacts: CONTACTS,
  minimum_ial: 1,
  minimum_aal: 2,
  email_must_match_login_hint: false,
  remembered_browser_counts: false,
  claims: [...PARTNER_CLAIMS],
});

type Urls = ReturnType<typeof urlsOf>;

const urlsOf = (demoPartnerUrl: string) => ({
  xms: {
    redirect: `${demoPartnerUrl}${demoPartnerPaths.xms.redirect}`,
    postLogout: `${demoPartnerUrl}${demoPartnerPaths.xms.postLogout}`,
  },
  irs: {
    redirect: `${demoPartnerUrl}${demoPartnerPaths.irs.redirect}`,
    postLogout: `${demoPartnerUrl}${demoPartnerPaths.irs.postLogout}`,
  },
});

function readSaved(file: string): DemoPartners | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DemoPartners;
  } catch {
    return undefined;
  }
}

/** The saved partners still work: same issuer and URLs, and both clients still registered. */
async function stillRegistered(saved: DemoPartners, siteUrl: string, urls: Urls): Promise<boolean> {
  if (
    saved.issuer !== siteUrl ||
    saved.xms?.redirect_uri !== urls.xms.redirect ||
    saved.irs?.redirect_uri !== urls.irs.redirect ||
    !saved.xms.account
  ) {
    return false;
  }
  return Boolean((await partnerById(saved.xms.client_id)) && (await partnerById(saved.irs.client_id)));
}

/** An RS256 key pair for Demo XMS's client assertions, both halves as JWKs with one `kid`. */
async function xmsKeyPair(): Promise<{ publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicMaterial = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicMaterial);
  return {
    publicJwk: { ...publicMaterial, kid, alg: 'RS256', use: 'sig' },
    privateJwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256' },
  };
}

export async function seedDemoPartners(
  config: LocalConfig,
  siteUrl: string,
  demoPartnerUrl: string,
): Promise<DemoPartners> {
  const file = demoPartnersFile(config);
  const urls = urlsOf(demoPartnerUrl);
  const saved = readSaved(file);
  if (saved && (await stillRegistered(saved, siteUrl, urls))) return saved;

  // Built here, not at module load: npm start sets the key files' variables just before seeding.
  const ports = { pepper: pepperFromEnvironment() };
  const now = new Date();
  const { publicJwk, privateJwk } = await xmsKeyPair();
  const xms = await registerPartner(xmsRegistration(urls, publicJwk), ACTOR, ports, now);
  const irs = await registerPartner(irsRegistration(urls), ACTOR, ports, now);
  if (!irs.clientSecret) throw new Error('registering Demo IRS (client_secret_basic) gave no client secret');

  const partners: DemoPartners = {
    issuer: siteUrl,
    xms: {
      client_id: xms.partner.clientId,
      redirect_uri: urls.xms.redirect,
      post_logout_redirect_uri: urls.xms.postLogout,
      private_jwk: privateJwk,
      // The same email as the demo member, so it can link its Verity account (Demo XMS sends the
      // XMS email as login_hint, and Verity holds that to the member's email for this partner).
      account: saved?.xms?.account ?? {
        email: DEMO_EMAIL,
        password: `xms ${randomBytes(6).toString('base64url')} harbor`,
      },
    },
    irs: {
      client_id: irs.partner.clientId,
      client_secret: irs.clientSecret,
      redirect_uri: urls.irs.redirect,
      post_logout_redirect_uri: urls.irs.postLogout,
    },
  };
  // It holds Demo XMS's private key and Demo IRS's secret: the owner only, even when it existed.
  writeFileSync(file, JSON.stringify(partners, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return partners;
}
