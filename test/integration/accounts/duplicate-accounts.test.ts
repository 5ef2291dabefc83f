/**
 * Duplicate accounts: a confirmed email belongs to exactly one account. Adding an address that
 * another account holds looks like adding any address; the mailbox is offered to move it; the
 * holder's password (its second factor too once it has one, and a checkbox when the holder would
 * be left with no email) moves it in one transaction, deleting the duplicate account when it was
 * its only email. Nothing is half moved.
 */
import { describe, expect, it } from 'vitest';
import * as store from '../../../lambdas/store/emails.ts';
import * as historyStore from '../../../lambdas/store/history.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountItems,
  addEmailOverHttp,
  Browser,
  createMember,
  emailRow,
  emailRows,
  ephemeralTable,
  expectDeadLinkPage,
  findForm,
  getItem,
  lastMailTo,
  linkIn,
  MAIL,
  type Member,
  normalized,
  OTHER_PASSWORD,
  PASSWORD,
  type Page,
  sessionsOf,
  signedIn,
  subjectsTo,
  tokenKeyOf,
  tokenOf,
  totpCode,
  uniqueEmail,
} from './support.ts';

const HOLDER_PASSWORD = OTHER_PASSWORD;

/**
 * A requester signed in, who asked to add `held`, an address of the holder's. The holder has no
 * second factor unless asked: one still setting up, or a duplicate made before MFA existed.
 */
async function duplicate(holderConfirmed: (held: string) => string[], options: { holderMfa?: boolean } = {}) {
  const held = uniqueEmail('held');
  const holder = await createMember({
    confirmed: holderConfirmed(held),
    password: HOLDER_PASSWORD,
    mfa: options.holderMfa ?? false,
  });
  const requester = await createMember();
  const browser = await signedIn(requester);
  const sent = await addEmailOverHttp(browser, held, true);
  const link = linkIn(await lastMailTo(held, MAIL.heldByAnother), '/move-email');
  return { held, holder, requester, browser, sent, link };
}

/**
 * Everything the move could touch, to show that a refused move touched none of it. (Checking the
 * holder's second factor leaves its own traces, the code used or a wrong one in the history.)
 */
async function snapshot(held: string, holder: Member, requester: Member, link: string) {
  const moveItems = async (accountId: string) =>
    (await accountItems(accountId)).filter(
      (i) => !/^(MFA|DEVICE)#/.test(String(i.sk)) && !String(i.type ?? '').startsWith('mfa-'),
    );
  return {
    claim: await store.claimOf(normalized(held)),
    holder: await moveItems(holder.accountId),
    requester: await moveItems(requester.accountId),
    token: await getItem(ephemeralTable(), tokenKeyOf(link)),
  };
}

/** Opens the move link and presses Continue; the holder's code is filled in when the page asks for one. */
async function move(link: string, fields: Record<string, string>, holder?: Member): Promise<Page> {
  const browser = new Browser();
  const page = await browser.get(link);
  expect(page.status, page.text).toBe(200);
  const asksForCode = findForm(page, { button: 'Continue' }).inputs.includes('code');
  expect(asksForCode, 'the page asks for a code exactly when the holder has a second factor').toBe(
    Boolean(holder?.totpSecret),
  );
  const filled = { ...fields };
  if (asksForCode && filled.code === undefined) filled.code = await totpCode(holder?.totpSecret ?? '');
  return browser.submit(page, { button: 'Continue' }, filled);
}

describe('adding an address that another account holds', () => {
  it('shows the same "Confirmation sent" page as any address, and the Email section tells nothing more', async () => {
    const { held, holder, browser, sent } = await duplicate((h) => [h]);
    const free = uniqueEmail('free');
    const freeSent = await addEmailOverHttp(browser, free, true);
    expect(sent.status).toBe(freeSent.status);
    expect(sent.html.replaceAll(held, 'ADDRESS')).toBe(freeSent.html.replaceAll(free, 'ADDRESS'));
    const page = await browser.account();
    expect(emailRow(page, held).tags).toEqual(emailRow(page, free).tags);
    expect(emailRow(page, held).buttons).toEqual(emailRow(page, free).buttons);

    const mail = await lastMailTo(held, MAIL.heldByAnother);
    expect(mail.text).toContain('already belongs to another Verity account');
    expect(mail.text).toContain('open this link and sign in to the account that holds it now');
    expect(mail.text).not.toContain('/confirm-email');
    expect(await store.claimOf(normalized(held)), 'nothing moved yet').toBe(holder.accountId);
  });
});

