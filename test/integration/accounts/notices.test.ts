/**
 * Security notices go to every confirmed email of the account, so a takeover of one address or
 * of the password cannot hide a change: email added, email removed, primary changed, password
 * changed or reset (account deleted: delete-account.test.ts). Each says what happened, when,
 * and what to do if it was not you. The tests run in order on one account.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { serverNow } from '../../support/clock.ts';
import {
  addEmailOverHttp,
  Browser,
  confirmWithPassword,
  createMember,
  lastMailTo,
  linkIn,
  MAIL,
  type Mail,
  type Member,
  mailTo,
  OTHER_PASSWORD,
  PASSWORD,
  signedIn,
  site,
  subjectsTo,
  uniqueEmail,
} from './support.ts';

/** "When: 2026-11-23 at 04:26 UTC", as the notice writes it. */
const minuteOf = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' at ')} UTC`;

/**
 * A moment before an action, on both clocks that date what follows: the mailbox's (the machine's,
 * when a mail arrived) and the server's (the "When:" a notice tells).
 */
const mark = () => ({ mailbox: new Date(), server: serverNow() });

/** Each address got exactly one `subject` since `since`, saying what, when and what to do. */
async function expectNotice(
  addresses: readonly string[],
  subject: string,
  since: ReturnType<typeof mark>,
  what: string,
) {
  const minutes = [minuteOf(since.server), minuteOf(serverNow())];
  for (const address of addresses) {
    const mails = (await mailTo(address)).filter(
      (m) => m.subject === subject && m.at >= Math.floor(since.mailbox.getTime() / 1000),
    );
    expect(mails, `${subject} to ${address}`).toHaveLength(1);
    const mail = mails[0] as Mail;
    expect(mail.to, 'one message per address').toEqual([address]);
    expect(mail.text, 'what happened').toContain(what);
    expect(
      minutes.some((m) => mail.text.includes(`When: ${m}.`)),
      `when, in:\n${mail.text}`,
    ).toBe(true);
    expect(mail.text, 'what to do if it was not you').toContain(
      `If this was not you, someone may know your password. Reset it now at ${site}/forgot-password`,
    );
  }
}

let member: Member;
let browser: Browser;
let [first, second, added, unconfirmed] = ['', '', '', ''];

beforeAll(async () => {
  [first, second, added, unconfirmed] = ['first', 'second', 'added', 'unconfirmed'].map((t) =>
    uniqueEmail(t),
  ) as [string, string, string, string];
  member = await createMember({ confirmed: [first, second], unconfirmed: [unconfirmed] });
  browser = await signedIn(member);
});

describe('security notices', () => {
  it('tell every confirmed email, the new one included, that an email was added', async () => {
    const since = mark();
    await addEmailOverHttp(browser, added);
    expect(await subjectsTo(first), 'not before it is confirmed').toEqual([]);
    const link = linkIn(await lastMailTo(added, MAIL.confirmAdded), '/confirm-email');
    const done = await confirmWithPassword(browser, link);
    expect(done.status).toBe(303);
    expect((await browser.follow(done)).heading).toBe('Profile');
    await expectNotice(
      [first, second, added],
      MAIL.emailAdded,
      since,
      `The email address ${added} was added`,
    );
    expect(await subjectsTo(unconfirmed), 'an unconfirmed email hears nothing').toEqual([]);
  });

  it('tell every confirmed email that the primary changed, and to what', async () => {
    const since = mark();
    expect((await browser.pressOnEmail('Set as primary', second)).status).toBe(303);
    await expectNotice(
      [first, second, added],
      MAIL.primaryChanged,
      since,
      `The primary email of your Verity account is now ${second}`,
    );
  });

  it('tell the remaining emails and the removed one that an email was removed', async () => {
    const since = mark();
    expect((await browser.pressOnEmail('Remove', added)).status).toBe(303);
    await expectNotice(
      [first, second, added],
      MAIL.emailRemoved,
      since,
      `The email address ${added} was removed from your Verity account`,
    );
    const removedUnconfirmed = new Date();
    expect((await browser.pressOnEmail('Remove', unconfirmed)).status).toBe(303);
    const late = (await mailTo(first)).filter((m) => m.at >= Math.floor(removedUnconfirmed.getTime() / 1000));
    expect(late.filter((m) => m.subject === MAIL.emailRemoved && m.text.includes(unconfirmed))).toEqual([]);
  });

  it('tell every confirmed email that the password changed; other sessions end, this one goes on', async () => {
    const other = await signedIn(member);
    const since = mark();
    const form = await browser.get('/account/password');
    const done = await browser.submit(form, { button: 'Change password' }, { password: OTHER_PASSWORD });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/account/security?notice=password-changed');
    expect((await browser.follow(done)).text).toContain('Your password changed.');
    await expectNotice(
      [first, second],
      MAIL.passwordChanged,
      since,
      'The password of your Verity account was changed.',
    );
    expect((await other.get('/account')).status, 'the other session ended').toBe(303);
    expect((await new Browser().signIn(first, PASSWORD)).status).toBe(401);
    expect((await new Browser().signIn(first, OTHER_PASSWORD)).status).toBe(303);
  });

  it('tell every confirmed email that the password was reset', async () => {
    const since = mark();
    const mailbox = new Browser();
    const forgot = await mailbox.get('/forgot-password');
    await mailbox.submit(forgot, { button: 'Send reset link' }, { email: second });
    const link = linkIn(await lastMailTo(second, MAIL.reset), '/reset-password');
    const page = await mailbox.get(link);
    expect((await mailbox.submit(page, { button: 'Reset password' }, { password: PASSWORD })).status).toBe(
      303,
    );
    await expectNotice(
      [first, second],
      MAIL.passwordReset,
      since,
      'The password of your Verity account was reset, and every session was signed out.',
    );
  });
});
