/**
 * Forgot password: a single-use link valid one hour, at most 20 a hour per account, and the
 * same answer whether or not the address has an account, in the same time: both paths read the
 * address's claim, count against a limit, send the same DynamoDB transaction (whose condition on
 * the claim writes the link only for an account) and hand one message to the mail outbox, which
 * sends it after the answer. An address without an account hears that it has none (at most 20
 * such mails an hour to one address). What the link leads to is in password-reset.ts.
 */
import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Ports } from '../core/ports.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import { messages } from '../mail/messages.ts';
import * as emailStore from '../store/emails.ts';
import * as tokenStore from '../store/tokens.ts';
import { inHours, type RequestContext } from './context.ts';
import { newSecret, secretHash } from './tokens.ts';

export async function forgotPassword(
  input: { email: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<{ kind: 'sent'; address: string } | { kind: 'problem'; message: string }> {
  const email = parseEmailAddress(input.email);
  if (isAddressProblem(email)) return { kind: 'problem', message: addressProblemMessages[email] };
  const answer = { kind: 'sent', address: email.address } as const;
  const accountId = await emailStore.claimOf(email.normalized);
  const limitKey = resetMailsKey(accountId, email.normalized);
  if (!(await withinLimit(limits.resetMails, limitKey, context.now))) return answer;
  const secret = newSecret();
  const issued = await tokenStore.issueResetToken(email.normalized, accountId, secretHash(secret), {
    purpose: 'reset-password',
    ...(accountId ? { accountId } : {}),
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, 1),
  });
  await ports.mail.send(
    email.address,
    issued === 'issued'
      ? messages.resetPassword(`${context.siteUrl}/reset-password?token=${secret}`)
      : messages.resetWithoutAccount(context.siteUrl),
  );
  return answer;
}

/** Reset mails are counted per account, or per address for an address without one: one counter either way. */
export const resetMailsKey = (accountId: string | undefined, normalized: string): string =>
  accountId ?? `address:${normalized}`;
