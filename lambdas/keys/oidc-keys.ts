/**
 * The OIDC provider's keys, as rules without I/O: the key set, how a new one is made, how it
 * rotates, and what the provider is given at load. Stored encrypted as one item
 * (lambdas/store/oidc-keys.ts); the key-rotation worker applies `rotate` once a day.
 *
 * Every key goes through three states. `next`: published in the JWKS (signing keys) or accepted
 * for cookies, but signs nothing yet; `current`: signs; `retired`: signs nothing, still
 * published or accepted until what it signed has expired. A set always has exactly one current
 * key per signing algorithm and one current cookie key. The pairwise secret never changes: it
 * makes every member's pairwise subject for every partner, which must stay the same forever.
 * The timings and why: docs/decisions.md, "Signing keys".
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';

export type SigningAlg = 'RS256' | 'ES256';
export type KeyState = 'next' | 'current' | 'retired';

/** RS256 for every client; ES256 (P-256) for clients that register it. */
export const SIGNING_ALGS: readonly SigningAlg[] = ['RS256', 'ES256'];

const HOUR_MS = 60 * 60 * 1000;
/**
 * A next key is published this long before it signs: longer than any relying party caches our
 * JWKS, so none meets a token signed by a key it has not fetched.
 */
export const PUBLISH_AHEAD_MS = 24 * HOUR_MS;
/**
 * A retired key stays this long: ID tokens live 1 hour, so by then nothing it signed is still
 * valid; cookies it signed still verify for as long.
 */
export const KEEP_RETIRED_MS = 48 * HOUR_MS;

/** A private JWK as node:crypto exports it, with `kid`, `alg` and `use` as the provider reads them. */
export interface PrivateJwk {
  readonly kty: 'RSA' | 'EC';
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly use: 'sig';
  readonly [parameter: string]: string;
}

interface Lifecycle {
  readonly state: KeyState;
  /** ISO 8601 times. */
  readonly createdAt: string;
  /** When it became current. */
  readonly activatedAt?: string;
  /** When it stopped being current. */
  readonly retiredAt?: string;
}

export interface SigningKey extends Lifecycle {
  /** The RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateJwk: PrivateJwk;
}

export interface CookieKey extends Lifecycle {
  /** A random name to tell keys apart in logs; the secret itself is never logged. */
  readonly id: string;
  /** 32 random bytes, base64url. */
  readonly secret: string;
}

export interface OidcKeySet {
  /** Grows by one at every change; the store writes a change only over the version it read. */
  readonly version: number;
  readonly signing: readonly SigningKey[];
  readonly cookieKeys: readonly CookieKey[];
  /** 32 random bytes, base64url. Never rotated. */
  readonly pairwiseSecret: string;
}

/** What oidc-provider takes at load. */
export interface ProviderKeys {
  /** `jwks` of its configuration: current keys first, then next, then retired. */
  readonly jwks: { readonly keys: PrivateJwk[] };
  /** `cookies.keys`: the current key first (it signs), then next and retired (they verify). */
  readonly cookieKeys: string[];
  readonly pairwiseSecret: Buffer;
}

/** A first key set: one current key of each kind, a new pairwise secret. */
export function newKeySet(now: Date): OidcKeySet {
  const at = now.toISOString();
  return {
    version: 1,
    signing: SIGNING_ALGS.map((alg) => ({ ...newSigningKey(alg, at), state: 'current', activatedAt: at })),
    cookieKeys: [{ ...newCookieKey(at), state: 'current', activatedAt: at }],
    pairwiseSecret: randomSecret(),
  };
}

/**
 * One step of rotation, for each signing algorithm and for the cookie keys: (c) a retired key
 * retired KEEP_RETIRED ago or more is removed; (b) a next key created PUBLISH_AHEAD ago or more
 * becomes current, and the current one retired; (a) a kind without a next key gets one. Returns
 * the same set when nothing is due, otherwise a new set one version on.
 */
