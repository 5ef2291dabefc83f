/**
 * The lockout of the second step of sign-in, shared by every method (a code from an app or a
 * phone, a security key, a recovery code): each try is counted BEFORE the secret is checked, a
 * right one is given back, and once 10 wrong ones fall within 10 minutes nothing more is checked
 * until the limit allows it again (lambdas/limits/counters.ts).
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { problem } from '../core/problems.ts';
import { type Attempt, limitReached, limits, takeAttempt } from '../limits/counters.ts';
import * as historyStore from '../store/history.ts';

/** Counts a try at the second step, or throws `CodesLocked` when the step is locked. */
export async function takeSecondStepTry(accountId: string, now: Date): Promise<Attempt> {
  const attempt = await takeAttempt(limits.wrongCodes, accountId, now);
  if (!attempt.granted) throw problem({ kind: 'CodesLocked', retryAfterSeconds: attempt.retryAfterSeconds });
  return attempt;
}

/** Whether the second step is locked now, without counting a try (sending codes checks it). */
export async function refuseWhenLocked(accountId: string, now: Date): Promise<void> {
  const locked = await limitReached(limits.wrongCodes, accountId, now);
  if (locked) throw problem({ kind: 'CodesLocked', retryAfterSeconds: locked.retryAfterSeconds });
}

/**
 * The try was wrong: it stays counted and goes into the history; the last one its limit allowed
 * locks (the second step, or with `locks` another limit's) and says for how long. Always throws.
 */
export async function wrongTry(
  attempt: Attempt,
  accountId: string,
  context: RequestContext,
  wrong: 'WrongCode' | 'KeyRefused' | 'WrongRecoveryCode' = 'WrongCode',
  locks: 'CodesLocked' | 'RecoveryCodesLocked' = 'CodesLocked',
): Promise<never> {
  await historyStore.recordEvent(accountId, historyEvent('mfa-failed', context));
  if (attempt.left > 0) throw problem({ kind: wrong });
  throw problem({ kind: locks, retryAfterSeconds: attempt.retryAfterSeconds });
}
