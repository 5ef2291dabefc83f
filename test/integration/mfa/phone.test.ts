/**
 * Text or voice codes to a phone, over HTTP against the local Verity: codes are read from the
 * local text outbox (/_local/texts.json) as a member would read them off the phone. Time-bound
 * rules (10 minutes of life, the end of a lockout) run the domain functions at a shifted `now`,
 * or move an item's clock in the table.
 */
import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../../lambdas/accounts/context.ts';
import type { Ports } from '../../../lambdas/core/ports.ts';
import { fieldCipherFromEnvironment } from '../../../lambdas/keys/field-encryption.ts';
import { passPhoneCode, sendSignInCode } from '../../../lambdas/mfa/phone.ts';
import { type OutboxText, textSenderFromEnvironment } from '../../../lambdas/mfa/texts.ts';
import type { PhoneFactor } from '../../../lambdas/store/factors.ts';
import * as mfa from '../../../lambdas/store/mfa.ts';
import { phoneCodeKey } from '../../../lambdas/store/phone-codes.ts';
import { serverNow } from '../../support/clock.ts';
import {
  all,
  Browser,
  createMember,
  ephemeralTable,
  findForm,
  lastMailTo,
  type Member,
  type Page,
  setAttributes,
  site,
  withSecondsLeftInWindow,
} from '../accounts/support.ts';

/* ------------------------------------------------------------------ the phone */

/** A number of its own per test (the send limit is per phone), as a person types it and in E.164. */
function newPhone() {
  const area = randomInt(201, 990);
  const exchange = randomInt(200, 999);
  const line = String(randomInt(0, 10_000)).padStart(4, '0');
  return { typed: `(${area}) ${exchange}-${line}`, e164: `+1${area}${exchange}${line}`, last4: line };
}

/** Every text and call to this number, newest first. */
async function textsTo(e164: string): Promise<OutboxText[]> {
  const response = await fetch(`${site}/_local/texts.json`);
  expect(response.status).toBe(200);
  const { texts } = (await response.json()) as { texts: OutboxText[] };
  return texts.filter((t) => t.to === e164);
}

/** The code of the newest message to this number: first in a text, spoken digit by digit in a call. */
async function latestCode(e164: string): Promise<string> {
  const [newest] = await textsTo(e164);
  if (!newest) throw new Error(`no text to ${e164}`);
  const digits =
    newest.channel === 'sms'
      ? /^(\d{6}) /.exec(newest.message)?.[1]
      : /code is: ([\d, ]+)\./.exec(newest.message)?.[1]?.replace(/, /g, '');
  if (!digits || !/^\d{6}$/.test(digits)) throw new Error(`no code in "${newest.message}"`);
  return digits;
}

/** Another 6-digit code: never the right one. */
const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/* ------------------------------------------------------------------ members */

/** A member who has just signed in and has no method yet: the browser is sent to set one up. */
async function memberAtSetup(): Promise<{ member: Member; browser: Browser }> {
  const member = await createMember({ mfa: false });
  const browser = new Browser();
  const signedIn = await browser.signIn(member.primary, member.password);
  expect(signedIn.location).toBe('/mfa/setup');
  return { member, browser };
}

/** Number and channel on the setup page; answers the POST's response. */
async function submitNumber(browser: Browser, phone: string, channel: 'sms' | 'voice' = 'sms') {
  const form = await browser.get('/mfa/setup/phone');
  expect(form.status).toBe(200);
  return browser.submit(form, { action: '/mfa/setup/phone', button: 'Send code' }, { phone, channel });
}

/** A member whose only method is a phone, set up over HTTP. */
async function phoneMember(channel: 'sms' | 'voice' = 'sms') {
  const { member, browser } = await memberAtSetup();
  const phone = newPhone();
  const sent = await submitNumber(browser, phone.typed, channel);
  expect(sent.status, sent.text).toBe(303);
  const codePage = await browser.follow(sent);
  const done = await browser.submit(codePage, { button: 'Continue' }, { code: await latestCode(phone.e164) });
  expect(done.location).toBe('/mfa/recovery-codes');
  const [factor] = await mfa.factorsOf(member.accountId);
  return { member, phone, factor: factor as PhoneFactor };
}

/** A fresh browser through the password, on the second step: the page that sent the code. */
async function atSecondStep(member: Member): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser();
  const signedIn = await browser.signIn(member.primary, member.password);
  expect(signedIn.location).toBe('/mfa?next=%2Faccount');
  return { browser, page: await browser.follow(signedIn) };
}

const enterCode = (browser: Browser, page: Page, code: string) =>
  browser.submit(page, { action: '/mfa', button: 'Continue' }, { code });