export function rotate(set: OidcKeySet, now: Date): OidcKeySet {
  const at = now.toISOString();
  const byAlg = SIGNING_ALGS.map((alg) => {
    const keys = set.signing.filter((key) => key.alg === alg);
    return { keys, rotated: rotateKind(keys, now, () => newSigningKey(alg, at)) };
  });
  const cookieKeys = rotateKind(set.cookieKeys, now, () => newCookieKey(at));
  if (cookieKeys === set.cookieKeys && byAlg.every(({ keys, rotated }) => rotated === keys)) return set;
  return {
    ...set,
    version: set.version + 1,
    signing: byAlg.flatMap(({ rotated }) => rotated),
    cookieKeys,
  };
}

/** The keys of one kind after one step; the same array when nothing was due. */
function rotateKind<K extends Lifecycle>(
  keys: readonly K[],
  now: Date,
  make: () => Omit<K, 'state'>,
): readonly K[] {
  const at = now.toISOString();
  const age = (since: string | undefined) => now.getTime() - Date.parse(since ?? '');
  let result = keys.filter((key) => !(key.state === 'retired' && age(key.retiredAt) >= KEEP_RETIRED_MS));
  const next = result.find((key) => key.state === 'next');
  if (next && age(next.createdAt) >= PUBLISH_AHEAD_MS) {
    result = result.map((key) => {
      if (key === next) return { ...key, state: 'current', activatedAt: at };
      if (key.state === 'current') return { ...key, state: 'retired', retiredAt: at };
      return key;
    });
  }
  if (!result.some((key) => key.state === 'next')) result = [...result, { ...make(), state: 'next' } as K];
  const unchanged = result.length === keys.length && result.every((key, i) => key === keys[i]);
  return unchanged ? keys : result;
}

/** The keys for oidc-provider's configuration; throws on a set that breaks its own invariant. */
export function providerKeys(set: OidcKeySet): ProviderKeys {
  for (const alg of SIGNING_ALGS) {
    exactlyOneCurrent(
      set.signing.filter((key) => key.alg === alg),
      alg,
    );
  }
  exactlyOneCurrent(set.cookieKeys, 'cookie');
  return {
    // The provider signs with the first key of an algorithm: a next key must never come first.
    jwks: { keys: inStateOrder(set.signing).map((key) => ({ ...key.privateJwk })) },
    cookieKeys: inStateOrder(set.cookieKeys).map((key) => key.secret),
    pairwiseSecret: Buffer.from(set.pairwiseSecret, 'base64url'),
  };
}

/** The JWKS the provider publishes: the public half of every signing key, in the same order. */
export function publicJwks(set: OidcKeySet): { keys: Record<string, string>[] } {
  return {
    keys: inStateOrder(set.signing).map((key) => {
      const { kty, kid, alg, use } = key.privateJwk;
      const pub = kty === 'RSA' ? pick(key.privateJwk, ['n', 'e']) : pick(key.privateJwk, ['crv', 'x', 'y']);
      return { kty, kid, alg, use, ...pub };
    }),
  };
}

/** RFC 7638: SHA-256 over the required public members, in lexicographic order, base64url. */
export function jwkThumbprint(jwk: Readonly<Record<string, string>>): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: 'RSA', n: jwk.n }
      : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const STATE_ORDER: Record<KeyState, number> = { current: 0, next: 1, retired: 2 };

/** Current first, then next, then retired (newest first); a stable sort otherwise. */
function inStateOrder<K extends Lifecycle>(keys: readonly K[]): K[] {
  return [...keys].sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      (a.state === 'retired' ? (b.retiredAt ?? '').localeCompare(a.retiredAt ?? '') : 0),
  );
}

function exactlyOneCurrent(keys: readonly Lifecycle[], kind: string): void {
  const current = keys.filter((key) => key.state === 'current').length;
  if (current !== 1) throw new Error(`The OIDC key set has ${current} current ${kind} keys, not one`);
}

function newSigningKey(alg: SigningAlg, at: string): Omit<SigningKey, 'state'> {
  const { privateKey } =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = jwkThumbprint(jwk);
  return {
    kid,
    alg,
    privateJwk: { ...jwk, kty: jwk.kty as PrivateJwk['kty'], kid, alg, use: 'sig' },
    createdAt: at,
  };
}

function newCookieKey(at: string): Omit<CookieKey, 'state'> {
  return { id: randomBytes(9).toString('base64url'), secret: randomSecret(), createdAt: at };
}

const randomSecret = (): string => randomBytes(32).toString('base64url');

function pick(jwk: PrivateJwk, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, jwk[name] as string]));
}
