/**
 * The link that confirms a sign-up (create account is in sign-up.ts): how long it lives, where
 * it points, and Resend confirmation, which sends a fresh one. Apart from sign-up.ts because that
 * one checks the new password, and the handler that resends links must not bundle the checker.
 */

import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import { messages } from '../mail/messages.ts';
import type { PendingSignUp, TokenItem } from '../store/items.ts';
import * as store from '../store/sign-ups.ts';
import { inHours, type RequestContext } from './context.ts';
import { newSecret, secretHash } from './tokens.ts';

export const CONFIRMATION_HOURS = 24;

export type FieldProblems = Partial<Record<'email' | 'password', string>>;

export const tooManyRequests = () => problem({ kind: 'ConfirmationMailsThrottled' });

export const confirmLink = (context: RequestContext, secret: string) =>
  `${context.siteUrl}/confirm-email?token=${secret}`;

export const signUpToken = (pending: PendingSignUp, context: RequestContext): TokenItem => ({
  purpose: 'sign-up',
  createdAt: context.now.toISOString(),
  expiresAt: inHours(context.now, CONFIRMATION_HOURS),
  normalized: pending.normalized,
  signUpId: pending.signUpId,
});

/**
 * Resend confirmation for sign-ups: a fresh link for each pending sign-up of the address, each
 * voiding its old link. Says nothing about whether there was any.
 */
export async function resendSignUpConfirmation(
  input: { email: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<{ kind: 'sent'; address: string } | { kind: 'problems'; problems: FieldProblems }> {
  const email = parseEmailAddress(input.email);
  if (isAddressProblem(email))
    return { kind: 'problems', problems: { email: addressProblemMessages[email] } };
  if (!(await withinLimit(limits.confirmationMails, email.normalized, context.now))) throw tooManyRequests();
  for (const pending of await store.pendingSignUpsOf(email.normalized, context.now)) {
    const secret = newSecret();
    const hash = secretHash(secret);
    if ((await store.replaceSignUpToken(pending, hash, signUpToken(pending, context))) === 'ok') {
      await ports.mail.send(pending.address, messages.confirmSignUp(confirmLink(context, secret)));
    }
  }
  return { kind: 'sent', address: email.address };
}
