/**
 * Lost every method and every recovery code: the account cannot be opened, by anyone. What the
 * member can do, as login.gov does it, is ask to delete it and start again: the request waits
 * 24 hours while every confirmed email is told and can cancel it; after the wait the member (who
 * still knows the password) asks for the deletion link, which works for 24 hours.
 */

import { historyEvent, inHours, type RequestContext } from '../accounts/context.ts';
import { deleteAccount } from '../accounts/delete-account.ts';
import { isWellFormedSecret, newSecret, secretHash } from '../accounts/tokens.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { noticeTo } from '../emails/notices.ts';
import { sendToEach } from '../mail/mailer.ts';
import { messages } from '../mail/messages.ts';
import { cancelResetRequest, createResetRequest, resetRequestOf } from '../store/account-reset.ts';
import * as emailStore from '../store/emails.ts';
import * as historyStore from '../store/history.ts';
import * as store from '../store/tokens.ts';

export const WAIT_HOURS = 24;

export type ResetState =
  | { readonly kind: 'none' }
  | { readonly kind: 'waiting'; readonly readyAt: Date }
  | { readonly kind: 'ready' };

const readyAt = (requestedAt: string) => new Date(Date.parse(requestedAt) + WAIT_HOURS * 3_600_000);

export async function resetState(accountId: string, now: Date): Promise<ResetState> {
  const request = await resetRequestOf(accountId, now);
  if (!request) return { kind: 'none' };
  const ready = readyAt(request.requestedAt);
  return ready > now ? { kind: 'waiting', readyAt: ready } : { kind: 'ready' };
}

async function confirmedAddresses(accountId: string): Promise<string[]> {
  return (await emailStore.emailsOf(accountId)).filter((e) => e.confirmed).map((e) => e.address);
}

export async function requestAccountReset(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<void> {
  const outcome = await createResetRequest({
    accountId,
    requestedAt: context.now.toISOString(),
    expiresAt: inHours(context.now, 2 * WAIT_HOURS),
  });
  if (outcome === 'exists') return;
  const secret = newSecret();
  await store.putToken(secretHash(secret), {
    purpose: 'cancel-account-reset',
    accountId,
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, 2 * WAIT_HOURS),
  });
  const message = messages.accountResetRequested(
    `${context.siteUrl}/account-reset/cancel?token=${secret}`,
    readyAt(context.now.toISOString()),
  );
  await sendToEach(ports.mail, await confirmedAddresses(accountId), message);
  await historyStore.recordEvent(accountId, historyEvent('account-reset-requested', context));
}

export async function sendDeletionLink(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<void> {
  const state = await resetState(accountId, context.now);
  if (state.kind !== 'ready') {
    throw problem({ kind: 'AccountResetNotReady' });
  }
  const secret = newSecret();
  await store.putToken(secretHash(secret), {
    purpose: 'delete-account',
    accountId,
    createdAt: context.now.toISOString(),
    expiresAt: inHours(context.now, WAIT_HOURS),
  });
  const link = `${context.siteUrl}/account-reset/delete?token=${secret}`;
  await sendToEach(ports.mail, await confirmedAddresses(accountId), messages.accountResetReady(link));
}

const deadLink = () => problem({ kind: 'LinkNotValid', link: 'account-reset' });

async function liveResetLink(secret: unknown, purpose: 'cancel-account-reset' | 'delete-account', now: Date) {
  if (!isWellFormedSecret(secret)) throw deadLink();
  const hash = secretHash(secret);
  const token = await store.liveToken(hash, now);
  if (token?.purpose !== purpose || !token.accountId) throw deadLink();
  if (!(await resetRequestOf(token.accountId, now))) throw deadLink();
  return { hash, accountId: token.accountId };
}

/** For the pages: is the link good? Changes nothing. */
export async function checkResetLink(
  secret: unknown,
  purpose: 'cancel-account-reset' | 'delete-account',
  now: Date,
) {
  await liveResetLink(secret, purpose, now);
}

export async function cancelAccountReset(
  secret: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<void> {
  const { accountId } = await liveResetLink(secret, 'cancel-account-reset', context.now);
  await cancelResetRequest(accountId);
  await historyStore.recordEvent(accountId, historyEvent('account-reset-cancelled', context));
  await noticeTo(await confirmedAddresses(accountId), 'account-reset-cancelled', context, ports);
}

export async function deleteByResetLink(
  secret: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<void> {
  const { accountId } = await liveResetLink(secret, 'delete-account', context.now);
  await cancelResetRequest(accountId);
  await deleteAccount(accountId, context, ports);
}
