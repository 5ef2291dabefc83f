/**
 * Races, each with exactly one winner and the invariants intact afterwards: a confirmed email
 * belongs to one account; an account has exactly one primary email and it is confirmed; its
 * counters match its emails; a link works once. The requests go through the gateway at once;
 * only the setup (20 pending sign-ups of one address, which Create account would rightly stop
 * mailing after 10) is written to the store directly.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../../lambdas/store/dynamo.ts';
import * as store from '../../../lambdas/store/emails.ts';
import * as profileStore from '../../../lambdas/store/profile.ts';
import {
  accountItems,
  accountsTable,
  addEmailInStore,
  all,
  Browser,
  createMember,
  emailRows,
  formsOf,
  MAIL,
  normalized,
  PASSWORD,
  type Page,
  pendingSignUpInStore,
  sessionKeyOf,
  signedIn,
  subjectsTo,
  uniqueEmail,
} from './support.ts';

/** Every item in the accounts table that says something about `address`. */
async function itemsAbout(address: string) {
  const key = normalized(address);
  const { Items } = await documentClient().send(
    new ScanCommand({
      TableName: accountsTable(),
      FilterExpression: 'primaryEmail = :n OR sk = :email OR pk = :email',
      ExpressionAttributeValues: { ':n': key, ':email': `EMAIL#${key}` },
      ConsistentRead: true,
    }),
  );
  const items = Items ?? [];
  return {
    profiles: items.filter((i) => i.sk === 'PROFILE'),
    emails: items.filter((i) => i.sk === `EMAIL#${key}`),
    claims: items.filter((i) => i.sk === 'CLAIM'),
  };
}

/** The account's own view of its invariants, straight from its items. */
async function invariantsOf(accountId: string) {
  const items = await accountItems(accountId);
  const profile = items.find((i) => i.sk === 'PROFILE');
  const emails = items.filter((i) => String(i.sk).startsWith('EMAIL#'));
  const confirmed = emails.filter((e) => e.confirmed === true);
  const primary = emails.find((e) => e.normalized === profile?.primaryEmail);
  const claims = await Promise.all(confirmed.map((e) => store.claimOf(String(e.normalized))));
  return { profile, emails, confirmed, primary, claims };
}

async function expectIntact(accountId: string) {
  const { profile, emails, confirmed, primary, claims } = await invariantsOf(accountId);
  expect(profile, 'the account exists').toBeDefined();
  expect(primary, 'the primary is one of the emails').toBeDefined();
  expect(primary?.confirmed, 'the primary is confirmed').toBe(true);
  expect(profile?.emailCount).toBe(emails.length);
  expect(profile?.confirmedEmailCount).toBe(confirmed.length);
  expect(confirmed.length).toBeGreaterThanOrEqual(1);
  expect(emails.length).toBeLessThanOrEqual(12);
  expect(claims, 'every confirmed email is claimed by this account').toEqual(confirmed.map(() => accountId));
}

const primaryTags = (page: Page) => emailRows(page).filter((row) => row.tags.includes('Primary')).length;

