/**
 * Authenticator apps, recovery codes and managing methods, against the embedded AWS: a code
 * works once even when two requests race, a recovery code has one winner, the last or primary
 * method cannot be removed, and the 10th wrong code within 10 minutes locks the second step until
 * no 10-minute span can hold more than 10 tries.
 */
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../lambdas/accounts/context.ts';
import type { Ports } from '../../../lambdas/core/ports.ts';
import { asHttpError } from '../../../lambdas/http/handler.ts';
import { fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { sesMailer } from '../../../lambdas/mail/ses.ts';
import { passRecoveryCode, passTotp } from '../../../lambdas/mfa/challenge.ts';
import {
  beginTotpSetup,
  createRecoveryCodes,
  finishTotpSetup,
  removeFactor,
  setPrimaryFactor,
} from '../../../lambdas/mfa/manage.ts';
import type { TotpFactor } from '../../../lambdas/store/factors.ts';
import * as store from '../../../lambdas/store/mfa.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import { serverNow } from '../../support/clock.ts';
import { createMember, lastMailTo, uniqueEmail } from '../accounts/support.ts';

const ports = { cipher: fieldCipherFromEnvironment(), mail: sesMailer() } satisfies Partial<Ports>;
const contextAt = (now: Date): RequestContext => ({
  now,
  siteUrl: 'http://localhost',
  device: 'Firefox on Linux',
  place: 'Unknown',
  ip: '192.0.2.1',
});
/** A moment in the middle of a 30-second step, so a code stays valid while a test runs. */
const midStep = () => new Date((Math.floor(serverNow().getTime() / 30_000) * 30 + 10) * 1000);
const codeAt = (secret: string, now: Date) => generate({ secret, epoch: Math.floor(now.getTime() / 1000) });

async function memberWithApp() {
  const member = await createMember({ confirmed: [uniqueEmail('app')] });
  const factor = (await store.factorsOf(member.accountId))[0] as TotpFactor;
  return { member, factor, secret: member.totpSecret as string };
}

const status = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => asHttpError(error)?.status ?? 500,
  );

describe('an authenticator app', () => {
  it('counts only after a first code proves the key was saved, and then mails a notice', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('setup')], mfa: false });
    const now = midStep();
    const setup = await beginTotpSetup(member.accountId, member.primary, contextAt(now), ports);
    const again = await beginTotpSetup(member.accountId, member.primary, contextAt(now), ports);
    expect(again.key, 'a reload shows the same key').toBe(setup.key);
    const secret = setup.key.replace(/\s/g, '');
    const wrong = await finishTotpSetup(
      member.accountId,
      { code: '000000', name: 'x' },
      contextAt(now),
      ports,
    );
    expect(wrong.kind).toBe('wrong-code');
    expect(await store.factorsOf(member.accountId)).toEqual([]);
    const added = await finishTotpSetup(
      member.accountId,
      { code: await codeAt(secret, now), name: '  My   phone ' },
      contextAt(now),
      ports,
    );
    expect(added.kind).toBe('added');
    const [factor] = await store.factorsOf(member.accountId);
    expect(factor).toMatchObject({ kind: 'totp', name: 'My phone' });
    expect(JSON.stringify(factor), 'the key is stored encrypted').not.toContain(secret);
    expect((await profileStore.profileOf(member.accountId))?.mfaPrimary).toBe(factor?.factorId);
    expect(
      (await lastMailTo(member.primary, 'A sign-in method was added to your Verity account')).text,
    ).toContain('My phone');
  });

  it('accepts a code once: of two requests with the same code at once, exactly one passes', async () => {
    const { member, factor, secret } = await memberWithApp();
    const now = midStep();
    const code = await codeAt(secret, now);
    const results = await Promise.all([
      status(passTotp(member.accountId, factor, code, contextAt(now), ports)),
      status(passTotp(member.accountId, factor, code, contextAt(now), ports)),
    ]);
    expect(results.sort()).toEqual([200, 401]);
    const used = (await store.factorOf(member.accountId, factor.factorId)) as TotpFactor;
    expect(
      await status(passTotp(member.accountId, used, code, contextAt(now), ports)),
      'and never again',
    ).toBe(401);
  });

  it('locks the second step on the 10th wrong code, refuses even the right code then, and opens once no 10-minute span could hold 11 tries', async () => {
    const { member, factor, secret } = await memberWithApp();
    const now = midStep();
    const wrong = (await codeAt(secret, now)) === '123456' ? '654321' : '123456';
    const answers: number[] = [];
    for (let i = 0; i < 10; i++)
      answers.push(await status(passTotp(member.accountId, factor, wrong, contextAt(now), ports)));
    expect(answers).toEqual([...Array(9).fill(401), 429]);
    const right = await codeAt(secret, now);
    expect(
      await status(passTotp(member.accountId, factor, right, contextAt(now), ports)),
      'locked: says so',
    ).toBe(429);
    // All 10 fell in one 10-minute window: the next window still sees them, the one after opens.
    const opens = (Math.floor(now.getTime() / 600_000) + 2) * 600_000;
    const later = new Date(opens - 30_000);
    expect(
      await status(passTotp(member.accountId, factor, await codeAt(secret, later), contextAt(later), ports)),
    ).toBe(429);
    const after = new Date(opens + 10_000);
    expect(
      await status(passTotp(member.accountId, factor, await codeAt(secret, after), contextAt(after), ports)),
    ).toBe(200);
  });
});

