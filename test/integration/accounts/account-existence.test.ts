/**
 * Create account and Forgot password tell only the mailbox whether an address has an account:
 * the same page on both paths, the same work behind it (the password hashed, the same DynamoDB
 * requests, one message handed to the mail outbox, which sends it after the answer), and the
 * right mail to the owner of the address in each case; nothing for an address past its limit.
 * How long each path takes is measured by `npm run bench -- accountTiming`, not asserted here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../lambdas/accounts/context.ts';
import { forgotPassword, resetMailsKey } from '../../../lambdas/accounts/forgot-password.ts';
import { signUp } from '../../../lambdas/accounts/sign-up.ts';
import type { Pepper } from '../../../lambdas/core/ports.ts';
import { addEmail, resendEmailConfirmation } from '../../../lambdas/emails/manage.ts';
import { pepperFromEnvironment } from '../../../lambdas/keys/pepper.ts';
import { type Limit, limits, takeAttempt } from '../../../lambdas/limits/counters.ts';
import type { Mailer } from '../../../lambdas/mail/mailer.ts';
import { documentClient } from '../../../lambdas/store/dynamo.ts';
import * as store from '../../../lambdas/store/sign-ups.ts';
import { serverNow } from '../../support/clock.ts';
import {
  accountsTable,
  addEmailInStore,
  Browser,
  createAccount,
  createMember,
  ephemeralTable,
  forgotPasswordOverHttp,
  lastMailTo,
  linkIn,
  MAIL,
  mailTo,
  normalized,
  PASSWORD,
  type Page,
  site,
  subjectsTo,
  uniqueEmail,
} from './support.ts';

/** The page with the address taken out: what a prober compares. */
const pageWithout = (page: Page, address: string) => page.html.replaceAll(address, 'ADDRESS');

/**
 * Fills a limit for a key on the server's clock; the limit then refuses through the next window
 * too (two windows), so the request after it is past the limit even across the window's end.
 */
async function exhaust(limit: Limit, key: string): Promise<void> {
  const now = serverNow();
  await Promise.all(Array.from({ length: limit.max }, () => takeAttempt(limit, key, now)));
}

/* ---------------------------------------------------------- the work behind an answer, in process */

const RECORDER = 'accountExistenceRequestRecorder';
let requests: string[] = [];

beforeEach(() => {
  requests = [];
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      requests.push(shapeOf(command, args.input as Record<string, unknown>));
      return next(args);
    },
    { step: 'initialize', name: RECORDER, override: true },
  );
});
afterEach(() => {
  documentClient().middlewareStack.remove(RECORDER);
});

/** A DynamoDB request without its keys and values: the command, and what each part of it does to which table. */
function shapeOf(command: string, input: Record<string, unknown>): string {
  const tableOf = (part: { TableName?: string }) => part.TableName ?? '?';
  const items = input.TransactItems as Record<string, { TableName?: string }>[] | undefined;
  if (!items) return `${command} ${tableOf(input)}`;
  const parts = items.flatMap((item) => Object.entries(item).map(([op, part]) => `${op} ${tableOf(part)}`));
  return `${command} [${parts.join(', ')}]`;
}

/** The outbox, kept in memory: what a handler hands over, and to whom. */
function memoryOutbox() {
  const handed: { to: string; subject: string; text: string }[] = [];
  const mail: Mailer = {
    async send(to, message) {
      handed.push({ to, subject: message.subject, text: message.text });
    },
  };
  return { mail, handed };
}

/** The real pepper, counting its uses: one per password hash. */
function countingPepper() {
  const real = pepperFromEnvironment();
  const pepper: Pepper & { uses: number } = {
    uses: 0,
    mac(data) {
      pepper.uses++;
      return real.mac(data);
    },
  };
  return pepper;
}

const context = (): RequestContext => ({
  now: serverNow(),
  siteUrl: site,
  device: 'Firefox on Linux',
  place: 'US',
  ip: '192.0.2.7',
});

