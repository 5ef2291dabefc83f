/**
 * Security keys and passkeys: the options the browser gets, and the checks on what keys answer.
 * A software key (test/support/software-key.ts) plays the member's key, so that every check
 * runs on real signatures.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import {
  authenticationOptions,
  parseAuthentication,
  parseRegistration,
  registrationOptions,
  relyingPartyOf,
  verifyAssertion,
  verifyNewCredential,
} from '../../../lambdas/mfa/webauthn.ts';
import type { WebAuthnFactor } from '../../../lambdas/store/factors.ts';
import { SoftwareKey } from '../../support/software-key.ts';

const rp = relyingPartyOf('https://id.example.gov');
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const here = { origin: rp.origin, rpId: rp.id };
const newKey = (counter?: number) => new SoftwareKey(here, { counter });

const challenge = () => b64url(randomBytes(32));

/** Registers the key as the server does, and returns the factor it would store. */
async function registered(key: SoftwareKey): Promise<WebAuthnFactor> {
  const issued = challenge();
  const credential = await verifyNewCredential(key.register(issued), issued, rp);
  if (!credential) throw new Error('the software key did not register');
  return {
    factorId: 'f1',
    kind: 'webauthn',
    name: 'Blue key',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...credential,
  };
}

describe('the relying party', () => {
  it('is the site: its host name (no port) is the RP ID, its origin the only origin', () => {
    expect(relyingPartyOf('https://id.example.gov')).toEqual({
      id: 'id.example.gov',
      origin: 'https://id.example.gov',
    });
    expect(relyingPartyOf('http://localhost:3000')).toEqual({
      id: 'localhost',
      origin: 'http://localhost:3000',
    });
  });
});

describe('registration options', () => {
  const existing: WebAuthnFactor = {
    factorId: 'f0',
    kind: 'webauthn',
    name: 'Old key',
    createdAt: '2026-01-01T00:00:00.000Z',
    credentialId: 'AAEC',
    publicKey: 'pk',
    counter: 3,
    transports: ['usb', 'nfc'],
  };

  it('name Verity at this site, identify the member by account id, and exclude the keys already added', async () => {
    const options = await registrationOptions({
      accountId: 'acct-123',
      userName: 'pat@example.com',
      rp,
      existing: [existing],
    });
    expect(options.rp).toEqual({ name: 'Verity', id: 'id.example.gov' });
    expect(Buffer.from(options.user.id, 'base64url').toString()).toBe('acct-123');
    expect(options.user.name).toBe('pat@example.com');
    expect(options.excludeCredentials).toEqual([
      { id: 'AAEC', type: 'public-key', transports: ['usb', 'nfc'] },
    ]);
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'preferred',
      userVerification: 'preferred',
    });
    expect(options.attestation).toBe('none');
    expect(options.pubKeyCredParams.map((p) => p.alg)).toContain(-7);
  });

  it('carry a new random challenge each time', async () => {
    const input = { accountId: 'acct-123', userName: 'pat@example.com', rp, existing: [] };
    const [a, b] = await Promise.all([registrationOptions(input), registrationOptions(input)]);
    expect(Buffer.from(a.challenge, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(a.challenge).not.toBe(b.challenge);
  });
});

describe('authentication options', () => {
  it("allow exactly the member's keys, user verification preferred", async () => {
    const key = await registered(newKey());
    const options = await authenticationOptions({ rp, factors: [key] });
    expect(options.rpId).toBe('id.example.gov');
    expect(options.userVerification).toBe('preferred');
    expect(options.allowCredentials).toEqual([
      { id: key.credentialId, type: 'public-key', transports: ['usb'] },
    ]);
  });
});

describe("what the page's script posts", () => {
  it('is read as a key answer only when it has the shape of one', () => {
    const key = newKey();
    const answer = key.assert(challenge());
    expect(parseAuthentication(JSON.stringify(answer))?.id).toBe(answer.id);
    expect(parseRegistration(JSON.stringify(key.register(challenge())))?.id).toBe(answer.id);
    for (const bad of [
      undefined,
      '',
      'not json',
      '[]',
      JSON.stringify({ ...answer, type: 'password' }),
      JSON.stringify({ ...answer, response: { ...answer.response, signature: undefined } }),
      JSON.stringify({ ...answer, id: 'not/base64url' }),
    ]) {
      expect(parseAuthentication(bad), String(bad)).toBeUndefined();
    }
    expect(parseRegistration(JSON.stringify(answer)), 'an assertion is no registration').toBeUndefined();
  });
});

describe('a new key', () => {
  it('is stored with its id, its COSE public key, its counter and transports', async () => {
    const key = newKey(7);
    const factor = await registered(key);
    expect(factor.credentialId).toBe(b64url(key.credentialId));
    expect(factor.counter).toBe(7);
    expect(factor.transports).toEqual(['usb']);
    expect(isoCBOR.decodeFirst<Map<number, unknown>>(Buffer.from(factor.publicKey, 'base64url')).get(3)).toBe(
      -7,
    );
  });

  it('is refused when made for another challenge, another site or another RP ID', async () => {
    const key = newKey();
    const issued = challenge();
    expect(await verifyNewCredential(key.register(challenge()), issued, rp)).toBeUndefined();
    const elsewhere = { origin: 'https://id.example.gov.evil.test', rpId: rp.id };
    expect(await verifyNewCredential(key.register(issued, elsewhere), issued, rp)).toBeUndefined();
    const otherRp = { origin: rp.origin, rpId: 'evil.test' };
    expect(await verifyNewCredential(key.register(issued, otherRp), issued, rp)).toBeUndefined();
  });
});

describe('using a key', () => {
  it('passes with a signature over this challenge at this site, and gives the new counter', async () => {
    const key = newKey(1);
    const factor = await registered(key);
    key.counter = 2;
    const issued = challenge();
    expect(await verifyAssertion(key.assert(issued), factor, issued, rp)).toBe(2);
  });

  it('passes a key that keeps its counter at zero, as many passkeys do', async () => {
    const key = newKey();
    const factor = await registered(key);
    const issued = challenge();
    expect(await verifyAssertion(key.assert(issued), factor, issued, rp)).toBe(0);
  });

  it('is refused for another challenge, another site, another RP ID or another key', async () => {
    const key = newKey();
    const factor = await registered(key);
    const issued = challenge();
    expect(await verifyAssertion(key.assert(challenge()), factor, issued, rp)).toBeUndefined();
    const elsewhere = { origin: 'https://evil.test', rpId: rp.id };
    expect(await verifyAssertion(key.assert(issued, elsewhere), factor, issued, rp)).toBeUndefined();
    const otherRp = { origin: rp.origin, rpId: 'evil.test' };
    expect(await verifyAssertion(key.assert(issued, otherRp), factor, issued, rp)).toBeUndefined();
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(
      await verifyAssertion(key.assert(issued, undefined, stranger), factor, issued, rp),
    ).toBeUndefined();
  });

  it('is refused when its counter goes backwards or stands still: the key may have been cloned', async () => {
    const key = newKey(5);
    const factor = await registered(key);
    key.counter = 3;
    const issued = challenge();
    expect(await verifyAssertion(key.assert(issued), factor, issued, rp)).toBeUndefined();
    key.counter = 5;
    expect(await verifyAssertion(key.assert(issued), factor, issued, rp)).toBeUndefined();
    key.counter = 6;
    expect(await verifyAssertion(key.assert(issued), factor, issued, rp)).toBe(6);
  });
});
