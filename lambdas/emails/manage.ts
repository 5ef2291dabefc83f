/**
 * The Email section of the profile: + Add an email (with Work), Resend confirmation, Set as
 * primary, Remove. At most 12 emails; never remove the primary or the last confirmed email.
 * An address that another account holds gets the same "confirmation sent" answer, and its
 * mailbox is offered to move it.
 */

import { historyEvent, inHours, type RequestContext } from '../accounts/context.ts';
import { newSecret, secretHash } from '../accounts/tokens.ts';
import { addressProblemMessages, isAddressProblem, parseEmailAddress } from '../core/email-address.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { limits, withinLimit } from '../limits/counters.ts';
import { messages } from '../mail/messages.ts';
import * as store from '../store/emails.ts';
import type { EmailItem, TokenItem } from '../store/items.ts';
import { sendNotice } from './notices.ts';

export const MAX_EMAILS = 12;
const LINK_HOURS = 24;

export type AddEmailResult =
  | { readonly kind: 'sent'; readonly address: string }
  | { readonly kind: 'problem'; readonly message: string };

export async function addEmail(
  accountId: string,
  input: { email: unknown; work: boolean },
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<AddEmailResult> {
  const email = parseEmailAddress(input.email);
  if (isAddressProblem(email)) return { kind: 'problem', message: addressProblemMessages[email] };
  if (!(await withinLimit(limits.confirmationMails, email.normalized, context.now))) {
    throw problem({ kind: 'ConfirmationMailsThrottled' });
  }
  const holder = await store.claimOf(email.normalized);
  if (holder === accountId) return { kind: 'problem', message: 'This email is already on your account.' };
  const secret = newSecret();
  const hash = secretHash(secret);
  const token = emailLinkToken(accountId, email.normalized, holder, context);
  const item: EmailItem = {
    address: email.address,
    normalized: email.normalized,
    confirmed: false,
    work: input.work,
    addedAt: context.now.toISOString(),
    tokenHash: hash,
    ...(holder ? { awaitingMove: true } : {}),
  };
  const outcome = await store.addEmail({
    accountId,
    email: item,
    tokenHash: hash,
    token,
    maxEmails: MAX_EMAILS,
  });
  if (outcome === 'limit')
    return { kind: 'problem', message: `An account can have at most ${MAX_EMAILS} emails.` };
  if (outcome === 'already-added') {
    return {
      kind: 'problem',
      message: 'This email is already on your account. Use Resend confirmation next to it.',
    };
  }
  await ports.mail.send(email.address, linkMessage(token, secret, email.address, context));
  return { kind: 'sent', address: email.address };
}

/**
 * The link for an added email: a plain confirmation, or, when another account holds the
 * address, an offer to its holder to move it here.
 */
function emailLinkToken(
  accountId: string,
  normalized: string,
  holder: string | undefined,
  context: RequestContext,
): TokenItem {
  const common = {
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, LINK_HOURS),
    accountId,
    normalized,
  };
  return holder && holder !== accountId
    ? { ...common, purpose: 'move-email', holderAccountId: holder }
    : { ...common, purpose: 'add-email' };
}

function linkMessage(token: TokenItem, secret: string, address: string, context: RequestContext) {
  return token.purpose === 'move-email'
    ? messages.emailHeldByAnotherAccount(`${context.siteUrl}/move-email?token=${secret}`, address)
    : messages.confirmAddedEmail(`${context.siteUrl}/confirm-email?token=${secret}`);
}

const notOnAccount = () => problem({ kind: 'EmailNotOnAccount' });

async function emailOf(accountId: string, normalized: unknown): Promise<EmailItem> {
  const email = (await store.emailsOf(accountId)).find((e) => e.normalized === normalized);
  if (!email) throw notOnAccount();
  return email;
}

export async function resendEmailConfirmation(
  accountId: string,
  normalized: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<string> {
  const email = await emailOf(accountId, normalized);
  if (email.confirmed) throw problem({ kind: 'EmailAlreadyConfirmed' });
  if (!(await withinLimit(limits.confirmationMails, email.normalized, context.now))) {
    throw problem({ kind: 'ConfirmationMailsThrottled' });
  }
  // Read either way: an extra read only for an address that another account holds would tell
  // the requester so by the time of the answer.
  const claim = await store.claimOf(email.normalized);
  const holder = email.awaitingMove ? claim : undefined;
  const secret = newSecret();
  const hash = secretHash(secret);
  const token = emailLinkToken(accountId, email.normalized, holder, context);
  if ((await store.replaceEmailToken(accountId, email.normalized, hash, token)) !== 'ok')
    throw notOnAccount();
  await ports.mail.send(email.address, linkMessage(token, secret, email.address, context));
  return email.address;
}

export async function setPrimaryEmail(
  accountId: string,
  normalized: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<string> {
  const email = await emailOf(accountId, normalized);
  const notConfirmed = () => problem({ kind: 'EmailNotConfirmed' });
  if (!email.confirmed) throw notConfirmed();
  const outcome = await store.setPrimaryEmail(
    accountId,
    email.normalized,
    historyEvent('primary-changed', context, email.address),
  );
  if (outcome !== 'ok') throw notConfirmed();
  await sendNotice(accountId, 'primary-changed', context, ports, email.address);
  return email.address;
}

export async function removeEmail(
  accountId: string,
  normalized: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<string> {
  const email = await emailOf(accountId, normalized);
  const outcome = await store.removeEmail(
    accountId,
    email,
    historyEvent('email-removed', context, email.address),
  );
  if (outcome === 'primary-or-last') {
    throw problem({ kind: 'CannotRemoveEmail' });
  }
  if (outcome === 'gone') throw notOnAccount();
  // The removed address hears it too: it may be the owner's, taken out by someone else.
  if (email.confirmed)
    await sendNotice(accountId, 'email-removed', context, ports, email.address, [email.address]);
  return email.address;
}
