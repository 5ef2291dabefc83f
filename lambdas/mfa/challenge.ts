/**
 * The second step of sign-in: a code from the member's authenticator app (or another method),
 * or a recovery code. The 10th wrong code within 10 minutes locks the second step for 10
 * minutes, and the page says so;
 * recovery codes allow 10 tries an hour. Passing raises the session to AAL2.
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { HttpError } from '../http/errors.ts';
import type { FieldCipher } from '../keys/field-cipher.ts';
import { countOf, hit, isLocked, limits, lock } from '../limits/counters.ts';
import * as historyStore from '../store/history.ts';
import type { SessionItem } from '../store/items.ts';
import * as store from '../store/mfa.ts';
import * as sessionStore from '../store/sessions.ts';
import type { Factor, TotpFactor } from './factors.ts';
import { passPhoneCode } from './phone.ts';
import { normalizeRecoveryCode, recoveryCodeHash } from './recovery-codes.ts';
import { matchTotp } from './totp.ts';

export const wrongCode = () =>
  new HttpError(401, 'wrong_code', 'That code is not right. Check it and try again.');

export const codesLocked = () =>
  new HttpError(429, 'too_many_codes', 'Too many wrong codes. Wait 10 minutes, then try again.');

export const recoveryLocked = () =>
  new HttpError(429, 'too_many_codes', 'Too many wrong recovery codes. Wait an hour, then try again.');

const LOCK_SECONDS = 600;

/** Every kind of second factor shares this lock: a wrong code and a refused security key count alike. */
export async function refuseWhenLocked(accountId: string, now: Date): Promise<void> {
  if (await isLocked('mfa', accountId, now)) throw codesLocked();
}

export async function countWrongCode(
  accountId: string,
  context: RequestContext,
  refused: () => HttpError = wrongCode,
): Promise<never> {
  const wrong = await hit(limits.wrongCodes, accountId, context.now);
  await historyStore.recordEvent(accountId, historyEvent('mfa-failed', context));
  if (wrong < limits.wrongCodes.max) throw refused();
  await lock('mfa', accountId, LOCK_SECONDS, context.now);
  throw codesLocked();
}

/** Checks a 6-digit code against a TOTP factor and uses it up. */
export async function passTotp(
  accountId: string,
  factor: TotpFactor,
  code: string,
  context: RequestContext,
  cipher: FieldCipher,
): Promise<void> {
  await refuseWhenLocked(accountId, context.now);
  const secret = await cipher.decrypt(factor.secret, { accountId, field: 'totp-secret' });
  const step = await matchTotp(secret, code.replace(/\s/g, ''), context.now, factor.lastUsedStep);
  if (step === undefined) return countWrongCode(accountId, context);
  const used = await store.markFactorUsed(accountId, factor.factorId, context.now.toISOString(), {
    value: step,
  });
  if (used === 'replayed') return countWrongCode(accountId, context);
}

/** Checks a recovery code and uses it up; of two racing uses of one code, one wins. */
export async function passRecoveryCode(
  accountId: string,
  input: string,
  context: RequestContext,
): Promise<number> {
  if ((await countOf(limits.recoveryTries, accountId, context.now)) >= limits.recoveryTries.max)
    throw recoveryLocked();
  const code = normalizeRecoveryCode(input);
  const used =
    code !== undefined &&
    (await store.useRecoveryCode(
      accountId,
      recoveryCodeHash(accountId, code),
      historyEvent('recovery-code-used', context),
    ));
  if (!used) {
    const tries = await hit(limits.recoveryTries, accountId, context.now);
    throw tries >= limits.recoveryTries.max
      ? recoveryLocked()
      : new HttpError(401, 'wrong_code', 'That recovery code is not right, or was already used.');
  }
  return store.recoveryCodesLeft(accountId);
}

/** Dispatches a code to the factor it is for. Other kinds (phone, WebAuthn) have their own modules. */
export async function passFactorCode(
  accountId: string,
  factor: Factor,
  code: string,
  context: RequestContext,
  cipher: FieldCipher,
): Promise<void> {
  if (factor.kind === 'totp') return passTotp(accountId, factor, code, context, cipher);
  if (factor.kind === 'phone') return passPhoneCode(accountId, factor, code, context);
  throw new HttpError(400, 'invalid_request', 'Use the page for this sign-in method.');
}

/** Second step passed: the session becomes AAL2. */
export async function completeSecondStep(session: SessionItem, context: RequestContext): Promise<void> {
  await sessionStore.elevateSession(session, context.now.toISOString(), historyEvent('mfa-passed', context));
}
