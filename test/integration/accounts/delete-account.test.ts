/**
 * Delete account: after the password again; removes the account's data and sessions, frees its
 * emails, sends a last notice to every confirmed email, and keeps only an anonymous audit record.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deleteAccount as deleteAccountNow } from '../../../lambdas/accounts/delete-account.ts';
import { sesMailer } from '../../../lambdas/mail/ses.ts';
import { documentClient } from '../../../lambdas/store/dynamo.ts';
import * as store from '../../../lambdas/store/emails.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountItems,
  accountsTable,
  addEmailInStore,
  Browser,
  createMember,
  lastMailTo,
  MAIL,
  mailTo,
  normalized,
  OTHER_PASSWORD,
  PASSWORD,
  type Page,
  sessionsOf,
  signedIn,
  signedInMinutesAgo,
  signUpOverHttp,
  site,
  subjectsTo,
  uniqueEmail,
} from './support.ts';

async function auditRecords(day: string): Promise<Record<string, unknown>[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: accountsTable(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${day}` },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

async function deleteAccount(browser: Browser, password: string): Promise<Page> {
  const form = await browser.get('/account/delete');
  expect(form.status).toBe(200);
  expect(form.text).toContain('It cannot be undone.');
  return browser.submit(form, { button: 'Delete account' }, { password });
}

describe('Delete account', () => {
  it('asks for the password, and a wrong one deletes nothing', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const before = await accountItems(member.accountId);
    const page = await deleteAccount(browser, OTHER_PASSWORD);
    expect(page.status).toBe(401);
    expect(page.heading).toBe('Delete account');
    expect(page.text).toContain('not right');
    // The wrong password counts toward the lock like any other; nothing else changed.
    const after = await accountItems(member.accountId);
    const unchanged = (items: Record<string, unknown>[]) =>
      items.filter((i) => i.type !== 'sign-in-failed').map(({ failedSignIns, ...rest }) => rest);
    expect(unchanged(after)).toEqual(unchanged(before));
    expect((await profileStore.profileOf(member.accountId))?.failedSignIns).toBe(1);
    expect(await store.claimOf(normalized(member.primary))).toBe(member.accountId);
    expect((await browser.account()).status).toBe(200);
    expect(await subjectsTo(member.primary)).toEqual([]);
  });

  it('removes the data and sessions, frees the emails, sends a last notice and keeps only an anonymous audit record', async () => {
    const member = await createMember({
      confirmed: [uniqueEmail('delete-first'), uniqueEmail('delete-second')],
      unconfirmed: [uniqueEmail('delete-unconfirmed')],
    });
    const [first, second] = member.confirmed as [string, string];
    const [phone, laptop] = [await signedIn(member), await signedIn(member)];
    const since = serverNow();
    const day = since.toISOString().slice(0, 10);
    const auditBefore = (await auditRecords(day)).map((r) => r.sk);

    const done = await deleteAccount(laptop, PASSWORD);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/sign-in?notice=account-deleted');
    expect(laptop.sessionCookie, 'the session cookie is cleared').toBeUndefined();
    expect((await laptop.follow(done)).text).toContain('Your account was deleted');

    expect(await accountItems(member.accountId), 'no profile, emails or history left').toEqual([]);
    expect(await sessionsOf(member.accountId)).toEqual([]);
    expect((await phone.get('/account')).status, 'every session ended').toBe(303);
    for (const email of member.confirmed) {
      expect(await store.claimOf(normalized(email)), `${email} is free`).toBeUndefined();
      expect((await new Browser().signIn(email)).status).toBe(401);
    }

    for (const email of [first, second]) {
      const notice = await lastMailTo(email, MAIL.accountDeleted);
      expect(notice.text).toContain('Your Verity account was deleted.');
      expect(notice.text).toMatch(/When: \d{4}-\d\d-\d\d at \d\d:\d\d UTC\./);
      expect(notice.text).toContain(`If this was not you, contact the organization that runs this service`);
      expect(notice.text).toContain(`${site}/create-account`);
    }
    expect(await mailTo(member.unconfirmed[0] as string)).toEqual([]);

    const added = (await auditRecords(day)).filter((r) => !auditBefore.includes(r.sk));
    const ours = added.filter((r) => Date.parse(String(r.at)) >= since.getTime() - 1000);
    expect(ours.length).toBeGreaterThanOrEqual(1);
    for (const record of added) {
      expect(Object.keys(record).sort(), 'the audit record holds no personal data').toEqual([
        'at',
        'pk',
        'sk',
        'type',
      ]);
      expect(record.type).toBe('account-deleted');
      const text = JSON.stringify(record);
      expect(text).not.toContain(member.accountId);
      for (const email of [...member.confirmed, ...member.unconfirmed]) expect(text).not.toContain(email);
    }
  });

  it("lets a deleted account's address create a new account", async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    expect((await deleteAccount(browser, PASSWORD)).status).toBe(303);
    const again = await signUpOverHttp(member.primary);
    const accountId = await store.claimOf(normalized(member.primary));
    expect(accountId).toBeDefined();
    expect(accountId).not.toBe(member.accountId);
    expect((await again.account()).status).toBe(200);
    expect(await subjectsTo(member.primary)).not.toContain(MAIL.someoneTried);
  });

  it('leaves no claim behind for an email confirmed while the account was being deleted', async () => {
    const member = await createMember();
    const late = uniqueEmail('late');
    const { link } = await addEmailInStore(member.accountId, late);
    // Deleting reads the account's confirmed emails first...
    const seen = (await store.emailsOf(member.accountId)).filter((e) => e.confirmed).map((e) => e.normalized);
    // ...the added email's link is used in that moment...
    const browser = new Browser();
    const page = await browser.get(link);
    expect((await browser.submit(page, { button: 'Continue' }, { password: PASSWORD })).status).toBe(303);
    // ...and the deletion goes on with what it read: it must not free one address and leave the other.
    await profileStore.deleteAccount(member.accountId, seen, serverNow(), undefined);
    const gone = (await profileStore.profileOf(member.accountId)) === undefined;
    expect(await store.claimOf(normalized(late))).toBe(gone ? undefined : member.accountId);
    expect(await store.claimOf(normalized(member.primary))).toBe(gone ? undefined : member.accountId);

    // Deleting again (the member presses the button again) frees both.
    const context = { now: serverNow(), siteUrl: site, device: 'test', place: 'Unknown', ip: '127.0.0.1' };
    await deleteAccountNow(member.accountId, context, { mail: sesMailer() });
    expect(await profileStore.profileOf(member.accountId)).toBeUndefined();
    expect(await store.claimOf(normalized(late))).toBeUndefined();
    expect(await store.claimOf(normalized(member.primary))).toBeUndefined();
  });

  it('is refused to a sign-in over 20 minutes old until the password is entered again', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    await signedInMinutesAgo(browser, 21);
    const page = await browser.post('/account/delete', { password: PASSWORD });
    expect(page.status).toBe(303);
    expect(page.location).toMatch(/^\/reauthenticate/);
    expect(await profileStore.profileOf(member.accountId)).toBeDefined();
  });
});
