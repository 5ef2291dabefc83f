/**
 * The second step of sign-in: a code from the member's authenticator app (or another method),
 * or a recovery code. Every try is counted before it is checked (second-step-limit.ts): the 10th
 * wrong one within 10 minutes locks the step as a whole, recovery codes included, and recovery
 * codes also allow only 10 tries an hour. Passing raises the session to AAL2.
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { giveBack, limits, takeAttempt } from '../limits/counters.ts';
import { rotatedSession } from '../sessions/session.ts';
import type { Factor, TotpFactor } from '../store/factors.ts';
import type { SecondFactorUsed, SessionItem } from '../store/items.ts';
import * as store from '../store/mfa.ts';
import * as profileStore from '../store/profile.ts';
import * as sessionStore from '../store/sessions.ts';
import { passPhoneCode } from './phone.ts';
import { normalizeRecoveryCode, recoveryCodeHash } from './recovery-codes.ts';
import { takeSecondStepTry, wrongTry } from './second-step-limit.ts';
import { matchTotp } from './totp.ts';

/** Checks a 6-digit code against a TOTP factor and uses it up. */
export async function passTotp(
  accountId: string,
  factor: TotpFactor,
  code: string,
  context: RequestContext,
  ports: Pick<Ports, 'cipher'>,
): Promise<void> {
  const attempt = await takeSecondStepTry(accountId, context.now);
  const secret = await ports.cipher.decrypt(factor.secret, { accountId, field: 'totp-secret' });
  const step = await matchTotp(secret, code.replace(/\s/g, ''), context.now, factor.lastUsedStep);
  if (step === undefined) return wrongTry(attempt, accountId, context);
  const used = await store.markFactorUsed(accountId, factor.factorId, context.now.toISOString(), {
    value: step,
  });
  if (used === 'replayed') return wrongTry(attempt, accountId, context);
  await giveBack(attempt);
}

/** Checks a recovery code and uses it up; of two racing uses of one code, one wins. */
export async function passRecoveryCode(
  accountId: string,
  input: string,
  context: RequestContext,
): Promise<number> {
  const attempt = await takeSecondStepTry(accountId, context.now);
  const recoveryTry = await takeAttempt(limits.recoveryTries, accountId, context.now);
  if (!recoveryTry.granted) {
    await giveBack(attempt);
    throw problem({ kind: 'RecoveryCodesLocked', retryAfterSeconds: recoveryTry.retryAfterSeconds });
  }
  const code = normalizeRecoveryCode(input);
  const used =
    code !== undefined &&
    (await store.useRecoveryCode(
      accountId,
      recoveryCodeHash(accountId, code),
      historyEvent('recovery-code-used', context),
    ));
  if (!used) {
    // The step's lock speaks first; else the recovery codes' own, when this was its last try.
    const decides = attempt.left === 0 || recoveryTry.left > 0 ? attempt : recoveryTry;
    const locks = decides === attempt ? 'CodesLocked' : 'RecoveryCodesLocked';
    return wrongTry(decides, accountId, context, 'WrongRecoveryCode', locks);
  }
  await Promise.all([giveBack(attempt), giveBack(recoveryTry)]);
  return store.recoveryCodesLeft(accountId);
}

/**
 * The method the second step asks for: the one the member chose, else the primary one, else the
 * first; and whether the member has others to choose from. Undefined: no method set up yet.
 */
export async function methodToAsk(
  accountId: string,
  factorId: string | undefined,
): Promise<{ factor: Factor; hasOthers: boolean } | undefined> {
  const [profile, factors] = await Promise.all([
    profileStore.profileOf(accountId),
    store.factorsOf(accountId),
  ]);
  const factor = factors.find((f) => f.factorId === (factorId ?? profile?.mfaPrimary)) ?? factors[0];
  return factor && { factor, hasOthers: factors.length > 1 };
}

/** The `amr` name of a factor that passed the second step. */
export const usedFactor = (factor: Factor): SecondFactorUsed =>
  factor.kind === 'totp'
    ? 'otp'
    : factor.kind === 'phone'
      ? factor.channel === 'voice'
        ? 'tel'
        : 'sms'
      : 'hwk';

/** Dispatches a code to the factor it is for. Security keys have their own module. */
export async function passFactorCode(
  accountId: string,
  factor: Factor,
  code: string,
  context: RequestContext,
  ports: Pick<Ports, 'cipher'>,
): Promise<void> {
  if (factor.kind === 'totp') return passTotp(accountId, factor, code, context, ports);
  if (factor.kind === 'phone') return passPhoneCode(accountId, factor, code, context);
  throw problem({ kind: 'UseMethodPage' });
}

/**
 * Second step passed: the session becomes AAL2 under a new secret, with a fresh sign-in time for
 * sensitive actions. Returns the new session cookie's value.
 */
export async function completeSecondStep(
  session: SessionItem,
  context: RequestContext,
  secondFactor: SecondFactorUsed,
): Promise<string> {
  const raised = rotatedSession(session, context.now, { aal: 2, secondFactor }, context.now.toISOString());
  const outcome = await sessionStore.replaceSession(
    session,
    raised.item,
    historyEvent('mfa-passed', context),
  );
  if (outcome === 'ended') throw problem({ kind: 'SessionEnded' });
  return raised.cookie;
}
