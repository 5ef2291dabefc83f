/**
 * The rules of the OIDC provider's keys (lambdas/keys/oidc-keys.ts): a key is published a day
 * before it signs, stays published two days after it stops, the provider always signs with the
 * current key, and the pairwise secret never changes. Time is the `now` each call is given.
 */
import fc from 'fast-check';
import { calculateJwkThumbprint, createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type CookieKey,
  KEEP_RETIRED_MS,
  newKeySet,
  type OidcKeySet,
  PUBLISH_AHEAD_MS,
  providerKeys,
  publicJwks,
  rotate,
  SIGNING_ALGS,
  type SigningAlg,
  type SigningKey,
} from '../../../lambdas/keys/oidc-keys.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** How long an ID token lives: a retired key must outlast it. */
const ID_TOKEN_LIFETIME = HOUR;
const T0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const ofAlg = (set: OidcKeySet, alg: SigningAlg) => set.signing.filter((key) => key.alg === alg);
const inState = <K extends { state: string }>(keys: readonly K[], state: string) =>
  keys.filter((key) => key.state === state);
const kids = (keys: readonly { kid?: string }[]) => keys.map((key) => key.kid);

/** What oidc-provider signs with: the first key of the algorithm in its jwks (keystore.js, selectForSign). */
function signingKid(set: OidcKeySet, alg: SigningAlg): string | undefined {
  return providerKeys(set).jwks.keys.find((key) => key.alg === alg)?.kid;
}

async function signIdToken(set: OidcKeySet, alg: SigningAlg): Promise<string> {
  const jwk = providerKeys(set).jwks.keys.find((key) => key.alg === alg);
  if (!jwk) throw new Error(`no ${alg} key`);
  return new SignJWT({ sub: 'member' })
    .setProtectedHeader({ alg, kid: jwk.kid })
    .setIssuedAt(Math.floor(T0.getTime() / 1000))
    .sign(await importJWK(jwk, alg));
}

/** Rotates once a day (as the worker does) until `until`, and returns every set on the way. */
function daily(set: OidcKeySet, days: number): OidcKeySet[] {
  const sets = [set];
  for (let day = 1; day <= days; day++) sets.push(rotate(sets[sets.length - 1] as OidcKeySet, at(day * DAY)));
  return sets;
}

describe('a new key set', () => {
  const set = newKeySet(T0);

  it('has one current RS256 key, one current P-256 ES256 key and one current cookie key', () => {
    expect(set.version).toBe(1);
    for (const alg of SIGNING_ALGS) {
      expect(ofAlg(set, alg).map((key) => key.state)).toEqual(['current']);
    }
    expect(set.cookieKeys.map((key) => key.state)).toEqual(['current']);
    expect(ofAlg(set, 'RS256')[0]?.privateJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(ofAlg(set, 'ES256')[0]?.privateJwk).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
    });
    expect(Buffer.from(ofAlg(set, 'RS256')[0]?.privateJwk.n ?? '', 'base64url').length * 8).toBe(2048);
  });

  it('names each signing key by its RFC 7638 thumbprint', async () => {
    for (const key of set.signing) {
      expect(key.kid).toBe(await calculateJwkThumbprint(key.privateJwk, 'sha256'));
      expect(key.privateJwk.kid).toBe(key.kid);
    }
  });

  it('has a 32-byte pairwise secret and 32-byte cookie secrets, all different', () => {
    const second = newKeySet(T0);
    expect(providerKeys(set).pairwiseSecret).toHaveLength(32);
    expect(Buffer.from(set.cookieKeys[0]?.secret ?? '', 'base64url')).toHaveLength(32);
    expect(second.pairwiseSecret).not.toBe(set.pairwiseSecret);
    expect(second.cookieKeys[0]?.secret).not.toBe(set.cookieKeys[0]?.secret);
    expect(kids(second.signing)).not.toEqual(kids(set.signing));
  });

  it('signs ID tokens that its public JWKS verifies, with either algorithm', async () => {
    const jwks = createLocalJWKSet(publicJwks(set));
    for (const alg of SIGNING_ALGS) {
      const { protectedHeader } = await jwtVerify(await signIdToken(set, alg), jwks, {
        currentDate: T0,
      });
      expect(protectedHeader.alg).toBe(alg);
    }
  });
});

