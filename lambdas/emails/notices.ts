/**
 * Security notices go to every confirmed email of the account, so that someone who took over
 * one address, or the password, cannot make a change that the owner does not hear about.
 */
import type { RequestContext } from '../accounts/context.ts';
import type { Ports } from '../core/ports.ts';
import { sendToEach } from '../mail/mailer.ts';
import { messages, type NoticeKind } from '../mail/messages.ts';
import * as store from '../store/emails.ts';

export async function sendNotice(
  accountId: string,
  kind: NoticeKind,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
  detail?: string,
  /** Addresses that must hear it although they are no longer on the account (a removed email). */
  alsoTo: readonly string[] = [],
): Promise<void> {
  const confirmed = (await store.emailsOf(accountId)).filter((e) => e.confirmed).map((e) => e.address);
  await noticeTo([...confirmed, ...alsoTo], kind, context, ports, detail);
}

export async function noticeTo(
  addresses: readonly string[],
  kind: NoticeKind,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
  detail?: string,
): Promise<void> {
  const unique = [...new Set(addresses)];
  await sendToEach(ports.mail, unique, messages.notice(kind, context.now, context.siteUrl, detail));
}
