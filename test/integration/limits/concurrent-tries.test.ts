/**
 * Limits hold when the tries come at once: each try is counted before its secret is checked, so
 * requests sent together get no more guesses than requests sent one by one (the probe of the
 * member side sent 30 codes or 25 passwords at once and got every one of them checked).
 */
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { serverNow } from '../../support/clock.ts';
import {
  all,
  Browser,
  createMember,
  type Member,
  PASSWORD,
  type Page,
  signedIn,
  signedInMinutesAgo,
  totpCode,
  uniqueEmail,
} from '../accounts/support.ts';

const statuses = (pages: readonly Page[]) => pages.map((p) => p.status);
const countOf = (pages: readonly Page[], status: number) => pages.filter((p) => p.status === status).length;

/** A browser that passed the password and now owes the second step. */
async function atSecondStep(member: Member): Promise<{ browser: Browser; challenge: Page }> {
  const browser = new Browser();
  const signedInPage = await browser.signIn(member.primary, member.password);
  expect(signedInPage.location).toMatch(/^\/mfa\?next=/);
  const challenge = await browser.follow(signedInPage);
  expect(challenge.heading).toBe('Enter the 6-digit code');
  return { browser, challenge };
}

/** A 6-digit code that is not the one the app shows now (nor in the steps either side). */
async function wrongCode(secret: string, i: number): Promise<string> {
  const now = Math.floor(serverNow().getTime() / 1000);
  const valid = new Set(
    await Promise.all([-60, -30, 0, 30, 60].map((d) => generate({ secret, epoch: now + d }))),
  );
  for (let n = i; ; n++) {
    const candidate = String((n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

const wrongCodes = (secret: string, n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => wrongCode(secret, i * 101)));

describe('the second step of sign-in under concurrent tries', () => {
  it('checks at most 10 codes of 30 sent at once, and none past the 10th wrong one', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('burst')] });
    const secret = member.totpSecret as string;
    const { browser, challenge } = await atSecondStep(member);
    const codes = await wrongCodes(secret, 29);
    codes.push(await totpCode(secret));
    const answers = await all(30, (i) =>
      browser.submit(challenge, { action: '/mfa' }, { code: codes[i] as string }),
    );
    const checked = countOf(answers, 401) + countOf(answers, 303);
    expect(checked, `statuses ${statuses(answers).join(',')}`).toBeLessThanOrEqual(10);
    expect(countOf(answers, 401)).toBeLessThanOrEqual(9);
    expect(countOf(answers, 401) + countOf(answers, 303) + countOf(answers, 429)).toBe(30);
  });

  it('refuses the right code after 29 wrong ones sent at once: exactly 9 are checked and answered wrong', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('burst-then-right')] });
    const secret = member.totpSecret as string;
    const { browser, challenge } = await atSecondStep(member);
    const codes = await wrongCodes(secret, 29);
    const wrong = await all(29, (i) =>
      browser.submit(challenge, { action: '/mfa' }, { code: codes[i] as string }),
    );
    expect(countOf(wrong, 401), 'wrong and told so').toBe(9);
    expect(countOf(wrong, 429), 'the 10th locks, the rest are refused unchecked').toBe(20);
    const right = await browser.submit(challenge, { action: '/mfa' }, { code: await totpCode(secret) });
    expect(right.status).toBe(429);
    expect(right.text).toMatch(/Too many wrong codes\. Wait \d+ minutes/);
    expect((await browser.account()).location, 'still owes the second step').toMatch(/^\/mfa\?/);
  });

  it('locks recovery codes with the rest of the second step: 19 wrong at once, then a valid one is refused', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('recovery-burst')] });
    const owner = await signedIn(member);
    const made = await owner.submit(await owner.get('/mfa/recovery-codes'), {
      action: '/mfa/recovery-codes',
    });
    expect(made.status).toBe(200);
    const valid = /<code>([A-Z0-9-]{14})<\/code>/.exec(made.html)?.[1] as string;
    expect(valid).toBeDefined();

    const { browser } = await atSecondStep(member);
    const form = await browser.get('/mfa/recovery?next=%2Faccount');
    const wrong = await all(19, (i) =>
      browser.submit(
        form,
        { action: '/mfa/recovery' },
        {
          code: `ZZZZ-ZZZZ-${String(1000 + i)
            .slice(-4)
            .replace(/[01]/g, 'Z')}`,
        },
      ),
    );
    // At most 10 are checked; which of the two limits (the step's, the recovery codes') says
    // "locked" to the last of them depends on the order the tries were counted in.
    expect(countOf(wrong, 401)).toBeLessThanOrEqual(9);
    expect(countOf(wrong, 401) + countOf(wrong, 429)).toBe(19);
    expect(countOf(wrong, 429)).toBeGreaterThanOrEqual(10);
    const late = await browser.submit(form, { action: '/mfa/recovery' }, { code: valid });
    expect(late.status).toBe(429);
  });

  it('refuses a valid recovery code while 10 wrong app codes have locked the second step', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('locked-recovery')] });
    const owner = await signedIn(member);
    const made = await owner.submit(await owner.get('/mfa/recovery-codes'), {
      action: '/mfa/recovery-codes',
    });
    const valid = /<code>([A-Z0-9-]{14})<\/code>/.exec(made.html)?.[1] as string;
    const { browser, challenge } = await atSecondStep(member);
    const secret = member.totpSecret as string;
    for (const code of await wrongCodes(secret, 10)) {
      await browser.submit(challenge, { action: '/mfa' }, { code });
    }
    const form = await browser.get('/mfa/recovery?next=%2Faccount');
    const refused = await browser.submit(form, { action: '/mfa/recovery' }, { code: valid });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many wrong codes');
  });
});