describe('rotation', () => {
  it('a new key is published before it signs', async () => {
    const first = newKeySet(T0);
    const published = rotate(first, at(DAY));
    for (const alg of SIGNING_ALGS) {
      const [next] = inState(ofAlg(published, alg), 'next');
      expect(next, alg).toBeDefined();
      expect(kids(publicJwks(published).keys), alg).toContain(next?.kid);
      // Still signing with the key it had; the next one comes after it in the provider's jwks.
      expect(signingKid(published, alg)).toBe(signingKid(first, alg));
      const order = providerKeys(published).jwks.keys.filter((key) => key.alg === alg);
      expect(order.map((key) => key.kid)).toEqual([signingKid(first, alg), next?.kid]);
    }
    // A relying party that fetched the JWKS right then verifies what is signed a day later.
    const cachedJwks = createLocalJWKSet(publicJwks(published));
    const promoted = rotate(published, at(DAY + PUBLISH_AHEAD_MS));
    for (const alg of SIGNING_ALGS) {
      const [next] = inState(ofAlg(published, alg), 'next');
      expect(signingKid(promoted, alg), alg).toBe(next?.kid);
      await expect(
        jwtVerify(await signIdToken(promoted, alg), cachedJwks, { currentDate: T0 }),
      ).resolves.toBeDefined();
    }
  });

  it('does not let a next key sign one moment before it has been published for 24 hours', () => {
    const published = rotate(newKeySet(T0), at(DAY));
    const early = rotate(published, at(DAY + PUBLISH_AHEAD_MS - 1));
    expect(early).toBe(published);
    for (const alg of SIGNING_ALGS) {
      expect(signingKid(early, alg)).toBe(signingKid(published, alg));
      expect(inState(ofAlg(early, alg), 'next')).toHaveLength(1);
    }
    expect(PUBLISH_AHEAD_MS).toBe(DAY);
  });

  it('an old key stays in the JWKS until what it signed has expired', () => {
    const first = newKeySet(T0);
    const published = rotate(first, at(DAY));
    const retiredAt = DAY + PUBLISH_AHEAD_MS;
    const promoted = rotate(published, at(retiredAt));
    const old = ofAlg(first, 'RS256')[0] as SigningKey;
    expect(promoted.signing.find((key) => key.kid === old.kid)).toMatchObject({
      state: 'retired',
      retiredAt: at(retiredAt).toISOString(),
    });
    // Rotations in between (every six hours) keep it published, but never signing with it.
    let set = promoted;
    for (let t = retiredAt + 6 * HOUR; t < retiredAt + KEEP_RETIRED_MS; t += 6 * HOUR) {
      set = rotate(set, at(t));
      expect(kids(publicJwks(set).keys), `${(t - retiredAt) / HOUR} h after`).toContain(old.kid);
      expect(signingKid(set, 'RS256')).not.toBe(old.kid);
    }
    expect(kids(publicJwks(rotate(set, at(retiredAt + KEEP_RETIRED_MS - 1))).keys)).toContain(old.kid);
    expect(kids(publicJwks(rotate(set, at(retiredAt + KEEP_RETIRED_MS))).keys)).not.toContain(old.kid);
    expect(KEEP_RETIRED_MS).toBeGreaterThan(ID_TOKEN_LIFETIME);
  });

  it('the pairwise secret never changes across rotations', () => {
    const sets = daily(newKeySet(T0), 8);
    const secrets = new Set(sets.map((set) => set.pairwiseSecret));
    expect(secrets.size).toBe(1);
    expect(new Set(sets.map((set) => providerKeys(set).pairwiseSecret.toString('hex'))).size).toBe(1);
    // Meanwhile every signing key and cookie key of the first set is gone.
    const last = sets[sets.length - 1] as OidcKeySet;
    expect(last.signing.filter((key) => kids(sets[0]?.signing ?? []).includes(key.kid))).toEqual([]);
  });

  it('changes nothing, not even the version, when nothing is due', () => {
    const published = rotate(newKeySet(T0), at(DAY));
    expect(rotate(published, at(DAY + HOUR))).toBe(published);
  });

  it('raises the version by one at every change', () => {
    const sets = daily(newKeySet(T0), 4);
    expect(sets.map((set) => set.version)).toEqual([1, 2, 3, 4, 5]);
  });

  it('under the daily schedule, publishes at most four keys per algorithm: current, next, two retired', () => {
    const sets = daily(newKeySet(T0), 5);
    for (const set of sets) {
      for (const alg of SIGNING_ALGS) expect(ofAlg(set, alg).length).toBeLessThanOrEqual(4);
      expect(set.cookieKeys.length).toBeLessThanOrEqual(4);
    }
  });
});

