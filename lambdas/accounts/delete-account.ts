/**
 * Delete account: frees every email and the verified identity's SSN at once, removes the account's data and sessions, keeps
 * only an anonymous audit record, and sends a last notice to the confirmed emails.
 */

import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { noticeTo } from '../emails/notices.ts';
import { disconnectAll } from '../partners/connections.ts';
import * as emailStore from '../store/emails.ts';
import * as store from '../store/profile.ts';
import * as verificationStore from '../store/verification.ts';
import type { RequestContext } from './context.ts';

export async function deleteAccount(
  accountId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<void> {
  // The store deletes only if the confirmed emails are still the ones read here; an email
  // confirmed in between is read on the next try, so no address stays claimed by a deleted account.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [emails, identity] = await Promise.all([
      emailStore.emailsOf(accountId),
      verificationStore.identityOf(accountId),
    ]);
    const confirmed = emails.filter((e) => e.confirmed);
    const outcome = await store.deleteAccount(
      accountId,
      confirmed.map((e) => e.normalized),
      context.now,
      identity?.ssnKey,
    );
    if (outcome === 'changed') continue;
    if (outcome === 'ok') {
      // Every partner's access ends with the account.
      await disconnectAll(accountId);
      await noticeTo(
        confirmed.map((e) => e.address),
        'account-deleted',
        context,
        ports,
      );
    }
    return;
  }
  throw problem({ kind: 'AccountChanged' });
}
