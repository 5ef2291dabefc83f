/**
 * Delete account: frees every email at once, removes the account's data and sessions, keeps
 * only an anonymous audit record, and sends a last notice to the confirmed emails.
 */
import { noticeTo } from '../emails/notices.ts';
import type { Mailer } from '../mail/mailer.ts';
import * as store from '../store/accounts.ts';
import type { RequestContext } from './context.ts';

export async function deleteAccount(accountId: string, context: RequestContext, mail: Mailer): Promise<void> {
  const confirmed = (await store.emailsOf(accountId)).filter((e) => e.confirmed);
  const outcome = await store.deleteAccount(
    accountId,
    confirmed.map((e) => e.normalized),
    context.now,
  );
  if (outcome === 'ok') {
    await noticeTo(
      confirmed.map((e) => e.address),
      'account-deleted',
      context,
      mail,
    );
  }
}