describe('moving an address from a duplicate account', () => {
  it("moves the holder's only email with its password, second factor and the deletion checkbox, deleting the duplicate account", async () => {
    const { held, holder, requester, browser, link } = await duplicate((h) => [h], { holderMfa: true });
    const holderBrowser = await signedIn(holder);
    const mailbox = new Browser();
    const page = await mailbox.get(link);
    expect(page.heading).toBe('Move your email to another account');
    expect(page.text).toContain(held);
    expect(page.text).toContain('This is the only email of that account, so moving it deletes that account');
    expect(findForm(page, { button: 'Continue' }).inputs).toEqual(
      expect.arrayContaining(['password', 'code', 'confirmDeletion']),
    );

    const done = await mailbox.submit(
      page,
      { button: 'Continue' },
      {
        password: HOLDER_PASSWORD,
        code: await totpCode(holder.totpSecret as string),
        confirmDeletion: 'yes',
      },
    );
    expect(done.status).toBe(200);
    expect(done.heading).toBe('Email moved');
    expect(done.text).toContain('The duplicate account was deleted.');

    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
    expect(await accountItems(holder.accountId), 'nothing of the duplicate is left').toEqual([]);
    expect(await sessionsOf(holder.accountId)).toEqual([]);
    expect((await holderBrowser.get('/account')).status).toBe(303);

    const rows = emailRows(await browser.account());
    expect(rows.map((r) => [r.address, r.tags])).toEqual([
      [requester.primary, ['Primary']],
      [held, ['Confirmed', 'Work']],
    ]);
    expect(await profileStore.profileOf(requester.accountId)).toMatchObject({
      emailCount: 2,
      confirmedEmailCount: 2,
    });
    expect(
      (await new Browser().signIn(held, PASSWORD)).status,
      "the address signs in to the requester's account",
    ).toBe(303);
    expect((await new Browser().signIn(held, HOLDER_PASSWORD)).status).toBe(401);

    expect(await subjectsTo(requester.primary)).toContain(MAIL.emailAdded);
    expect(await subjectsTo(held)).toEqual(expect.arrayContaining([MAIL.accountDeleted, MAIL.emailAdded]));
    expect((await new Browser().get(link)).status, 'the link worked once').toBe(400);
  });

  it('moves nothing on a wrong password, a wrong code or without the checkbox, and the link keeps working', async () => {
    const { held, holder, requester, link } = await duplicate((h) => [h], { holderMfa: true });
    const before = await snapshot(held, holder, requester, link);

    const wrong = await move(link, { password: PASSWORD, code: '000000', confirmDeletion: 'yes' }, holder);
    expect(wrong.status, "the requester's password is not the holder's").toBe(401);
    expect(wrong.text).toContain('That is not the password of this account.');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);

    const wrongCode = await move(
      link,
      { password: HOLDER_PASSWORD, code: '000000', confirmDeletion: 'yes' },
      holder,
    );
    expect(wrongCode.status).toBe(401);
    expect(wrongCode.text).toContain('That code is not right.');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);

    const unchecked = await move(link, { password: HOLDER_PASSWORD }, holder);
    expect(unchecked.status).toBe(400);
    expect(unchecked.text).toContain('Check the box to confirm.');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);

    expect((await move(link, { password: HOLDER_PASSWORD, confirmDeletion: 'yes' }, holder)).status).toBe(
      200,
    );
    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
  });

  it("moves one of the holder's several emails without deleting the holder, and both accounts hear of it", async () => {
    const holderPrimary = uniqueEmail('holder-primary');
    const { held, holder, requester, link } = await duplicate((h) => [holderPrimary, h]);
    const page = await new Browser().get(link);
    expect(findForm(page, { button: 'Continue' }).inputs).not.toContain('confirmDeletion');
    expect(page.text).not.toContain('deletes that account');

    const done = await move(link, { password: HOLDER_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.text).not.toContain('deleted');

    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
    expect(await profileStore.profileOf(holder.accountId)).toMatchObject({
      primaryEmail: normalized(holderPrimary),
      emailCount: 1,
      confirmedEmailCount: 1,
    });
    expect((await store.emailsOf(holder.accountId)).map((e) => e.address)).toEqual([holderPrimary]);
    expect(
      (await new Browser().signIn(holderPrimary, HOLDER_PASSWORD)).status,
      'the holder still signs in',
    ).toBe(303);
    expect((await historyStore.historyOf(holder.accountId)).map((e) => e.type)).toContain('email-moved-out');
    expect((await historyStore.historyOf(requester.accountId)).map((e) => e.type)).toContain(
      'email-moved-in',
    );

    expect(await subjectsTo(holderPrimary)).toContain(MAIL.emailRemoved);
    expect(await subjectsTo(held)).toEqual(expect.arrayContaining([MAIL.emailRemoved, MAIL.emailAdded]));
    expect(await subjectsTo(requester.primary)).toContain(MAIL.emailAdded);
  });

  it("does not move the holder's primary email while it has others, until the holder picks another primary", async () => {
    const other = uniqueEmail('holder-other');
    const { held, holder, requester, link } = await duplicate((h) => [h, other], { holderMfa: true });
    const before = await snapshot(held, holder, requester, link);
    const refused = await move(link, { password: HOLDER_PASSWORD }, holder);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('set another email as primary, then use this link again');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);

    const holderBrowser = await signedIn(holder);
    expect((await holderBrowser.pressOnEmail('Set as primary', other)).status).toBe(303);
    expect((await move(link, { password: HOLDER_PASSWORD }, holder)).status).toBe(200);
    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
    expect((await profileStore.profileOf(holder.accountId))?.primaryEmail).toBe(normalized(other));
  });

  it('of two uses of one move link at once, exactly one moves the address', async () => {
    const { held, holder, requester, link } = await duplicate((h) => [uniqueEmail('holder-primary'), h]);
    const [a, b] = [new Browser(), new Browser()];
    const [pageA, pageB] = await Promise.all([a.get(link), b.get(link)]);
    const answers = await Promise.all([
      a.submit(pageA, { button: 'Continue' }, { password: HOLDER_PASSWORD }),
      b.submit(pageB, { button: 'Continue' }, { password: HOLDER_PASSWORD }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 400]);
    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
    expect(await profileStore.profileOf(holder.accountId)).toMatchObject({
      emailCount: 1,
      confirmedEmailCount: 1,
    });
    expect(await profileStore.profileOf(requester.accountId)).toMatchObject({
      emailCount: 2,
      confirmedEmailCount: 2,
    });
  });

  it('leaves everything as it was when the move transaction fails', async () => {
    const { held, holder, requester, link } = await duplicate((h) => [h]);
    const before = await snapshot(held, holder, requester, link);
    const event = {
      type: 'email-moved-in' as const,
      at: serverNow().toISOString(),
      device: 'test',
      place: 'Unknown',
    };
    const attempt = {
      normalized: normalized(held),
      tokenHash: String(before.token?.pk).slice('TOKEN#'.length),
      holderAccountId: holder.accountId,
      requesterAccountId: requester.accountId,
      now: serverNow(),
      requesterEvent: event,
      holderEvent: { ...event, type: 'email-moved-out' as const },
    };
    // Told to keep a holder that has no other email: the holder's part fails, so nothing happens.
    expect(await store.moveEmail({ ...attempt, deleteHolder: false })).toBe('holder-changed');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);
    // A holder that is not the one holding the address.
    const stranger = await createMember();
    expect(
      await store.moveEmail({ ...attempt, holderAccountId: stranger.accountId, deleteHolder: true }),
    ).toBe('holder-changed');
    expect(await snapshot(held, holder, requester, link)).toEqual(before);
    // The requester's email gone meanwhile.
    await store.removeEmail(
      requester.accountId,
      { address: held, normalized: normalized(held), confirmed: false, work: true, addedAt: '' },
      event,
    );
    const afterRemoval = await snapshot(held, holder, requester, link);
    expect(await store.moveEmail({ ...attempt, deleteHolder: true })).toBe('requester-changed');
    expect(await snapshot(held, holder, requester, link)).toEqual(afterRemoval);
    expect(await profileStore.profileOf(holder.accountId), 'the holder was not deleted').toBeDefined();
  });

  it('a move link dies once the holder no longer holds the address, and Resend confirmation then confirms it normally', async () => {
    const { held, holder, requester, browser, link } = await duplicate((h) => [h], { holderMfa: true });
    const holderBrowser = await signedIn(holder);
    const deletion = await holderBrowser.submit(
      await holderBrowser.get('/account/delete'),
      { button: 'Delete account' },
      {
        password: HOLDER_PASSWORD,
      },
    );
    expect(deletion.status).toBe(303);

    const dead = await new Browser().get(link);
    expect(dead.status).toBe(400);
    expect(emailRow(await browser.account(), held).tags[0]).toBe('Unconfirmed');

    expect((await browser.pressOnEmail('Resend confirmation', held)).status).toBe(303);
    const confirm = linkIn(await lastMailTo(held, MAIL.confirmAdded), '/confirm-email');
    const page = await browser.get(confirm);
    expect((await browser.submit(page, { button: 'Continue' }, { password: PASSWORD })).status).toBe(303);
    expect(await store.claimOf(normalized(held))).toBe(requester.accountId);
  });

  it('a used, replaced or forged move link ends on the page that explains and says how to get a new one', async () => {
    const { held, browser, link } = await duplicate((h) => [uniqueEmail('holder-primary'), h]);
    expect((await browser.pressOnEmail('Resend confirmation', held)).status).toBe(303);
    const fresh = linkIn(await lastMailTo(held, MAIL.heldByAnother), '/move-email');
    expect((await move(fresh, { password: HOLDER_PASSWORD })).status).toBe(200);
    for (const dead of [link, fresh, `/move-email?token=${'M'.repeat(43)}`]) {
      const mailbox = new Browser();
      const page = await mailbox.get(dead);
      expectDeadLinkPage(page);
      expect(page.text).toContain('choose Resend confirmation next to it');
      expectDeadLinkPage(
        await mailbox.post('/move-email', { token: tokenOf(dead), password: HOLDER_PASSWORD }),
      );
    }
  });

  it('Resend confirmation of an address held elsewhere sends a fresh move link and voids the old one', async () => {
    const { held, browser, link } = await duplicate((h) => [h]);
    expect((await browser.pressOnEmail('Resend confirmation', held)).status).toBe(303);
    const fresh = linkIn(await lastMailTo(held, MAIL.heldByAnother), '/move-email');
    expect(tokenOf(fresh)).not.toBe(tokenOf(link));
    expect((await new Browser().get(link)).status).toBe(400);
    expect((await new Browser().get(fresh)).status).toBe(200);
  });
});
