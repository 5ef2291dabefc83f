/**
 * A demo member for clicking around locally: a confirmed account whose password is made on
 * first start and kept in the git-ignored data folder, with a phone as its second factor (the
 * codes appear in the local text outbox). Created through the same store
 * operations a real sign-up uses.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../lambdas/accounts/password/hash.ts';
import { newSecret, secretHash } from '../../lambdas/accounts/tokens.ts';
import { newId } from '../../lambdas/core/ids.ts';
import type { Ports } from '../../lambdas/core/ports.ts';
import { fieldCipherFromEnvironment } from '../../lambdas/keys/field-encryption.ts';
import { pepperFromEnvironment } from '../../lambdas/keys/pepper.ts';
import { lastFourOf, phoneKeyOf } from '../../lambdas/mfa/phone.ts';
import * as emailStore from '../../lambdas/store/emails.ts';
import type { PhoneFactor } from '../../lambdas/store/factors.ts';
import { addFactor } from '../../lambdas/store/mfa.ts';
import * as store from '../../lambdas/store/sign-ups.ts';
import type { LocalConfig } from './config.ts';

export interface DemoMember {
  readonly email: string;
  readonly password: string;
}

export const DEMO_EMAIL = 'member@verity.local';
/** A number reserved for fiction (NANP 555-01xx). */
const DEMO_PHONE = '+12025550123';

export async function seedDemoMember(config: LocalConfig): Promise<DemoMember> {
  const file = join(config.dataDir, 'demo-member.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoMember) : undefined;
  if (saved && (await emailStore.claimOf(DEMO_EMAIL))) return saved;
  const member = {
    email: DEMO_EMAIL,
    password: `demo ${randomBytes(6).toString('base64url')} lantern orbit`,
  };
  // Built here, not at module load: npm start sets the key files' variables just before seeding.
  const ports = {
    pepper: pepperFromEnvironment(),
    cipher: fieldCipherFromEnvironment(),
  } satisfies Partial<Ports>;
  const now = new Date();
  const secret = newSecret();
  const pending = {
    signUpId: newId(),
    address: DEMO_EMAIL,
    normalized: DEMO_EMAIL,
    password: await hashPassword(member.password, ports),
    tokenHash: secretHash(secret),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + 3600,
  };
  const token = { purpose: 'sign-up' as const, createdAt: pending.createdAt, expiresAt: pending.expiresAt };
  await store.createPendingSignUp(pending, { ...token, normalized: DEMO_EMAIL, signUpId: pending.signUpId });
  const event = {
    type: 'account-created' as const,
    at: pending.createdAt,
    device: 'npm start',
    place: 'Local',
  };
  const accountId = newId();
  const outcome = await store.createAccount({
    pending,
    tokenHash: pending.tokenHash,
    accountId,
    work: false,
    now,
    event,
  });
  if (outcome !== 'ok') throw new Error(`could not seed the demo member (${outcome})`);
  // Its second factor is a phone whose codes land in the local text outbox: no app needed.
  const phone = await ports.cipher.encrypt(DEMO_PHONE, { accountId, field: 'phone' });
  const factor: PhoneFactor = {
    factorId: newId(),
    kind: 'phone',
    name: 'Demo phone',
    createdAt: pending.createdAt,
    phone,
    phoneKey: await phoneKeyOf(DEMO_PHONE, ports),
    last4: lastFourOf(DEMO_PHONE),
    channel: 'sms',
  };
  await addFactor(accountId, factor, { ...event, type: 'mfa-added', detail: factor.name });
  writeFileSync(file, JSON.stringify(member, null, 2), { mode: 0o600 });
  return member;
}
