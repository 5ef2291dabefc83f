/**
 * Forgot password: a single-use link valid one hour, at most 20 a hour per account, and the
 * same answer whether or not the address has an account. What the link leads to is in
 * password-reset.ts.
 */

import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../emails/address.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import type { Mailer } from '../mail/mailer.ts';
import { messages } from '../mail/messages.ts';
import * as store from '../store/accounts.ts';
import { inHours, type RequestContext } from './context.ts';
import { newSecret, secretHash } from './tokens.ts';

export async function forgotPassword(
  input: { email: unknown },
  context: RequestContext,
  mail: Mailer,
): Promise<{ kind: 'sent'; address: string } | { kind: 'problem'; message: string }> {
  const email = parseEmailAddress(input.email);
  if (isAddressProblem(email)) return { kind: 'problem', message: addressProblemMessages[email] };
  const accountId = await store.claimOf(email.normalized);
  if (accountId && (await withinLimit(limits.resetMails, accountId, context.now))) {
    const secret = newSecret();
    await store.putToken(secretHash(secret), {
      purpose: 'reset-password',
      accountId,
      createdAt: context.now.toISOString(),
      expiresAt: inHours(context.now, 1),
    });
    await mail.send(
      email.address,
      messages.resetPassword(`${context.siteUrl}/reset-password?token=${secret}`),
    );
  }
  return { kind: 'sent', address: email.address };
}
