/**
 * Security keys and passkeys against the embedded DynamoDB and SES: the domain functions of
 * lambdas/mfa/webauthn.ts with a software key (test/support/software-key.ts) for the member's key.
 * What only the table can show: a challenge works once even when two answers race, the counter
 * is kept, and refused keys lock the second step like wrong codes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../lambdas/accounts/context.ts';
import { asHttpError } from '../../../lambdas/http/handler.ts';
import { fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { sesMailer } from '../../../lambdas/mail/ses.ts';
import { passTotp } from '../../../lambdas/mfa/challenge.ts';
import {
  beginWebAuthnSetup,
  beginWebAuthnSignIn,
  finishWebAuthnSetup,
  passWebAuthn,
  relyingPartyOf,
} from '../../../lambdas/mfa/webauthn.ts';
import type { TotpFactor, WebAuthnFactor } from '../../../lambdas/store/factors.ts';
import * as mfa from '../../../lambdas/store/mfa.ts';
import { serverNow } from '../../support/clock.ts';
import { SoftwareKey } from '../../support/software-key.ts';
import { createMember, lastMailTo, type Member, site, totpCode } from '../accounts/support.ts';

const context = (now = serverNow()): RequestContext => ({
  now,
  siteUrl: site,
  device: 'Chrome on Linux',
  place: 'Unknown',
  ip: '127.0.0.1',
});

const rp = relyingPartyOf(site);
const newKey = (counter = 0) => new SoftwareKey({ origin: rp.origin, rpId: rp.id }, { counter });

/** Adds the key the way the setup page does: options, the key's answer, the check. */
async function addKey(member: Member, key: SoftwareKey, name = 'Blue key'): Promise<WebAuthnFactor> {
  const options = await beginWebAuthnSetup(member.accountId, member.primary, context());
  const credential = JSON.stringify(key.register(options.challenge));
  const result = await finishWebAuthnSetup(member.accountId, { credential, name }, context(), {
    mail: sesMailer(),
  });
  if (result.kind !== 'added') throw new Error(`the key was not added: ${result.problem}`);
  return result.factor;
}

/** Asks for sign-in options and has the key answer them. */
async function answer(member: Member, key: SoftwareKey, signer?: Parameters<SoftwareKey['assert']>[2]) {
  const options = await beginWebAuthnSignIn(member.accountId, context());
  return JSON.stringify(key.assert(options.challenge, undefined, signer));
}

const statusOf = (error: unknown) => asHttpError(error)?.status ?? error;

describe('adding a security key', () => {
  it('stores the key under the name the member gave it and tells every confirmed email', async () => {
    const member = await createMember();
    const key = newKey(4);
    const factor = await addKey(member, key, 'Blue key');
    expect(await mfa.factorOf(member.accountId, factor.factorId)).toMatchObject({
      kind: 'webauthn',
      name: 'Blue key',
      credentialId: key.id,
      counter: 4,
      transports: ['usb'],
    });
    const notice = await lastMailTo(member.primary, 'A sign-in method was added to your Verity account');
    expect(notice.text).toContain('(Blue key)');
  });

  it('uses up the challenge: the same answer cannot add the key a second time', async () => {
    const member = await createMember();
    const key = newKey();
    const options = await beginWebAuthnSetup(member.accountId, member.primary, context());
    const credential = JSON.stringify(key.register(options.challenge));
    const input = { credential, name: 'Blue key' };
    const ports = { mail: sesMailer() };
    expect((await finishWebAuthnSetup(member.accountId, input, context(), ports)).kind).toBe('added');
    expect(await finishWebAuthnSetup(member.accountId, input, context(), ports)).toEqual({
      kind: 'refused',
      problem: 'This took longer than 5 minutes. Select Add security key again.',
    });
  });

  it('excludes the keys already on the account, and refuses one registered again anyway', async () => {
    const member = await createMember();
    const key = newKey();
    const first = await addKey(member, key);
    const options = await beginWebAuthnSetup(member.accountId, member.primary, context());
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([first.credentialId]);
    const credential = JSON.stringify(key.register(options.challenge));
    const again = await finishWebAuthnSetup(member.accountId, { credential, name: 'x' }, context(), {
      mail: sesMailer(),
    });
    expect(again).toEqual({ kind: 'refused', problem: 'That security key is already on your account.' });
  });
});

describe('the second step with a security key', () => {
  it('passes, and keeps the counter the key reported and when it was used', async () => {
    const member = await createMember();
    const key = newKey(1);
    const factor = await addKey(member, key);
    key.counter = 2;
    const passed = await passWebAuthn(member.accountId, await answer(member, key), context());
    expect(passed.factorId).toBe(factor.factorId);
    const stored = (await mfa.factorOf(member.accountId, factor.factorId)) as WebAuthnFactor;
    expect(stored.counter).toBe(2);
    expect(stored.lastUsedAt).toBeDefined();
  });

  it('accepts one answer once, even when two copies of it arrive at the same time', async () => {
    const member = await createMember();
    const key = newKey();
    await addKey(member, key);
    const credential = await answer(member, key);
    const outcomes = await Promise.allSettled([
      passWebAuthn(member.accountId, credential, context()),
      passWebAuthn(member.accountId, credential, context()),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(statusOf(refused.reason)).toBe(400);
  });

  it('counts refused keys toward the lock of wrong codes: 10, then 10 minutes for every method', async () => {
    const member = await createMember();
    const key = newKey();
    await addKey(member, key);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (let i = 1; i < 10; i++) {
      const refused = await passWebAuthn(
        member.accountId,
        await answer(member, key, stranger),
        context(),
      ).then(() => 'passed', statusOf);
      expect(refused, `refused answer ${i}`).toBe(401);
    }
    const tenth = await passWebAuthn(member.accountId, await answer(member, key, stranger), context()).then(
      () => 'passed',
      statusOf,
    );
    expect(tenth).toBe(429);

    // Locked: no options for the key, and the authenticator app's right code does not pass either.
    expect(await beginWebAuthnSignIn(member.accountId, context()).then(() => 'options', statusOf)).toBe(429);
    const app = (await mfa.factorsOf(member.accountId)).find((f) => f.kind === 'totp') as TotpFactor;
    const code = await totpCode(member.totpSecret as string);
    const withApp = passTotp(member.accountId, app, code, context(), {
      cipher: fieldCipherFromEnvironment(),
    });
    expect(await withApp.then(() => 'passed', statusOf)).toBe(429);
  });
});
