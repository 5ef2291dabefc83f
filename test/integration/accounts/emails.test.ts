/**
 * The Email section: each email with its state and label; + Add an email with Work and Send
 * confirmation; Resend confirmation, Set as primary (confirmed only) and Remove (never the
 * primary, never the last confirmed); at most 12 emails.
 */
import { describe, expect, it } from 'vitest';
import * as store from '../../../lambdas/store/emails.ts';
import { profileKey } from '../../../lambdas/store/items.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountItems,
  accountsTable,
  addEmailInStore,
  addEmailOverHttp,
  Browser,
  confirmWithPassword,
  createAccount,
  createMember,
  emailRow,
  emailRows,
  ephemeralTable,
  lastMailTo,
  linkIn,
  MAIL,
  mailTo,
  normalized,
  OTHER_PASSWORD,
  PASSWORD,
  setAttributes,
  signedIn,
  subjectsTo,
  tokenKeyOf,
  tokenOf,
  uniqueEmail,
} from './support.ts';

describe('the Email section', () => {
  it('+ Add an email with Work sends a confirmation, and its link adds the address as a confirmed Work email', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const work = uniqueEmail('work');
    const account = await browser.account();
    expect(account.html).toMatch(/<a [^>]*href="\/account\/emails\/add"[^>]*>\s*\+ Add an email\s*<\/a>/);

    const sent = await addEmailOverHttp(browser, work, true);
    expect(sent.status).toBe(200);
    expect(sent.heading).toBe('Confirmation sent');
    expect(sent.text).toContain(work);
    const pending = emailRow(await browser.account(), work);
    expect(pending.tags).toEqual(['Unconfirmed', 'Work']);
    expect(pending.buttons).toEqual(['Resend confirmation', 'Remove']);
    expect((await new Browser().signIn(work)).status, 'an unconfirmed email does not sign in').toBe(401);

    const link = linkIn(await lastMailTo(work, MAIL.confirmAdded), '/confirm-email');
    const confirmPage = await browser.get(link);
    expect(confirmPage.heading).toBe('Confirm your email');
    expect(confirmPage.text).toContain(`Enter the password of your Verity account to add ${work}`);
    const wrong = await browser.submit(confirmPage, { button: 'Continue' }, { password: OTHER_PASSWORD });
    expect(wrong.status).toBe(401);
    expect(emailRow(await browser.account(), work).tags).toEqual(['Unconfirmed', 'Work']);

    const done = await browser.submit(confirmPage, { button: 'Continue' }, { password: PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account?notice=email-confirmed');
    // This browser was already signed in to the account at both steps: it stays signed in.
    expect((await browser.follow(done)).heading).toBe('Profile');
    const page = await browser.account();
    expect(emailRows(page).map((r) => [r.address, r.tags])).toEqual([
      [member.primary, ['Primary']],
      [work, ['Confirmed', 'Work']],
    ]);
    expect(emailRow(page, work).buttons).toEqual(['Set as primary', 'Remove']);
    expect(emailRow(page, member.primary).buttons, 'the primary has no menu').toEqual([]);
    expect(await store.claimOf(normalized(work))).toBe(member.accountId);
    expect((await new Browser().signIn(work)).status, 'a confirmed email signs in').toBe(303);
  });

  it('an email added without Work has no Work label', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const personal = uniqueEmail('personal');
    await addEmailOverHttp(browser, personal);
    expect(emailRow(await browser.account(), personal).tags).toEqual(['Unconfirmed']);
  });

  it('Resend confirmation sends a fresh link for an added email and voids the old one', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const added = uniqueEmail('resend');
    await addEmailOverHttp(browser, added);
    const old = linkIn(await lastMailTo(added, MAIL.confirmAdded), '/confirm-email');

    const resent = await browser.pressOnEmail('Resend confirmation', added);
    expect(resent.status).toBe(303);
    expect(resent.location).toBe('/account?notice=confirmation-sent');
    const links = (await mailTo(added)).map((m) => linkIn(m, '/confirm-email'));
    expect(links).toHaveLength(2);
    expect(links[1]).not.toBe(old);

    const dead = await browser.get(old);
    expect(dead.status).toBe(400);
    expect(dead.heading).toBe('This link does not work');
    expect((await browser.get(links[1] as string)).status).toBe(200);
  });

  it("an added email's link expires after 24 hours", async () => {
    const member = await createMember();
    const added = uniqueEmail('late');
    const { link } = await addEmailInStore(member.accountId, added);
    await setAttributes(ephemeralTable(), tokenKeyOf(link), {
      expiresAt: Math.floor(serverNow().getTime() / 1000) - 1,
    });
    const browser = new Browser();
    expect((await browser.get(link)).heading).toBe('This link does not work');
    const page = await browser.post('/confirm-email', { token: tokenOf(link), password: PASSWORD });
    expect(page.status).toBe(400);
    expect(
      (await store.emailsOf(member.accountId)).find((e) => e.normalized === normalized(added))?.confirmed,
    ).toBe(false);
  });

  it('a link for an address that another account confirmed first changes nothing and says so', async () => {
    const first = await createMember();
    const second = await createMember();
    const contested = uniqueEmail('contested');
    const { link: firstLink } = await addEmailInStore(first.accountId, contested);
    const { link: secondLink } = await addEmailInStore(second.accountId, contested);
    expect((await confirmWithPassword(new Browser(), secondLink)).status).toBe(303);

    const before = await accountItems(first.accountId);
    const browser = new Browser();
    const page = await confirmWithPassword(browser, firstLink);
    expect(page.status).toBe(409);
    expect(page.text).toContain('This email address now belongs to another Verity account.');
    expect(browser.sessionCookie).toBeUndefined();
    expect(await accountItems(first.accountId)).toEqual(before);
    expect(await store.claimOf(normalized(contested))).toBe(second.accountId);
  });

  it('Set as primary makes a confirmed email the primary, and refuses an unconfirmed one', async () => {
    const member = await createMember({
      confirmed: [uniqueEmail('old-primary'), uniqueEmail('new-primary')],
      unconfirmed: [uniqueEmail('unconfirmed')],
    });
    const [oldPrimary, newPrimary] = member.confirmed as [string, string];
    const unconfirmed = member.unconfirmed[0] as string;
    const browser = await signedIn(member);

    const refused = await browser.post('/account/emails/primary', { email: normalized(unconfirmed) });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Only a confirmed email can be the primary');
    expect((await profileStore.profileOf(member.accountId))?.primaryEmail).toBe(normalized(oldPrimary));

    const done = await browser.pressOnEmail('Set as primary', newPrimary);
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account?notice=primary-changed');
    const page = await browser.follow(done);
    expect(page.text).toContain('Your primary email changed.');
    expect(emailRows(page).map((r) => [r.address, r.tags[0]])).toEqual([
      [newPrimary, 'Primary'],
      [oldPrimary, 'Confirmed'],
      [unconfirmed, 'Unconfirmed'],
    ]);
    expect((await profileStore.profileOf(member.accountId))?.primaryEmail).toBe(normalized(newPrimary));

    const notMine = await browser.post('/account/emails/primary', {
      email: normalized(uniqueEmail('stranger')),
    });
    expect(notMine.status).toBe(404);
  });

  it('Remove takes away an unconfirmed email, or a confirmed one that is not the primary, and frees the address', async () => {
    const member = await createMember({
      confirmed: [uniqueEmail('keep'), uniqueEmail('drop-confirmed')],
      unconfirmed: [uniqueEmail('drop-unconfirmed')],
    });
    const [, confirmed] = member.confirmed as [string, string];
    const unconfirmed = member.unconfirmed[0] as string;
    const browser = await signedIn(member);

    const first = await browser.pressOnEmail('Remove', unconfirmed);
    expect(first.status).toBe(303);
    expect(first.location).toBe('/account?notice=email-removed');
    const second = await browser.pressOnEmail('Remove', confirmed);
    expect(second.status).toBe(303);
    const page = await browser.follow(second);
    expect(page.text).toContain('The email was removed.');
    expect(emailRows(page).map((r) => r.address)).toEqual([member.primary]);
    expect(await profileStore.profileOf(member.accountId)).toMatchObject({
      emailCount: 1,
      confirmedEmailCount: 1,
    });

    expect(await store.claimOf(normalized(confirmed))).toBeUndefined();
    expect((await new Browser().signIn(confirmed)).status, 'a removed email no longer signs in').toBe(401);
    await createAccount(new Browser(), confirmed);
    expect(await subjectsTo(confirmed), 'the address is free for a new account').toContain(
      MAIL.confirmSignUp,
    );
    expect(await subjectsTo(confirmed)).not.toContain(MAIL.someoneTried);
  });

  it('Remove never takes the primary, which is also the last confirmed email', async () => {
    const member = await createMember({ unconfirmed: [uniqueEmail('unconfirmed')] });
    const browser = await signedIn(member);
    expect(emailRow(await browser.account(), member.primary).buttons).not.toContain('Remove');
    const before = await store.emailsOf(member.accountId);

    const page = await browser.post('/account/emails/remove', { email: normalized(member.primary) });
    expect(page.status).toBe(409);
    expect(page.text).toContain('You cannot remove your primary email or your only confirmed email.');
    expect(await store.emailsOf(member.accountId)).toEqual(before);
    expect(await store.claimOf(normalized(member.primary))).toBe(member.accountId);
    expect((await profileStore.profileOf(member.accountId))?.primaryEmail).toBe(normalized(member.primary));
  });

  it('a confirmed email that is not the primary cannot be removed when it is the last confirmed one', async () => {
    // The profile's count of confirmed emails guards this even if the primary were not among them.
    const member = await createMember({ confirmed: [uniqueEmail('primary'), uniqueEmail('second')] });
    const second = member.confirmed[1] as string;
    const browser = await signedIn(member);
    await setAttributes(accountsTable(), profileKey(member.accountId), { confirmedEmailCount: 1 });
    const page = await browser.post('/account/emails/remove', { email: normalized(second) });
    expect(page.status).toBe(409);
    expect(await store.claimOf(normalized(second))).toBe(member.accountId);
    await setAttributes(accountsTable(), profileKey(member.accountId), { confirmedEmailCount: 2 });
  });

  it('allows at most 12 emails per account', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    const added = Array.from({ length: 11 }, (_, i) => uniqueEmail(`email${i}`));
    const sent = await Promise.all(added.map((email) => addEmailOverHttp(browser, email)));
    expect(sent.map((page) => page.status)).toEqual(added.map(() => 200));
    const full = await browser.account();
    expect(emailRows(full)).toHaveLength(12);
    expect(full.text).toContain('You have 12 emails, the most an account can have.');
    expect(full.html).not.toContain('+ Add an email');

    const thirteenth = uniqueEmail('thirteenth');
    const refused = await addEmailOverHttp(browser, thirteenth);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('An account can have at most 12 emails.');
    expect(await mailTo(thirteenth)).toEqual([]);
    expect((await profileStore.profileOf(member.accountId))?.emailCount).toBe(12);

    await browser.pressOnEmail('Remove', added[0] as string);
    expect((await addEmailOverHttp(browser, thirteenth)).status).toBe(200);
  });

  it('adding an address already on the account says so and sends nothing', async () => {
    const member = await createMember({ unconfirmed: [uniqueEmail('pending')] });
    const browser = await signedIn(member);
    const confirmed = await addEmailOverHttp(browser, member.primary.toUpperCase());
    expect(confirmed.status).toBe(400);
    expect(confirmed.text).toContain('This email is already on your account.');
    const pending = await addEmailOverHttp(browser, member.unconfirmed[0] as string);
    expect(pending.status).toBe(400);
    expect(pending.text).toContain('Use Resend confirmation next to it.');
    expect(await mailTo(member.primary)).toEqual([]);
    expect(await mailTo(member.unconfirmed[0] as string)).toEqual([]);
  });

  it('refuses a malformed address on the Add an email page', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    for (const email of ['', 'no-at-sign', 'two@@example.com', `${'a'.repeat(65)}@example.com`]) {
      const page = await addEmailOverHttp(browser, email);
      expect(page.status, email).toBe(400);
      expect(page.heading).toBe('Add an email');
    }
    expect((await store.emailsOf(member.accountId)).length).toBe(1);
  });
});
