/**
 * Setting a new password: with the link of Forgot password (forgot-password.ts sends it), or on
 * the account page. A reset ends every session, unlocks the account, and voids every other reset
 * link (they predate the new password). Both check the new password (password/policy.ts), so
 * only the handler that sets passwords imports this module.
 */

import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import * as store from '../store/profile.ts';
import * as sessionStore from '../store/sessions.ts';
import * as tokenStore from '../store/tokens.ts';
import { historyEvent, type RequestContext } from './context.ts';
import { hashPassword } from './password/hash.ts';
import { checkNewPassword, passwordProblemMessages } from './password/policy.ts';
import { type SignedIn, startSession } from './sign-in.ts';
import { isWellFormedSecret, secretHash } from './tokens.ts';

export const deadResetLink = () => problem({ kind: 'LinkNotValid', link: 'reset' });

async function readResetLink(secret: unknown, now: Date) {
  if (!isWellFormedSecret(secret)) throw deadResetLink();
  const hash = secretHash(secret);
  const token = await tokenStore.liveToken(hash, now);
  if (token?.purpose !== 'reset-password' || !token.accountId) throw deadResetLink();
  const profile = await store.profileOf(token.accountId);
  if (!profile || profile.passwordChangedAt >= token.createdAt) throw deadResetLink();
  return { hash, token, profile };
}

/** For the page: is the link still good? Changes nothing. */
export async function checkResetLink(secret: unknown, now: Date): Promise<void> {
  await readResetLink(secret, now);
}

export async function resetPassword(
  input: { token: unknown; password: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'pepper' | 'mail'>,
): Promise<{ kind: 'reset' } | { kind: 'problem'; message: string }> {
  const { hash, token, profile } = await readResetLink(input.token, context.now);
  const problem = await newPasswordProblem(input.password, profile.accountId);
  if (problem) return { kind: 'problem', message: problem };
  const outcome = await store.changePassword({
    accountId: profile.accountId,
    password: await hashPassword(input.password as string, ports),
    now: context.now,
    event: historyEvent('password-reset', context),
    resetToken: { hash, createdAt: token.createdAt },
  });
  if (outcome !== 'ok') throw deadResetLink();
  await sessionStore.endAllSessions(profile.accountId);
  await sendNotice(profile.accountId, 'password-reset', context, ports);
  return { kind: 'reset' };
}

/**
 * Change password on the account page (after a recent sign-in): every session made with the old
 * password ends; this browser continues in a new one, at both steps, which it returns.
 */
export async function changePassword(
  accountId: string,
  input: { password: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'pepper' | 'mail'>,
): Promise<{ kind: 'changed'; signedIn: SignedIn } | { kind: 'problem'; message: string }> {
  const problem = await newPasswordProblem(input.password, accountId);
  if (problem) return { kind: 'problem', message: problem };
  await store.changePassword({
    accountId,
    password: await hashPassword(input.password as string, ports),
    now: context.now,
    event: historyEvent('password-changed', context),
  });
  await sessionStore.endAllSessions(accountId);
  const signedIn = await startSession({ accountId, failedSignIns: 0 }, context, { aal: 2 });
  await sendNotice(accountId, 'password-changed', context, ports);
  return { kind: 'changed', signedIn };
}

async function newPasswordProblem(password: unknown, accountId: string): Promise<string | undefined> {
  if (typeof password !== 'string') return passwordProblemMessages['too-short'];
  const primary = (await store.profileOf(accountId))?.primaryEmail ?? '';
  const problems = await checkNewPassword(password, { email: primary });
  return problems[0] ? passwordProblemMessages[problems[0]] : undefined;
}