describe('recovery codes', () => {
  it('are 10, each working once; of two racing uses of one code exactly one wins; a new set kills the old', async () => {
    const { member } = await memberWithApp();
    const context = contextAt(serverNow());
    const codes = await createRecoveryCodes(member.accountId, context, ports);
    expect(codes).toHaveLength(10);
    expect(await store.recoveryCodesLeft(member.accountId)).toBe(10);
    const code = codes[0] as string;
    const results = await Promise.all([
      status(passRecoveryCode(member.accountId, code, context)),
      status(passRecoveryCode(member.accountId, code.toLowerCase(), context)),
    ]);
    expect(results.sort()).toEqual([200, 401]);
    expect(await store.recoveryCodesLeft(member.accountId)).toBe(9);
    const fresh = await createRecoveryCodes(member.accountId, context, ports);
    expect(
      await status(passRecoveryCode(member.accountId, codes[1] as string, context)),
      'the old set died',
    ).toBe(401);
    expect(await status(passRecoveryCode(member.accountId, fresh[0] as string, context))).toBe(200);
  });

  it('allow 10 wrong tries an hour', async () => {
    const { member } = await memberWithApp();
    const context = contextAt(serverNow());
    const codes = await createRecoveryCodes(member.accountId, context, ports);
    const answers: number[] = [];
    for (let i = 0; i < 10; i++)
      answers.push(await status(passRecoveryCode(member.accountId, 'ZZZZ-ZZZZ-ZZZZ', context)));
    expect(answers).toEqual([...Array(9).fill(401), 429]);
    expect(await status(passRecoveryCode(member.accountId, codes[0] as string, context))).toBe(429);
  });
});

describe('managing methods', () => {
  it('never removes the only method, nor the primary one; another one goes, with a notice', async () => {
    const { member, factor, secret } = await memberWithApp();
    const context = contextAt(midStep());
    expect(
      await status(removeFactor(member.accountId, factor.factorId, context, ports)),
      'the only one',
    ).toBe(409);
    const setup = await beginTotpSetup(member.accountId, member.primary, context, ports);
    const second = setup.key.replace(/\s/g, '');
    expect(second).not.toBe(secret);
    const added = await finishTotpSetup(
      member.accountId,
      { code: await codeAt(second, context.now), name: 'Tablet' },
      context,
      ports,
    );
    if (added.kind !== 'added') throw new Error('setup refused');
    expect(await status(removeFactor(member.accountId, factor.factorId, context, ports)), 'the primary').toBe(
      409,
    );
    await setPrimaryFactor(member.accountId, added.factor.factorId, context, ports);
    expect(await status(removeFactor(member.accountId, factor.factorId, context, ports))).toBe(200);
    expect((await store.factorsOf(member.accountId)).map((f) => f.name)).toEqual(['Tablet']);
    expect((await profileStore.profileOf(member.accountId))?.mfaCount).toBe(1);
    expect(
      (await lastMailTo(member.primary, 'A sign-in method was removed from your Verity account')).text,
    ).toContain('Authenticator app');
  });

  it('never leaves the primary pointing at a removed method when Make primary and Remove race', async () => {
    const { member } = await memberWithApp();
    const context = contextAt(midStep());
    const setup = await beginTotpSetup(member.accountId, member.primary, context, ports);
    const code = await codeAt(setup.key.replace(/\s/g, ''), context.now);
    const added = await finishTotpSetup(member.accountId, { code, name: 'Second' }, context, ports);
    if (added.kind !== 'added') throw new Error('setup refused');
    const second = added.factor.factorId;
    const results = await Promise.all([
      status(setPrimaryFactor(member.accountId, second, context, ports)),
      status(removeFactor(member.accountId, second, context, ports)),
    ]);
    expect(results.filter((s) => s === 200)).toHaveLength(1);
    const left = await store.factorsOf(member.accountId);
    const profile = await profileStore.profileOf(member.accountId);
    expect(left.map((f) => f.factorId)).toContain(profile?.mfaPrimary);
    expect(profile?.mfaCount).toBe(left.length);
  });
});
