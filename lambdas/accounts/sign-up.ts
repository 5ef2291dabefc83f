/**
 * Create account: email and password. The account does not exist until its first email is
 * confirmed; until then it is a pending sign-up that expires with its link. The page never
 * says whether the address already has an account, nor does its timing: both paths hash the
 * password, send the same DynamoDB transaction (whose condition on the address's claim decides
 * which path this is) and hand one message to the mail outbox, which sends it after the answer.
 * Only the mailbox learns whether there was an account.
 */

import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import { newId } from '../core/ids.ts';
import type { Ports } from '../core/ports.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import { messages } from '../mail/messages.ts';
import type { PendingSignUp } from '../store/items.ts';
import * as store from '../store/sign-ups.ts';
import { inHours, type RequestContext } from './context.ts';
import { hashPassword } from './password/hash.ts';
import { checkNewPassword, passwordProblemMessages } from './password/policy.ts';
import { CONFIRMATION_HOURS, confirmLink, type FieldProblems, signUpToken } from './sign-up-confirmation.ts';
import { newSecret, secretHash } from './tokens.ts';

export { CONFIRMATION_HOURS } from './sign-up-confirmation.ts';

export type SignUpResult =
  | { readonly kind: 'check-email'; readonly address: string }
  | { readonly kind: 'problems'; readonly problems: FieldProblems };

export async function signUp(
  input: { email: unknown; password: unknown },
  context: RequestContext,
  ports: Pick<Ports, 'mail' | 'pepper'>,
): Promise<SignUpResult> {
  const email = parseEmailAddress(input.email);
  const password = typeof input.password === 'string' ? input.password : '';
  const problems: FieldProblems = {};
  if (isAddressProblem(email)) problems.email = addressProblemMessages[email];
  const passwordProblems = await checkNewPassword(password, {
    email: isAddressProblem(email) ? '' : email.normalized,
  });
  if (passwordProblems[0]) problems.password = passwordProblemMessages[passwordProblems[0]];
  if (isAddressProblem(email) || problems.password) return { kind: 'problems', problems };

  const answer = { kind: 'check-email', address: email.address } as const;
  // Past 10 mails an hour to one address, the page stays the same but no more mail goes out:
  // nobody can use sign-up to flood a mailbox. (Floods from one IP are the WAF's rate rule.)
  if (!(await withinLimit(limits.confirmationMails, email.normalized, context.now))) return answer;
  // Hashed whether or not the address has an account: the hash is most of the time of an answer.
  const secret = newSecret();
  const pending: PendingSignUp = {
    signUpId: newId(),
    address: email.address,
    normalized: email.normalized,
    password: await hashPassword(password, ports),
    tokenHash: secretHash(secret),
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, CONFIRMATION_HOURS),
  };
  const outcome = await store.createPendingSignUp(pending, signUpToken(pending, context));
  // Same page either way; only the owner of the mailbox hears that the account exists.
  await ports.mail.send(
    email.address,
    outcome === 'created'
      ? messages.confirmSignUp(confirmLink(context, secret))
      : messages.signUpWithExistingAccount(context.siteUrl),
  );
  return answer;
}