describe('cookie keys', () => {
  it('a new cookie key is accepted before it signs, and the old one is accepted 48 hours after', () => {
    const first = newKeySet(T0);
    const original = first.cookieKeys[0] as CookieKey;
    const published = rotate(first, at(DAY));
    const next = inState(published.cookieKeys, 'next')[0] as CookieKey;
    expect(providerKeys(published).cookieKeys).toEqual([original.secret, next.secret]);

    const promoted = rotate(published, at(2 * DAY));
    const keys = providerKeys(promoted).cookieKeys;
    expect(keys[0], 'the new key signs').toBe(next.secret);
    expect(keys, 'the old key still verifies').toContain(original.secret);

    const laterStill = rotate(rotate(promoted, at(3 * DAY)), at(4 * DAY - 1));
    expect(providerKeys(laterStill).cookieKeys).toContain(original.secret);
    expect(providerKeys(rotate(laterStill, at(4 * DAY))).cookieKeys).not.toContain(original.secret);
  });
});

describe('what the provider is given', () => {
  it('puts current keys first, then next, then retired, for the keys and for the cookies', () => {
    const set = daily(newKeySet(T0), 3)[3] as OidcKeySet;
    const state = new Map(set.signing.map((key) => [key.kid, key.state]));
    const order = providerKeys(set).jwks.keys.map((key) => state.get(key.kid));
    expect(order).toEqual([...order].sort((a, b) => rank(a) - rank(b)));
    // Day 3 of a daily schedule: the keys retired on days 2 and 3 are both still published.
    expect(order).toEqual(['current', 'current', 'next', 'next', 'retired', 'retired', 'retired', 'retired']);
    const cookieState = new Map(set.cookieKeys.map((key) => [key.secret, key.state]));
    expect(providerKeys(set).cookieKeys.map((secret) => cookieState.get(secret))).toEqual([
      'current',
      'next',
      'retired',
      'retired',
    ]);
  });

  it('publishes no private key parameter', () => {
    const set = daily(newKeySet(T0), 2)[2] as OidcKeySet;
    for (const key of publicJwks(set).keys) {
      for (const parameter of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(parameter);
    }
  });

  it('refuses a set without exactly one current key of each kind', () => {
    const set = newKeySet(T0);
    const noCurrentEs = { ...set, signing: set.signing.filter((key) => key.alg !== 'ES256') };
    expect(() => providerKeys(noCurrentEs)).toThrow(/0 current ES256/);
    const twoCookies = { ...set, cookieKeys: [...set.cookieKeys, ...set.cookieKeys] };
    expect(() => providerKeys(twoCookies)).toThrow(/2 current cookie/);
  });
});

describe('whatever the schedule', () => {
  it('keeps one current key of each kind, signs only with keys published a day before, keeps retired ones two days', () => {
    // Gaps from a few minutes to several days: late runs, duplicate runs, a week without one.
    const gaps = fc.array(fc.integer({ min: 1, max: 7 * DAY }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(gaps, (steps) => {
        let now = T0.getTime();
        let set = newKeySet(T0);
        /** When each signing key and cookie key was first published. */
        const publishedAt = new Map(everyKey(set).map((key) => [key.id, now]));
        for (const gap of steps) {
          now += gap;
          const before = set;
          set = rotate(set, new Date(now));
          providerKeys(set); // exactly one current key of each kind, or it throws
          const all = everyKey(set);
          const earlier = new Map(everyKey(before).map((key) => [key.id, key]));
          for (const key of all) {
            if (!publishedAt.has(key.id)) publishedAt.set(key.id, now);
            const was = earlier.get(key.id);
            if (key.state === 'current' && was?.state !== 'current') {
              expect(was?.state).toBe('next');
              expect(now - (publishedAt.get(key.id) as number)).toBeGreaterThanOrEqual(PUBLISH_AHEAD_MS);
            }
            expect(inState(all, 'next').filter((k) => k.kind === key.kind).length).toBeLessThanOrEqual(1);
          }
          for (const [id, was] of earlier) {
            if (all.some((key) => key.id === id)) continue;
            expect(was.state, id).toBe('retired');
            expect(now - Date.parse(was.retiredAt as string)).toBeGreaterThanOrEqual(KEEP_RETIRED_MS);
          }
          expect(set.pairwiseSecret).toBe(before.pairwiseSecret);
        }
      }),
      { numRuns: 8 },
    );
  });
});

function rank(state: string | undefined): number {
  return ['current', 'next', 'retired'].indexOf(state ?? '');
}

/** Signing and cookie keys alike: an id, a kind (the algorithm, or `cookie`) and the lifecycle. */
function everyKey(set: OidcKeySet) {
  return [
    ...set.signing.map(({ kid, alg, state, retiredAt }) => ({ id: kid, kind: alg, state, retiredAt })),
    ...set.cookieKeys.map(({ id, state, retiredAt }) => ({ id, kind: 'cookie', state, retiredAt })),
  ];
}
