/**
 * Moving an address from a duplicate account: the mailbox owner opens the link, proves they
 * hold the account that has the address now (its password), and confirms. If it was that
 * account's only confirmed email, the account is deleted, and the page said so first.
 */

import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { passwordMatches } from '../accounts/password-check.ts';
import { isWellFormedSecret, secretHash } from '../accounts/tokens.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { passRecoveryCode, passTotp } from '../mfa/challenge.ts';
import { normalizeRecoveryCode } from '../mfa/recovery-codes.ts';
import * as store from '../store/emails.ts';
import type { TotpFactor } from '../store/factors.ts';
import * as mfaStore from '../store/mfa.ts';
import * as profileStore from '../store/profile.ts';
import * as tokenStore from '../store/tokens.ts';
import { deadLink, wrongPassword } from './confirm.ts';
import { noticeTo, sendNotice } from './notices.ts';

export interface MoveDescription {
  readonly address: string;
  /** The holder has set up MFA: their second factor is asked for too. */
  readonly needsCode: boolean;
  /** The address is the holder's only confirmed email: moving it deletes that account. */
  readonly deletesHolder: boolean;
}

async function readMoveLink(secret: unknown, now: Date) {
  if (!isWellFormedSecret(secret)) throw deadLink();
  const hash = secretHash(secret);
  const token = await tokenStore.liveToken(hash, now);
  if (token?.purpose !== 'move-email' || !token.accountId || !token.holderAccountId || !token.normalized) {
    throw deadLink();
  }
  const [requested, holderProfile, holderEmails, holderNow] = await Promise.all([
    store.emailsOf(token.accountId),
    profileStore.profileOf(token.holderAccountId),
    store.emailsOf(token.holderAccountId),
    store.claimOf(token.normalized),
  ]);
  const wanted = requested.find((e) => e.normalized === token.normalized);
  if (
    !wanted ||
    wanted.confirmed ||
    wanted.tokenHash !== hash ||
    !holderProfile ||
    holderNow !== token.holderAccountId
  ) {
    throw deadLink();
  }
  const confirmedAtHolder = holderEmails.filter((e) => e.confirmed);
  return { token, hash, address: wanted.address, holderProfile, confirmedAtHolder };
}

export async function describeMove(secret: unknown, now: Date): Promise<MoveDescription> {
  const link = await readMoveLink(secret, now);
  return {
    address: link.address,
    deletesHolder: link.confirmedAtHolder.length === 1,
    needsCode: Boolean(link.holderProfile.mfaCount),
  };
}

export async function moveEmail(
  input: { token: unknown; password: unknown; code: unknown; confirmDeletion: boolean },
  context: RequestContext,
  ports: Pick<Ports, 'pepper' | 'mail' | 'cipher'>,
): Promise<{ address: string; holderDeleted: boolean }> {
  const link = await readMoveLink(input.token, context.now);
  const { token, holderProfile } = link;
  const throttleKey = `move|${link.hash}|${context.ip}`;
  if (!(await passwordMatches(throttleKey, input.password, holderProfile.password, context, ports))) {
    throw wrongPassword();
  }
  // Everything that can refuse the move is checked before the second factor, which a check
  // uses up: a refused move must not cost the holder a recovery code.
  const deleteHolder = link.confirmedAtHolder.length === 1;
  if (deleteHolder && !input.confirmDeletion) {
    throw problem({ kind: 'MoveNeedsDeletionConsent' });
  }
  if (!deleteHolder && holderProfile.primaryEmail === token.normalized) {
    throw problem({ kind: 'MoveOfPrimaryEmail' });
  }
  if (holderProfile.mfaCount) {
    await passHolderSecondFactor(holderProfile.accountId, input.code, context, ports);
  }
  const holderAddresses = link.confirmedAtHolder.map((e) => e.address);
  const outcome = await store.moveEmail({
    normalized: token.normalized as string,
    tokenHash: link.hash,
    holderAccountId: holderProfile.accountId,
    requesterAccountId: token.accountId as string,
    deleteHolder,
    now: context.now,
    requesterEvent: historyEvent('email-moved-in', context, link.address),
    holderEvent: historyEvent('email-moved-out', context, link.address),
  });
  if (outcome !== 'ok') throw deadLink();
  await Promise.all([
    sendNotice(token.accountId as string, 'email-added', context, ports, link.address),
    deleteHolder
      ? noticeTo(holderAddresses, 'account-deleted', context, ports)
      : sendNotice(holderProfile.accountId, 'email-removed', context, ports, link.address, [link.address]),
  ]);
  return { address: link.address, holderDeleted: deleteHolder };
}

/** The holder's second factor: a code from its authenticator app, or one of its recovery codes. */
async function passHolderSecondFactor(
  accountId: string,
  input: unknown,
  context: RequestContext,
  ports: Pick<Ports, 'cipher'>,
) {
  const code = typeof input === 'string' ? input.trim() : '';
  if (normalizeRecoveryCode(code)) {
    await passRecoveryCode(accountId, code, context);
    return;
  }
  const factors = await mfaStore.factorsOf(accountId);
  const totp = factors.find((f): f is TotpFactor => f.kind === 'totp');
  if (!totp) {
    throw problem({ kind: 'MoveNeedsRecoveryCode' });
  }
  await passTotp(accountId, totp, code, context, ports);
}