/** Runs one path and says what it did. */
async function workOf(run: () => Promise<unknown>): Promise<string[]> {
  requests = [];
  await run();
  return [...requests];
}

/* ---------------------------------------------------------- Create account */

describe('Create account', () => {
  it('answers the same page for an address with an account and a new one; each mailbox gets its own mail', async () => {
    const held = (await createMember()).primary;
    const fresh = uniqueEmail('fresh');
    const browser = new Browser();
    const forHeld = await createAccount(browser, held);
    const forFresh = await createAccount(browser, fresh);
    expect(forHeld.status).toBe(200);
    expect(forHeld.status).toBe(forFresh.status);
    expect(pageWithout(forHeld, held)).toBe(pageWithout(forFresh, fresh));

    expect(await subjectsTo(held)).toEqual([MAIL.someoneTried]);
    expect((await lastMailTo(held, MAIL.someoneTried)).text).not.toMatch(/token=/);
    expect(await subjectsTo(fresh)).toEqual([MAIL.confirmSignUp]);
    expect(linkIn(await lastMailTo(fresh, MAIL.confirmSignUp), '/confirm-email')).toMatch(/token=/);
    expect(
      await store.pendingSignUpsOf(normalized(held), serverNow()),
      'no sign-up for a held address',
    ).toEqual([]);
    expect(await store.pendingSignUpsOf(normalized(fresh), serverNow())).toHaveLength(1);
  });

  it('does the same work for both: hashes the password, sends the same DynamoDB requests, hands over one message', async () => {
    const held = (await createMember()).primary;
    const fresh = uniqueEmail('fresh');
    const paths = [];
    for (const address of [held, fresh]) {
      const { mail, handed } = memoryOutbox();
      const pepper = countingPepper();
      const work = await workOf(() =>
        signUp({ email: address, password: PASSWORD }, context(), { mail, pepper }),
      );
      paths.push({ work, pepperUses: pepper.uses, handed });
    }
    const [forHeld, forFresh] = paths as [(typeof paths)[0], (typeof paths)[0]];
    expect(forHeld.work).toEqual(forFresh.work);
    expect(forHeld.work).toEqual([
      `UpdateItem ${ephemeralTable()}`,
      `TransactWriteItems [ConditionCheck ${accountsTable()}, Put ${ephemeralTable()}, Put ${ephemeralTable()}]`,
    ]);
    expect(forHeld.pepperUses).toBeGreaterThan(0);
    expect(forHeld.pepperUses).toBe(forFresh.pepperUses);
    expect(forHeld.handed.map((m) => [m.to, m.subject])).toEqual([[held, MAIL.someoneTried]]);
    expect(forFresh.handed.map((m) => [m.to, m.subject])).toEqual([[fresh, MAIL.confirmSignUp]]);
  });

  it('mails nothing to an address past its limit, with or without an account, and answers the same page', async () => {
    const held = (await createMember()).primary;
    const fresh = uniqueEmail('throttled');
    for (const address of [held, fresh]) await exhaust(limits.confirmationMails, normalized(address));
    const browser = new Browser();
    const forHeld = await createAccount(browser, held);
    const forFresh = await createAccount(browser, fresh);
    expect(forHeld.status).toBe(200);
    expect(forFresh.heading).toBe('Check your email');
    expect(pageWithout(forHeld, held)).toBe(pageWithout(forFresh, fresh));
    expect(await mailTo(held)).toEqual([]);
    expect(await mailTo(fresh)).toEqual([]);
    expect(await store.pendingSignUpsOf(normalized(fresh), serverNow())).toEqual([]);
  });
});

/* ---------------------------------------------------------- Forgot password */