describe('sign-in under concurrent tries', () => {
  it('checks at most 5 passwords of 25 sent at once for one email from one address', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('password-burst')] });
    const browser = new Browser();
    const form = await browser.get('/sign-in');
    const answers = await all(25, (i) =>
      browser.submit(
        form,
        { action: '/sign-in' },
        { email: member.primary, password: i === 24 ? PASSWORD : `Wrong horse battery ${i}` },
      ),
    );
    expect(countOf(answers, 401) + countOf(answers, 303), statuses(answers).join(',')).toBeLessThanOrEqual(5);
    expect(countOf(answers, 429)).toBeGreaterThanOrEqual(20);
  });

  it('refuses the right password after 24 wrong ones sent at once', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('password-burst-then-right')] });
    const browser = new Browser();
    const form = await browser.get('/sign-in');
    const wrong = await all(24, (i) =>
      browser.submit(
        form,
        { action: '/sign-in' },
        { email: member.primary, password: `Wrong horse battery ${i}` },
      ),
    );
    expect(countOf(wrong, 401)).toBe(5);
    expect(countOf(wrong, 429)).toBe(19);
    const right = await browser.submit(
      form,
      { action: '/sign-in' },
      { email: member.primary, password: PASSWORD },
    );
    expect(right.status).toBe(429);
    expect(browser.sessionCookie).toBeUndefined();
  });
});

describe('creating new recovery codes at once', () => {
  // Whether the two overlap is up to the machine: overlapping, one loses and is told (409); one
  // after the other, both replace the set in turn. Either way exactly one set of 10 is live.
  it('leaves exactly one set of 10 live when two requests race, and a loser is told', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('codes-race')] });
    const browser = await signedIn(member);
    const offer = await browser.get('/mfa/recovery-codes');
    const answers = await all(2, () => browser.submit(offer, { action: '/mfa/recovery-codes' }));
    expect(
      answers.every((a) => a.status === 200 || a.status === 409),
      statuses(answers).join(','),
    ).toBe(true);
    expect(countOf(answers, 200)).toBeGreaterThanOrEqual(1);
    const again = await browser.get('/mfa/recovery-codes');
    expect(again.status).toBe(200);
    const { recoveryCodesLeft } = await import('../../../lambdas/store/mfa.ts');
    expect(await recoveryCodesLeft(member.accountId)).toBe(10);
  });

  it('never answers 500 and never leaves more than 10 live codes when 20 requests race', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('codes-race-20')] });
    const browser = await signedIn(member);
    const offer = await browser.get('/mfa/recovery-codes');
    const answers = await all(20, () => browser.submit(offer, { action: '/mfa/recovery-codes' }));
    expect(
      answers.every((a) => a.status === 200 || a.status === 409),
      statuses(answers).join(','),
    ).toBe(true);
    expect(countOf(answers, 200)).toBeGreaterThanOrEqual(1);
    const { recoveryCodesLeft } = await import('../../../lambdas/store/mfa.ts');
    expect(await recoveryCodesLeft(member.accountId)).toBe(10);
    // And the next replacement still works.
    await signedInMinutesAgo(browser, 0);
    const next = await browser.submit(await browser.get('/mfa/recovery-codes'), {
      action: '/mfa/recovery-codes',
    });
    expect(next.status).toBe(200);
    expect(await recoveryCodesLeft(member.accountId)).toBe(10);
  });
});

describe('ids from forms', () => {
  it('answer a factor id of any length or shape with a 4xx, never a 500', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('long-ids')] });
    const owner = await signedIn(member);
    const overlong = 'a'.repeat(2000);
    for (const path of ['/mfa/methods/primary', '/mfa/methods/remove', '/mfa/methods/rename']) {
      for (const factor of [overlong, '../../x', '']) {
        const answer = await owner.post(path, { factor, name: 'x' });
        expect(answer.status, `${path} with ${factor.length} characters`).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }
    }
    const { browser } = await atSecondStep(member);
    for (const path of ['/mfa', '/mfa/phone/resend']) {
      const answer = await browser.post(path, { factor: overlong, code: '123456', next: '/account' });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    const shown = await browser.get(`/mfa?factor=${overlong}&next=%2Faccount`);
    expect(shown.status).toBeLessThan(500);
  });
});
