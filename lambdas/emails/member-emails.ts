/**
 * A member's emails as those who act for the member see them: the primary one (always confirmed)
 * and the others, confirmed or not. What a partner receives (`email`, `all_emails`) and the
 * partner sign-in's email rule both read it here.
 */
import * as store from '../store/emails.ts';
import type { EmailItem } from '../store/items.ts';
import { profileOf } from '../store/profile.ts';

export interface MemberEmails {
  /** The primary email; absent only for an account that is gone. */
  readonly primary?: EmailItem;
  readonly confirmed: readonly EmailItem[];
  readonly unconfirmed: readonly EmailItem[];
}

export async function memberEmails(accountId: string): Promise<MemberEmails> {
  const [profile, emails] = await Promise.all([profileOf(accountId), store.emailsOf(accountId)]);
  const confirmed = emails.filter((email) => email.confirmed);
  const primary = confirmed.find((email) => email.normalized === profile?.primaryEmail);
  return {
    ...(primary ? { primary } : {}),
    confirmed,
    unconfirmed: emails.filter((email) => !email.confirmed),
  };
}