describe('Forgot password', () => {
  it('answers the same page for an address with an account and one without; the owner gets a link, the other a notice with none', async () => {
    const member = await createMember();
    const unknown = uniqueEmail('unknown');
    const browser = new Browser();
    const forMember = await forgotPasswordOverHttp(browser, member.primary);
    const forUnknown = await forgotPasswordOverHttp(browser, unknown);
    expect(forMember.status).toBe(200);
    expect(forMember.status).toBe(forUnknown.status);
    expect(pageWithout(forMember, member.primary)).toBe(pageWithout(forUnknown, unknown));

    expect(await subjectsTo(member.primary)).toEqual([MAIL.reset]);
    expect(linkIn(await lastMailTo(member.primary, MAIL.reset), '/reset-password')).toMatch(/token=/);
    expect(await subjectsTo(unknown)).toEqual([MAIL.resetWithoutAccount]);
    const notice = await lastMailTo(unknown, MAIL.resetWithoutAccount);
    expect(notice.text).toContain('not the confirmed email of any Verity account');
    expect(notice.text).toContain(`${site}/create-account`);
    expect(notice.text).not.toMatch(/token=/);
  });

  it('does the same work for both: reads the claim, counts, sends the same transaction, hands over one message', async () => {
    const member = await createMember();
    const unknown = uniqueEmail('unknown');
    const paths = [];
    for (const address of [member.primary, unknown]) {
      const { mail, handed } = memoryOutbox();
      const work = await workOf(() => forgotPassword({ email: address }, context(), { mail }));
      paths.push({ work, handed });
    }
    const [forMember, forUnknown] = paths as [(typeof paths)[0], (typeof paths)[0]];
    expect(forMember.work).toEqual(forUnknown.work);
    expect(forMember.work).toEqual([
      `GetItem ${accountsTable()}`,
      `UpdateItem ${ephemeralTable()}`,
      `TransactWriteItems [ConditionCheck ${accountsTable()}, Put ${ephemeralTable()}]`,
    ]);
    expect(forMember.handed.map((m) => [m.to, m.subject])).toEqual([[member.primary, MAIL.reset]]);
    expect(forUnknown.handed.map((m) => [m.to, m.subject])).toEqual([[unknown, MAIL.resetWithoutAccount]]);
  });

  it('mails nothing to an address past its limit, with or without an account, and answers the same page', async () => {
    const member = await createMember();
    const unknown = uniqueEmail('throttled');
    await exhaust(limits.resetMails, resetMailsKey(member.accountId, normalized(member.primary)));
    await exhaust(limits.resetMails, resetMailsKey(undefined, normalized(unknown)));
    const browser = new Browser();
    const forMember = await forgotPasswordOverHttp(browser, member.primary);
    const forUnknown = await forgotPasswordOverHttp(browser, unknown);
    expect(forMember.status).toBe(200);
    expect(forMember.heading).toBe('Check your email');
    expect(pageWithout(forMember, member.primary)).toBe(pageWithout(forUnknown, unknown));
    expect(await mailTo(member.primary)).toEqual([]);
    expect(await mailTo(unknown)).toEqual([]);
  });
});

/* ---------------------------------------------------------- Resend confirmation on the account page */

describe('Resend confirmation of an added email', () => {
  it("reads the address's claim whether or not another account holds it", async () => {
    const holder = await createMember();
    const member = await createMember();
    const free = uniqueEmail('free');
    await addEmailInStore(member.accountId, free);
    // An address another account holds, waiting for its holder to move it.
    const { mail } = memoryOutbox();
    const added = await addEmail(member.accountId, { email: holder.primary, work: false }, context(), {
      mail,
    });
    expect(added.kind).toBe('sent');
    const forHeld = await workOf(() =>
      resendEmailConfirmation(member.accountId, normalized(holder.primary), context(), { mail }),
    );
    const forFree = await workOf(() =>
      resendEmailConfirmation(member.accountId, normalized(free), context(), { mail }),
    );
    expect(forHeld).toEqual(forFree);
  });
});
