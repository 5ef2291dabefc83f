/**
 * A session's secret is replaced at every raise (the second step passed, the password entered
 * again), so a cookie issued after the password alone never becomes the AAL2 session; and a CSRF
 * token works only with the session it was rendered for.
 */
import { describe, expect, it } from 'vitest';
import { completeSecondStep } from '../../../lambdas/mfa/challenge.ts';
import { sessionOf } from '../../../lambdas/store/sessions.ts';
import { serverNow } from '../../support/clock.ts';
import {
  Browser,
  createMember,
  passSecondStep,
  sessionKeyOf,
  sessionsOf,
  signedIn,
  signedInMinutesAgo,
  site,
  uniqueEmail,
} from '../accounts/support.ts';

/** A second browser that holds a copy of this browser's session cookie, as a thief would. */
function copyOf(browser: Browser): Browser {
  const copy = new Browser();
  copy.setCookie('verity-session', browser.sessionCookie as string);
  return copy;
}

describe('session secrets', () => {
  it('are replaced when the second step passes: the password-only cookie never reaches the account', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('rotate')] });
    const browser = new Browser();
    const afterPassword = await browser.signIn(member.primary, member.password);
    const passwordOnly = copyOf(browser);
    const before = browser.sessionCookie;
    const passed = await passSecondStep(browser, member, afterPassword);
    expect(passed.location).toBe('/account');
    expect(browser.sessionCookie, 'a new secret').not.toBe(before);
    expect((await browser.account()).status).toBe(200);
    const stolen = await passwordOnly.account();
    expect(stolen.status).toBe(303);
    expect(stolen.location).toMatch(/^\/sign-in\?/);
  });

  it('are replaced when the password is entered again, and the second step follows', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('rotate-reauth')] });
    const browser = await signedIn(member);
    await signedInMinutesAgo(browser, 25);
    const old = copyOf(browser);
    const asked = await browser.get('/reauthenticate?next=%2Faccount%2Fpassword');
    const entered = await browser.submit(asked, { action: '/reauthenticate' }, { password: member.password });
    expect(entered.status).toBe(303);
    expect(entered.location).toMatch(/^\/mfa\?next=/);
    expect(browser.sessionCookie).not.toBe(old.sessionCookie);
    expect((await old.account()).location).toMatch(/^\/sign-in\?/);
    const passed = await passSecondStep(browser, member, entered);
    expect(passed.location).toBe('/account/password');
    expect((await browser.get('/account/password')).status).toBe(200);
  });
});

describe('raising one session twice at once', () => {
  it('has one winner: one new secret, the other raise is told the session ended, one session left', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('rotate-race')] });
    const browser = new Browser();
    await browser.signIn(member.primary, member.password);
    const { accountId, sk } = sessionKeyOf(browser);
    const now = serverNow();
    const session = await sessionOf(accountId, sk, now);
    if (!session) throw new Error('no session after the password');
    const context = { now, siteUrl: site, device: 'Firefox on Linux', place: 'Unknown', ip: '192.0.2.9' };
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, () => completeSecondStep(session, context, 'otp')),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ name: 'SessionEnded' });
    }
    const left = await sessionsOf(accountId);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ aal: 2 });
  });
});

describe('CSRF tokens', () => {
  it('rendered before sign-in stop working once the browser is signed in', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('csrf-bound')] });
    const browser = new Browser();
    const anonymousToken = (await browser.get('/sign-in')).html.match(/name="_csrf" value="([\w-]+)"/)?.[1];
    expect(anonymousToken).toBeDefined();
    const signedInBrowser = await signedIn(member);
    // The anonymous page's pair: the cookie it came with and its token, beside a live session.
    signedInBrowser.setCookie('verity-csrf', browser.cookie('verity-csrf') as string);
    const refused = await signedInBrowser.post(
      '/mfa/forget-browsers',
      {},
      { csrf: anonymousToken as string },
    );
    expect(refused.status).toBe(403);
    // The same cookie with a token rendered for this session is accepted.
    const account = await signedInBrowser.account();
    const token = account.html.match(/name="_csrf" value="([\w-]+)"/)?.[1] as string;
    const accepted = await signedInBrowser.post('/mfa/forget-browsers', {}, { csrf: token });
    expect(accepted.status).toBe(303);
  });

  it('of one session do not work with another session of the same browser cookie', async () => {
    const member = await createMember({ confirmed: [uniqueEmail('csrf-other-session')] });
    const first = await signedIn(member);
    const token = (await first.account()).html.match(/name="_csrf" value="([\w-]+)"/)?.[1] as string;
    const second = await signedIn(member);
    second.setCookie('verity-csrf', first.cookie('verity-csrf') as string);
    const refused = await second.post('/mfa/forget-browsers', {}, { csrf: token });
    expect(refused.status).toBe(403);
  });
});
