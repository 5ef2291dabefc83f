/**
 * Create account: email and password. The account does not exist until its first email is
 * confirmed; until then it is a pending sign-up that expires with its link. The page never
 * says whether the address already has an account; only the mailbox learns that.
 */

import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../emails/address.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import type { Mailer } from '../mail/mailer.ts';
import { messages } from '../mail/messages.ts';
import * as store from '../store/accounts.ts';
import type { PendingSignUp } from '../store/items.ts';
import { inHours, type RequestContext } from './context.ts';
import { hashPassword, type Pepper } from './password/hash.ts';
import { checkNewPassword, passwordProblemMessages } from './password/policy.ts';
import { CONFIRMATION_HOURS, confirmLink, type FieldProblems, signUpToken } from './sign-up-confirmation.ts';
import { newId, newSecret, secretHash } from './tokens.ts';

export { CONFIRMATION_HOURS } from './sign-up-confirmation.ts';

export interface SignUpPorts {
  readonly mail: Mailer;
  readonly pepper: Pepper;
}

export type SignUpResult =
  | { readonly kind: 'check-email'; readonly address: string }
  | { readonly kind: 'problems'; readonly problems: FieldProblems };

export async function signUp(
  input: { email: unknown; password: unknown },
  context: RequestContext,
  ports: SignUpPorts,
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
  if (await store.claimOf(email.normalized)) {
    // Same page as a new sign-up; only the owner of the mailbox hears that the account exists.
    await ports.mail.send(email.address, messages.signUpWithExistingAccount(context.siteUrl));
    return answer;
  }
  const pending: PendingSignUp = {
    signUpId: newId(),
    address: email.address,
    normalized: email.normalized,
    password: await hashPassword(password, ports.pepper),
    tokenHash: '',
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, CONFIRMATION_HOURS),
  };
  const secret = newSecret();
  const withToken = { ...pending, tokenHash: secretHash(secret) };
  await store.createPendingSignUp(withToken, signUpToken(withToken, context));
  await ports.mail.send(email.address, messages.confirmSignUp(confirmLink(context, secret)));
  return answer;
}