describe('races', () => {
  it('of 20 sign-ups of one address confirming at once, exactly one becomes the account that holds it', async () => {
    const address = uniqueEmail('contested');
    const links = await all(20, async () => (await pendingSignUpInStore(address)).link);
    const browsers = links.map(() => new Browser());
    const pages = await Promise.all(browsers.map((b, i) => b.get(links[i] as string)));
    for (const page of pages) expect(page.status).toBe(200);

    const answers = await Promise.all(
      browsers.map((b, i) => b.submit(pages[i] as Page, { button: 'Continue' }, { password: PASSWORD })),
    );

    const winners = answers.flatMap((a, i) => (a.status === 303 ? [i] : []));
    expect(winners, `statuses ${answers.map((a) => a.status).join(' ')}`).toHaveLength(1);
    const winner = browsers[winners[0] as number] as Browser;
    for (const [i, answer] of answers.entries()) {
      if (i === winners[0]) continue;
      expect([400, 409]).toContain(answer.status);
      expect(browsers[i]?.sessionCookie, 'a loser is not signed in').toBeUndefined();
    }
    const accountId = sessionKeyOf(winner).accountId;
    expect(await store.claimOf(normalized(address))).toBe(accountId);
    const about = await itemsAbout(address);
    expect(
      about.profiles.map((p) => p.accountId),
      'exactly one account has it as primary',
    ).toEqual([accountId]);
    expect(
      about.emails.map((e) => e.pk),
      'exactly one account lists it',
    ).toEqual([`ACCOUNT#${accountId}`]);
    expect(about.claims).toHaveLength(1);
    await expectIntact(accountId);
    expect(answers[winners[0] as number]?.location, 'signed in, on to the first sign-in method').toBe(
      '/mfa/setup',
    );
    expect((await winner.get('/mfa/setup')).status).toBe(200);
  });

  it('of two uses of one sign-up link at once, exactly one creates the account', async () => {
    const address = uniqueEmail('twice');
    const { link } = await pendingSignUpInStore(address);
    const [a, b] = [new Browser(), new Browser()];
    const [pageA, pageB] = await Promise.all([a.get(link), b.get(link)]);
    const answers = await Promise.all([
      a.submit(pageA, { button: 'Continue' }, { password: PASSWORD }),
      b.submit(pageB, { button: 'Continue' }, { password: PASSWORD }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([303, 400]);
    const loser = answers[0]?.status === 400 ? answers[0] : answers[1];
    expect(loser?.heading).toBe('This link does not work');
    const about = await itemsAbout(address);
    expect(about.profiles).toHaveLength(1);
    expect(about.emails).toHaveLength(1);
    await expectIntact(String(about.profiles[0]?.accountId));
  });

  it('of two uses of one added-email link at once, exactly one confirms it, and it is counted once', async () => {
    const member = await createMember();
    const added = uniqueEmail('added-twice');
    const { link } = await addEmailInStore(member.accountId, added);
    const [a, b] = [new Browser(), new Browser()];
    const [pageA, pageB] = await Promise.all([a.get(link), b.get(link)]);
    const answers = await Promise.all([
      a.submit(pageA, { button: 'Continue' }, { password: PASSWORD }),
      b.submit(pageB, { button: 'Continue' }, { password: PASSWORD }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([303, 400]);
    const { profile, confirmed } = await invariantsOf(member.accountId);
    expect(profile?.confirmedEmailCount).toBe(2);
    expect(confirmed).toHaveLength(2);
    expect((await subjectsTo(member.primary)).filter((s) => s === MAIL.emailAdded)).toHaveLength(1);
    await expectIntact(member.accountId);
  });

  it('20 concurrent Set as primary on different emails leave exactly one primary, and it is confirmed', async () => {
    const confirmed = Array.from({ length: 8 }, (_, i) => uniqueEmail(`c${i}`));
    const unconfirmed = Array.from({ length: 4 }, (_, i) => uniqueEmail(`u${i}`));
    const member = await createMember({ confirmed, unconfirmed });
    const browser = await signedIn(member);
    const targets = Array.from({ length: 20 }, (_, i) => [...confirmed, ...unconfirmed][i % 12] as string);

    const answers = await Promise.all(
      targets.map((email) => browser.post('/account/emails/primary', { email: normalized(email) })),
    );

    for (const [i, answer] of answers.entries()) {
      const email = targets[i] as string;
      if (unconfirmed.includes(email)) expect(answer.status, `unconfirmed ${email}`).toBe(409);
      else expect(answer.status, `confirmed ${email}`).toBe(303);
    }
    const profile = await profileStore.profileOf(member.accountId);
    expect(confirmed.map(normalized)).toContain(profile?.primaryEmail);
    const page = await browser.account();
    expect(primaryTags(page), 'one Primary on the page').toBe(1);
    await expectIntact(member.accountId);
  });

  it('Set as primary racing Remove on the same emails never leaves a removed or unconfirmed primary', async () => {
    const member = await createMember({
      confirmed: Array.from({ length: 7 }, (_, i) => uniqueEmail(`r${i}`)),
      unconfirmed: [uniqueEmail('pending')],
    });
    const browser = await signedIn(member);
    const others = [...member.confirmed.slice(1), ...member.unconfirmed];
    const answers = await Promise.all(
      [...others, member.primary].flatMap((email) => [
        browser.post('/account/emails/primary', { email: normalized(email) }),
        browser.post('/account/emails/remove', { email: normalized(email) }),
      ]),
    );
    for (const answer of answers) expect([303, 404, 409]).toContain(answer.status);

    await expectIntact(member.accountId);
    const { emails } = await invariantsOf(member.accountId);
    const left = new Set(emails.map((e) => e.normalized));
    for (const email of member.confirmed.filter((e) => !left.has(normalized(e)))) {
      expect(await store.claimOf(normalized(email)), `${email} was removed, so it is free`).toBeUndefined();
    }
    expect(primaryTags(await browser.account())).toBe(1);
  });

  it('20 concurrent + Add an email never take an account past 12 emails', async () => {
    const member = await createMember();
    const browser = await signedIn(member);
    await browser.get('/account/emails/add');
    const addresses = Array.from({ length: 20 }, (_, i) => uniqueEmail(`many${i}`));
    const answers = await Promise.all(
      addresses.map((email) => browser.post('/account/emails/add', { email })),
    );

    const sent = answers.filter((a) => a.status === 200);
    expect(sent).toHaveLength(11);
    for (const answer of sent) expect(answer.heading).toBe('Confirmation sent');
    for (const answer of answers.filter((a) => a.status !== 200)) {
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('An account can have at most 12 emails.');
    }
    const mailed = await Promise.all(addresses.map(async (a) => (await subjectsTo(a)).length));
    expect(
      mailed.reduce((x, y) => x + y, 0),
      'mail only for the added ones',
    ).toBe(11);
    await expectIntact(member.accountId);
    const page = await browser.account();
    expect(formsOf(page.html).filter((f) => f.buttons.includes('Resend confirmation'))).toHaveLength(11);
  });
});