const context = (now = serverNow()): RequestContext => ({
  now,
  siteUrl: site,
  device: 'Firefox on Linux',
  place: 'Unknown',
  ip: '127.0.0.1',
});

const ports = {
  cipher: fieldCipherFromEnvironment(),
  texts: textSenderFromEnvironment(),
} satisfies Partial<Ports>;

const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);

/* ------------------------------------------------------------------ setup */

describe('setting up a phone', () => {
  it('is offered with the other methods', async () => {
    const { browser } = await memberAtSetup();
    const choice = await browser.get('/mfa/setup');
    expect(choice.text).toContain('Text or voice message');
    expect(choice.html).toContain('href="/mfa/setup/phone"');
    const form = await browser.get('/mfa/setup/phone');
    expect(form.heading).toBe('Set up a phone');
    expect(form.html).toContain('type="tel"');
    expect(form.text).toContain('Text message');
    expect(form.text).toContain('Voice call');
  });

  it('sends a text to the number, and the code from it adds the phone, encrypted, and mails a notice', async () => {
    const { member, browser } = await memberAtSetup();
    const phone = newPhone();
    const sent = await submitNumber(browser, phone.typed);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe('/mfa/setup/phone/code');

    const [text, ...others] = await textsTo(phone.e164);
    expect(others).toEqual([]);
    expect(text?.channel).toBe('sms');
    expect(text?.message).toMatch(/^\d{6} is your Verity code\. It expires in 10 minutes\./);

    const codePage = await browser.follow(sent);
    expect(codePage.heading).toBe('Enter the 6-digit code');
    expect(codePage.text).toContain(`We sent a code to the phone ending in ${phone.last4}`);
    expect(findForm(codePage, { button: 'Send another code' }).action).toBe('/mfa/setup/phone/resend');

    const done = await browser.submit(
      codePage,
      { button: 'Continue' },
      { code: await latestCode(phone.e164), name: 'My phone' },
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe('/mfa/recovery-codes');

    const factors = await mfa.factorsOf(member.accountId);
    expect(factors).toHaveLength(1);
    const factor = factors[0] as PhoneFactor;
    expect(factor).toMatchObject({ kind: 'phone', name: 'My phone', channel: 'sms', last4: phone.last4 });
    // At rest: no digits of the number but the last four, in the factor or its key.
    const national = phone.e164.slice(2);
    expect(JSON.stringify(factor)).not.toContain(national);
    expect(factor.phoneKey).not.toContain(national);
    expect(await ports.cipher.decrypt(factor.phone, { accountId: member.accountId, field: 'phone' })).toBe(
      phone.e164,
    );

    const notice = await lastMailTo(member.primary, 'A sign-in method was added to your Verity account');
    expect(notice.text).toContain('My phone');
    // The setup is over: its code page sends the member back to the number.
    expect((await browser.get('/mfa/setup/phone/code')).location).toBe('/mfa/setup/phone');
  });

  it('calls the number when the member chooses a voice call, and reads the code out', async () => {
    const { phone, factor } = await phoneMember('voice');
    const [call] = await textsTo(phone.e164);
    expect(call?.channel).toBe('voice');
    expect(call?.message).toMatch(/Your Verity code is: (\d, ){5}\d\. Again/);
    expect(factor.channel).toBe('voice');
  });

  it('refuses what is not a phone number, and keeps what was typed', async () => {
    const { browser } = await memberAtSetup();
    const page = await submitNumber(browser, '555-0123');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Enter a phone number with its country code');
    expect(page.html).toContain('value="555-0123"');
  });

  it('counts a wrong code like a wrong sign-in code and keeps the phone out', async () => {
    const { member, browser } = await memberAtSetup();
    const phone = newPhone();
    const codePage = await browser.follow(await submitNumber(browser, phone.typed));
    const wrong = await browser.submit(
      codePage,
      { button: 'Continue' },
      { code: wrongCodeFor(await latestCode(phone.e164)) },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is not right');
    expect(await mfa.factorsOf(member.accountId)).toEqual([]);
    const right = await browser.submit(wrong, { button: 'Continue' }, { code: await latestCode(phone.e164) });
    expect(right.location).toBe('/mfa/recovery-codes');
  });

  it('sends another code on request, and only the newest one works', async () => {
    const { browser } = await memberAtSetup();
    const phone = newPhone();
    const codePage = await browser.follow(await submitNumber(browser, phone.typed));
    const first = await latestCode(phone.e164);
    const resent = await browser.submit(codePage, { button: 'Send another code' });
    expect(resent.location).toBe('/mfa/setup/phone/code?sent=again');
    const again = await browser.follow(resent);
    expect(again.text).toContain('We sent a new code');
    const second = await latestCode(phone.e164);
    expect(await textsTo(phone.e164)).toHaveLength(2);
    if (first !== second) {
      const stale = await browser.submit(again, { button: 'Continue' }, { code: first });
      expect(stale.status).toBe(401);
    }
    const done = await browser.submit(again, { button: 'Continue' }, { code: second });
    expect(done.location).toBe('/mfa/recovery-codes');
  });
});

/* ------------------------------------------------------------------ sign-in */

describe('signing in with a phone', () => {
  it('sends a code when the second step is shown, with Send another code, and the code passes it', async () => {
    const { member, phone } = await phoneMember();
    const { browser, page } = await atSecondStep(member);
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Enter the 6-digit code');
    expect(page.text).toContain(`We sent a code to the phone ending in ${phone.last4}`);
    const resend = findForm(page, { button: 'Send another code' });
    expect(resend.action).toBe('/mfa/phone/resend');
    expect(await textsTo(phone.e164)).toHaveLength(2); // setup, then this sign-in

    // A reload within the minute sends nothing more.
    await browser.get('/mfa?next=%2Faccount');
    expect(await textsTo(phone.e164)).toHaveLength(2);

    const passed = await enterCode(browser, page, await latestCode(phone.e164));
    expect(passed.status).toBe(303);
    expect(passed.location).toBe('/account');
    expect((await browser.get('/account')).status).toBe(200);
  });

  it('sends another code on request; the page comes back without sending a third', async () => {
    const { member, phone } = await phoneMember();
    const { browser, page } = await atSecondStep(member);
    const resent = await browser.submit(page, { button: 'Send another code' });
    expect(resent.status).toBe(303);
    const again = await browser.follow(resent);
    expect(again.text).toContain(`We sent a code to the phone ending in ${phone.last4}`);
    expect(await textsTo(phone.e164)).toHaveLength(3);
    expect((await enterCode(browser, again, await latestCode(phone.e164))).location).toBe('/account');
  });

  it('takes a code once: of two requests with the same code at once, exactly one passes', async () => {
    const { member, phone, factor } = await phoneMember();
    // Two sign-ins at once (one session would just be sent on once the other passed): the
    // second page finds the first one's code fresh and sends none, so both hold one code.
    const signIns = [await atSecondStep(member), await atSecondStep(member)];
    expect(await textsTo(phone.e164)).toHaveLength(2);
    const code = await latestCode(phone.e164);
    const answers = await all(2, (i) => {
      const { browser, page } = signIns[i] as (typeof signIns)[number];
      return enterCode(browser, page, code);
    });
    expect(answers.map((a) => a.status).sort()).toEqual([303, 401]);

    // The same race in the domain, on a code of its own.
    await sendSignInCode(member.accountId, factor, context(), ports, { evenIfJustSent: true });
    const next = await latestCode(phone.e164);
    const outcomes = await Promise.allSettled([
      passPhoneCode(member.accountId, factor, next, context()),
      passPhoneCode(member.accountId, factor, next, context()),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses a code after its 10 minutes', async () => {
    const { member, phone, factor } = await phoneMember();
    const sentAt = serverNow();
    await sendSignInCode(member.accountId, factor, context(sentAt), ports, { evenIfJustSent: true });
    const code = await latestCode(phone.e164);
    await expect(
      passPhoneCode(member.accountId, factor, code, context(minutesAfter(sentAt, 10))),
    ).rejects.toMatchObject({ name: 'CodeExpired' });
    // One second earlier, a code of that age still works.
    const again = serverNow();
    await sendSignInCode(member.accountId, factor, context(again), ports, { evenIfJustSent: true });
    const fresh = await latestCode(phone.e164);
    await expect(
      passPhoneCode(member.accountId, factor, fresh, context(new Date(again.getTime() + 599_000))),
    ).resolves.toBeUndefined();
  });

  it('says a code has expired when its item is past its time, over HTTP too', async () => {
    const { member, phone, factor } = await phoneMember();
    const { browser, page } = await atSecondStep(member);
    const key = phoneCodeKey(member.accountId, `factor#${factor.factorId}`);
    await setAttributes(ephemeralTable(), key, { expiresAt: Math.floor(serverNow().getTime() / 1000) - 1 });
    const late = await enterCode(browser, page, await latestCode(phone.e164));
    expect(late.status).toBe(401);
    expect(late.text).toContain('That code has expired');
    expect(findForm(late, { button: 'Send another code' }).action).toBe('/mfa/phone/resend');
  });
});

/* ------------------------------------------------------------------ limits */

describe('limits', () => {
  it('send at most 5 codes to one phone in 10 minutes: the 6th is refused with a 429 page', async () => {
    await withSecondsLeftInWindow(600, 20);
    const { browser } = await memberAtSetup();
    const phone = newPhone();
    let page = await browser.follow(await submitNumber(browser, phone.typed));
    for (let sent = 2; sent <= 5; sent++) {
      const resent = await browser.submit(page, { button: 'Send another code' });
      expect(resent.status, `send ${sent}`).toBe(303);
      page = await browser.follow(resent);
    }
    const refused = await browser.submit(page, { button: 'Send another code' });
    expect(refused.status).toBe(429);
    expect(refused.heading).toBe('Enter the 6-digit code');
    expect(refused.text).toContain('We already sent 5 codes to this phone in the last 10 minutes. Wait');
    expect(await textsTo(phone.e164)).toHaveLength(5);
    // The codes sent still work.
    const done = await browser.submit(
      refused,
      { button: 'Continue' },
      { code: await latestCode(phone.e164) },
    );
    expect(done.location).toBe('/mfa/recovery-codes');

    // Per phone, whoever asks: another account cannot send to it either.
    const other = await memberAtSetup();
    const elsewhere = await submitNumber(other.browser, phone.e164);
    expect(elsewhere.status).toBe(429);
    expect(elsewhere.text).toContain('We already sent 5 codes to this phone');
    expect(await textsTo(phone.e164)).toHaveLength(5);
  }, 60_000);

  it('hold on the second step too: the page says so with a 429 and sends nothing', async () => {
    await withSecondsLeftInWindow(600, 20);
    const { member, phone, factor } = await phoneMember(); // 1
    const { browser, page } = await atSecondStep(member); // 2
    let current = page;
    for (let sent = 3; sent <= 5; sent++) {
      current = await browser.follow(await browser.submit(current, { button: 'Send another code' }));
    }
    const refused = await browser.submit(current, { button: 'Send another code' });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('We already sent 5 codes to this phone');
    expect(refused.text).toContain('Use a recovery code');

    // Showing the page when the last code is older than a minute tries to send, and is refused.
    const key = phoneCodeKey(member.accountId, `factor#${factor.factorId}`);
    await setAttributes(ephemeralTable(), key, {
      sentAt: new Date(serverNow().getTime() - 120_000).toISOString(),
    });
    const shown = await browser.get('/mfa?next=%2Faccount');
    expect(shown.status).toBe(429);
    expect(shown.text).toContain('We already sent 5 codes to this phone');
    expect(await textsTo(phone.e164)).toHaveLength(5);
  }, 60_000);

  it('lock the second step after 10 wrong codes, as for an authenticator app, until no 10-minute span could hold more', async () => {
    await withSecondsLeftInWindow(600, 20);
    const { member, phone, factor } = await phoneMember();
    const { browser, page } = await atSecondStep(member);
    const code = await latestCode(phone.e164);
    let current = page;
    for (let i = 1; i <= 9; i++) {
      current = await enterCode(browser, current, wrongCodeFor(code));
      expect(current.status, `wrong code ${i}`).toBe(401);
      expect(current.text).toContain('That code is not right');
    }
    const locked = await enterCode(browser, current, wrongCodeFor(code));
    expect(locked.status).toBe(429);
    expect(locked.text).toMatch(/Too many wrong codes\. Wait \d+ minutes, then try again\./);
    // Locked: the right code does not pass, and showing the page sends no code.
    expect((await enterCode(browser, locked, code)).status).toBe(429);
    const shown = await browser.get(`/mfa?factor=${factor.factorId}&next=%2Faccount`);
    expect(shown.status).toBe(429);
    expect(shown.text).toContain('Too many wrong codes');
    expect(await textsTo(phone.e164)).toHaveLength(2);

    // The window after the one that held the 10 still counts them; the one after that opens.
    const later = new Date((Math.floor(serverNow().getTime() / 600_000) + 2) * 600_000 + 5_000);
    await sendSignInCode(member.accountId, factor, context(later), ports, { evenIfJustSent: false });
    await expect(
      passPhoneCode(member.accountId, factor, await latestCode(phone.e164), context(later)),
    ).resolves.toBeUndefined();
  }, 60_000);
});

/* ------------------------------------------------------------------ the outbox */

describe('the local text outbox', () => {
  it('shows every text as a page, newest first, and as JSON', async () => {
    const { phone } = await phoneMember();
    const page = await fetch(`${site}/_local/texts`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<h1>Text outbox</h1>');
    expect(html).toContain(phone.e164);
    const json = await fetch(`${site}/_local/texts.json`);
    expect(json.headers.get('content-type')).toContain('application/json');
    const { texts } = (await json.json()) as { texts: OutboxText[] };
    const times = texts.map((t) => t.at);
    expect(times).toEqual([...times].sort().reverse());
    expect((await fetch(`${site}/_local/texts`, { method: 'POST' })).status).toBe(405);
  });
});
