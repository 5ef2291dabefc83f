/**
 * Sign in with any confirmed email and the password. Every failure says the same thing, takes
 * the same time (an unknown email still costs one password verification), and counts: 5
 * failures a minute per email and IP are throttled, 100 in a row lock the account until a
 * password reset.
 */

import { isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { newSession, rotatedSession } from '../sessions/session.ts';
import * as emailStore from '../store/emails.ts';
import type { Profile, SessionItem } from '../store/items.ts';
import * as store from '../store/profile.ts';
import * as sessionStore from '../store/sessions.ts';
import { historyEvent, type RequestContext } from './context.ts';
import { passwordMatches } from './password-check.ts';

export const LOCK_AFTER_FAILURES = 100;

export type Assurance = Pick<SessionItem, 'aal' | 'pendingMfa' | 'viaRememberedBrowser'>;

export interface SignedIn {
  readonly accountId: string;
  /** Value of the session cookie. */
  readonly cookie: string;
  readonly session: SessionItem;
}

/**
 * Checks the password of the account that holds `email` (counting failures), without starting
 * a session. Used by sign-in and by every page that asks for the password again.
 */
export async function checkPassword(
  input: { email: unknown; password: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
): Promise<Profile> {
  const email = parseEmailAddress(input.email);
  const normalized = isAddressProblem(email) ? '' : email.normalized;
  const throttleKey = `${normalized}|${context.ip}`;
  const accountId = normalized && input.password ? await emailStore.claimOf(normalized) : undefined;
  const profile = accountId ? await store.profileOf(accountId) : undefined;
  return verifyOrCount(profile, input.password, throttleKey, context, ports);
}

/**
 * Entering the password again before a sensitive action: the session drops to the first step
 * under a new secret, and the second step follows. Returns the new session cookie's value.
 */
export async function enterPasswordAgain(
  session: SessionItem,
  password: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
): Promise<string> {
  await checkAccountPassword(session.accountId, password, context, ports);
  const lowered = rotatedSession(session, context.now, { aal: 1, pendingMfa: 'challenge' });
  if ((await sessionStore.replaceSession(session, lowered.item)) === 'ended') {
    throw problem({ kind: 'SessionEnded' });
  }
  return lowered.cookie;
}

/** The password again, for a signed-in member (sensitive actions, deletion). */
export async function checkAccountPassword(
  accountId: string,
  password: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
): Promise<Profile> {
  const throttleKey = `${accountId}|${context.ip}`;
  return verifyOrCount(await store.profileOf(accountId), password, throttleKey, context, ports);
}

async function verifyOrCount(
  profile: Profile | undefined,
  password: unknown,
  throttleKey: string,
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
): Promise<Profile> {
  const valid = await passwordMatches(throttleKey, password, profile?.password, context, ports);
  if (profile && valid) {
    if (profile.failedSignIns >= LOCK_AFTER_FAILURES) throw problem({ kind: 'AccountLocked' });
    return profile;
  }
  if (profile) {
    const failures = await store.recordFailedSignIn(
      profile.accountId,
      historyEvent('sign-in-failed', context),
    );
    if (failures >= LOCK_AFTER_FAILURES) throw problem({ kind: 'AccountLocked' });
  }
  throw problem({ kind: 'SignInFailed' });
}

export async function signIn(
  input: { email: unknown; password: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'pepper'>,
  rememberedDevice: (accountId: string) => Promise<boolean>,
): Promise<SignedIn> {
  const profile = await checkPassword(input, context, ports);
  const remembered = profile.mfaCount ? await rememberedDevice(profile.accountId) : false;
  return startSession(profile, context, assuranceAfterPassword(profile, remembered));
}

/**
 * What a password alone earns: AAL1 and the next step, setting up the first factor or passing
 * one. A browser the member chose to remember stands in for the second factor (30 days).
 */
export function assuranceAfterPassword(
  profile: Pick<Profile, 'mfaCount'>,
  rememberedDevice: boolean,
): Assurance {
  if (!profile.mfaCount) return { aal: 1, pendingMfa: 'setup' };
  return rememberedDevice ? { aal: 2, viaRememberedBrowser: true } : { aal: 1, pendingMfa: 'challenge' };
}

export async function startSession(
  profile: Pick<Profile, 'accountId' | 'failedSignIns'>,
  context: RequestContext,
  assurance: Assurance,
): Promise<SignedIn> {
  const { cookie, item } = newSession(profile.accountId, context.now, context.device, assurance);
  await sessionStore.signIn({
    session: item,
    event: historyEvent('signed-in', context),
    clearFailures: profile.failedSignIns > 0,
  });
  return { accountId: profile.accountId, cookie, session: item };
}
