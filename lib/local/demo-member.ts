/**
 * A demo member for clicking around locally: a confirmed account whose password is made on
 * first start and kept in the git-ignored data folder. Created through the same store
 * operations a real sign-up uses.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../lambdas/accounts/password/hash.ts';
import { newId, newSecret, secretHash } from '../../lambdas/accounts/tokens.ts';
import { pepperFromEnvironment } from '../../lambdas/keys/pepper.ts';
import * as store from '../../lambdas/store/accounts.ts';
import type { LocalConfig } from './config.ts';

export interface DemoMember {
  readonly email: string;
  readonly password: string;
}

const DEMO_EMAIL = 'member@verity.local';

export async function seedDemoMember(config: LocalConfig): Promise<DemoMember> {
  const file = join(config.dataDir, 'demo-member.json');
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoMember) : undefined;
  if (saved && (await store.claimOf(DEMO_EMAIL))) return saved;
  const member = {
    email: DEMO_EMAIL,
    password: `demo ${randomBytes(6).toString('base64url')} lantern orbit`,
  };
  const now = new Date();
  const secret = newSecret();
  const pending = {
    signUpId: newId(),
    address: DEMO_EMAIL,
    normalized: DEMO_EMAIL,
    password: await hashPassword(member.password, pepperFromEnvironment()),
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
  const outcome = await store.createAccount({
    pending,
    tokenHash: pending.tokenHash,
    accountId: newId(),
    work: false,
    now,
    event,
  });
  if (outcome !== 'ok') throw new Error(`could not seed the demo member (${outcome})`);
  writeFileSync(file, JSON.stringify(member, null, 2), { mode: 0o600 });
  return member;
}
