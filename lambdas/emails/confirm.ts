/**
 * The confirmation link. Opening it (GET) changes nothing, because mail scanners open links
 * too; the page asks for the account's password and Continue does the work. Asking for the
 * password also defeats pre-registration: a link from someone else's sign-up with your address
 * cannot confirm an account whose password you do not know.
 */

import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { passwordMatches } from '../accounts/password-check.ts';
import {
  assuranceAfterPassword,
  LOCK_AFTER_FAILURES,
  type SignedIn,
  startSession,
} from '../accounts/sign-in.ts';
import { isWellFormedSecret, secretHash } from '../accounts/tokens.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import * as store from '../store/emails.ts';
import type { PasswordHash, SessionItem, TokenItem } from '../store/items.ts';
import * as profileStore from '../store/profile.ts';
import * as signUpStore from '../store/sign-ups.ts';
import * as tokenStore from '../store/tokens.ts';
import { sendNotice } from './notices.ts';

export const deadLink = () => problem({ kind: 'LinkNotValid', link: 'mail' });

export const wrongPassword = () => problem({ kind: 'WrongPassword' });

const emailTaken = () => problem({ kind: 'EmailHeldElsewhere' });

export interface LinkDescription {
  readonly purpose: 'sign-up' | 'add-email';
  readonly address: string;
}

/** What a confirmation link is for, for the page that asks for the password; nothing changes. */
export async function describeConfirmationLink(secret: unknown, now: Date): Promise<LinkDescription> {
  const { token, address } = await readLink(secret, now);
  return { purpose: token.purpose as LinkDescription['purpose'], address };
}

async function readLink(secret: unknown, now: Date) {
  if (!isWellFormedSecret(secret)) throw deadLink();
  const hash = secretHash(secret);
  const token = await tokenStore.liveToken(hash, now);
  if (token?.purpose === 'sign-up' && token.normalized && token.signUpId) {
    const pending = await signUpStore.pendingSignUp(token.normalized, token.signUpId, now);
    if (pending && pending.tokenHash === hash) return { token, hash, address: pending.address, pending };
  }
  if (token?.purpose === 'add-email' && token.accountId && token.normalized) {
    const email = (await store.emailsOf(token.accountId)).find((e) => e.normalized === token.normalized);
    if (email && !email.confirmed && email.tokenHash === hash) return { token, hash, address: email.address };
  }
  throw deadLink();
}

/** Continue on the confirmation page: the password of the account, then the email is confirmed and the member signed in. */
export async function confirmEmailAddress(
  input: {
    token: unknown;
    password: unknown;
    /** The session this browser already has, if any: kept when it is the same account's, at AAL2. */
    currentSession?: SessionItem;
    /** Whether this browser is remembered by the account: then a new session needs no second step. */
    rememberedBrowser?: (accountId: string) => Promise<boolean>;
  },
  context: RequestContext,
  ports: Pick<Ports, 'pepper' | 'mail'>,
): Promise<
  (SignedIn | { accountId: string; cookie?: undefined }) & { address: string; purpose: TokenItem['purpose'] }
> {
  const link = await readLink(input.token, context.now);
  const throttleKey = `confirm|${link.hash}|${context.ip}`;
  const check = async (hash: PasswordHash) => {
    if (!(await passwordMatches(throttleKey, input.password, hash, context, ports))) {
      throw wrongPassword();
    }
  };

  if (link.pending) {
    await check(link.pending.password);
    const accountId = newId();
    const outcome = await signUpStore.createAccount({
      pending: link.pending,
      tokenHash: link.hash,
      accountId,
      work: false,
      now: context.now,
      event: historyEvent('account-created', context, link.pending.address),
    });
    if (outcome === 'email-taken') throw emailTaken();
    if (outcome === 'link-used') throw deadLink();
    const signedIn = await startSession(
      { accountId, failedSignIns: 0 },
      context,
      assuranceAfterPassword({}, false),
    );
    return { ...signedIn, address: link.address, purpose: 'sign-up' };
  }

  const accountId = link.token.accountId as string;
  const profile = await profileStore.profileOf(accountId);
  if (!profile) throw deadLink();
  await check(profile.password);
  // The link signs the member in, so it must not open an account that only a reset may unlock.
  if (profile.failedSignIns >= LOCK_AFTER_FAILURES) throw problem({ kind: 'AccountLocked' });
  const outcome = await store.confirmEmail({
    accountId,
    normalized: link.token.normalized as string,
    tokenHash: link.hash,
    now: context.now,
    event: historyEvent('email-confirmed', context, link.address),
  });
  if (outcome === 'email-taken') throw emailTaken();
  if (outcome === 'link-used') throw deadLink();
  await sendNotice(accountId, 'email-added', context, ports, link.address);
  if (input.currentSession?.accountId === accountId && input.currentSession.aal === 2) {
    return { accountId, address: link.address, purpose: 'add-email' };
  }
  const remembered = (await input.rememberedBrowser?.(accountId)) ?? false;
  const signedIn = await startSession(profile, context, assuranceAfterPassword(profile, remembered));
  return { ...signedIn, address: link.address, purpose: 'add-email' };
}
