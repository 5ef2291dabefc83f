/**
 * How the provider behaves for partners, requirement by requirement: PKCE, exact redirect URIs,
 * the partner's assurance floor, pairwise subjects, remembered consent, Deny, one redemption per
 * code, the email rule, single sign-on, and prompt=none.
 */
import { describe, expect, it } from 'vitest';
import {
  addEmailOverHttp,
  Browser,
  confirmWithPassword,
  createMember,
  lastMailTo,
  linkIn,
  MAIL,
  rememberedBrowser,
  signedIn,
  site,
  uniqueEmail,
} from '../accounts/support.ts';
import {
  ACR,
  answerAuthorize,
  authorizationRequest,
  callbackOf,
  errorAt,
  followOnSite,
  interactionUidIn,
  openAuthorization,
  REDIRECT_URI,
  redeem,
  registerTestPartner,
  secondStepAt,
  signInAt,
  signInThroughPartner,
  tokenRequest,
} from './support.ts';

describe('PKCE', () => {
  it('an authorization request without a code challenge is refused with invalid_request at the redirect URI', async () => {
    const partner = await registerTestPartner();
    const authorization = await authorizationRequest(partner);
    authorization.url.searchParams.delete('code_challenge');
    authorization.url.searchParams.delete('code_challenge_method');
    const answer = await openAuthorization(new Browser(), authorization);
    expect(errorAt(answer, partner)).toEqual({ error: 'invalid_request', state: authorization.state });
  });

  it('code_challenge_method=plain is refused with invalid_request at the redirect URI', async () => {
    const partner = await registerTestPartner();
    const authorization = await authorizationRequest(partner, {
      code_challenge: 'a-plain-challenge-that-is-also-the-verifier-0123456789',
      code_challenge_method: 'plain',
    });
    const answer = await openAuthorization(new Browser(), authorization);
    expect(errorAt(answer, partner)).toEqual({ error: 'invalid_request', state: authorization.state });
  });
});

describe('redirect URIs', () => {
  it('a redirect URI one character off the registered one is refused on a 400 page, with no redirect at all', async () => {
    const partner = await registerTestPartner();
    const offByOne = `${REDIRECT_URI.slice(0, -1)}K`;
    const authorization = await authorizationRequest(partner, { redirect_uri: offByOne });
    const answer = await new Browser().get(authorization.url.pathname + authorization.url.search);
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(answer.heading).toBe('We could not use that sign-in request');
    expect(answer.text).toContain('invalid_redirect_uri');
  });
});

describe("the partner's assurance floor", () => {
  it('a partner registered with minimum_ial 2 asking acr_values ial/1 still needs a verified identity; Return sends unmet_authentication_requirements', async () => {
    const partner = await registerTestPartner({ client_name: 'Tax Portal', minimum_ial: 2 });
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, { acr_values: ACR.ial1 });
    const signIn = await openAuthorization(browser, authorization);
    const verification = await signInAt(browser, signIn, member);
    expect(verification.status).toBe(200);
    expect(verification.heading).toMatch(/needs a verified identity$/);
    const back = await followOnSite(
      browser,
      await browser.submit(verification, { button: 'Cancel and return to Tax Portal' }),
    );
    expect(errorAt(back, partner)).toEqual({
      error: 'unmet_authentication_requirements',
      state: authorization.state,
    });
  });

  it('a partner asking acr_values ial/1 still gets the second step: amr has mfa', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner, { acr_values: ACR.ial1 });
    // signInAt insists on the second step's page after the password.
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const claims = (await redeem(partner, callback, authorization)).claims();
    expect(claims?.amr).toContain('mfa');
    expect(claims?.acr).toBe(ACR.ial1);
  });

  it('from a browser the member chose to remember, a partner that does not count it still gets the second step: amr has mfa, not swk', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = rememberedBrowser(member);
    const authorization = await authorizationRequest(partner, { acr_values: ACR.ial1 });
    const signIn = await openAuthorization(browser, authorization);
    expect(signIn.heading).toBe('Sign in');
    // The partner does not count the remembered browser: the code now, and no password again.
    const next = await followOnSite(
      browser,
      await browser.submit(
        signIn,
        { action: '/sign-in' },
        { email: member.primary, password: member.password },
      ),
    );
    const authorize = await secondStepAt(browser, next, member);
    const callback = callbackOf(await answerAuthorize(browser, authorize), partner);
    const claims = (await redeem(partner, callback, authorization)).claims();
    expect(claims?.amr).toContain('mfa');
    expect(claims?.amr).not.toContain('swk');
  });
});

describe('pairwise subjects', () => {
  it('the same member gets a different sub at each of two partners, and the same sub at one partner every time', async () => {
    const [first, second] = await Promise.all([registerTestPartner(), registerTestPartner()]);
    const member = await createMember();
    const atFirst = await authorizationRequest(first);
    const firstSub = (
      await redeem(first, await signInThroughPartner(new Browser(), member, first, atFirst), atFirst)
    ).claims()?.sub;
    const atSecond = await authorizationRequest(second);
    const secondSub = (
      await redeem(second, await signInThroughPartner(new Browser(), member, second, atSecond), atSecond)
    ).claims()?.sub;
    expect(firstSub).toBeTruthy();
    expect(secondSub).toBeTruthy();
    expect(secondSub).not.toBe(firstSub);
    expect(firstSub).not.toBe(member.accountId);

    // A second sign-in at the first partner, from another browser: consent is remembered.
    const again = await authorizationRequest(first);
    const browser = new Browser();
    const callback = callbackOf(
      await signInAt(browser, await openAuthorization(browser, again), member),
      first,
    );
    expect((await redeem(first, callback, again)).claims()?.sub).toBe(firstSub);
  });
});

describe('remembered consent', () => {
  it('a second authorization for the same scopes goes straight back to the partner; a new scope shows the Authorize screen listing it', async () => {
    const partner = await registerTestPartner();
    const member = await createMember({ confirmed: [uniqueEmail(), uniqueEmail('other')] });
    const browser = new Browser();
    await signInThroughPartner(browser, member, partner, await authorizationRequest(partner));

    const same = await authorizationRequest(partner);
    const back = await openAuthorization(browser, same);
    const callback = callbackOf(back, partner);
    expect((await redeem(partner, callback, same)).claims()?.email).toBe(member.primary);

    const more = await authorizationRequest(partner, { scope: 'openid email all_emails' });
    const authorize = await openAuthorization(browser, more);
    expect(authorize.heading).toBe('Authorize Test Partner');
    expect(authorize.text).toContain(`All your confirmed emails: ${member.confirmed.join(', ')}`);
    const allowed = callbackOf(await answerAuthorize(browser, authorize), partner);
    const tokens = await redeem(partner, allowed, more);
    expect(tokens.claims()?.all_emails).toEqual([...member.confirmed]);
  });
});

describe('Deny', () => {
  it('Deny sends access_denied to the redirect URI with the state', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner);
    const authorize = await signInAt(browser, await openAuthorization(browser, authorization), member);
    const answer = await answerAuthorize(browser, authorize, 'Deny');
    expect(errorAt(answer, partner)).toEqual({ error: 'access_denied', state: authorization.state });
  });
});

describe('one redemption per code', () => {
  it('ten concurrent redemptions of one code give exactly one token set and nine invalid_grant, no 5xx', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const code = callback.searchParams.get('code') ?? '';
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        tokenRequest(partner, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: partner.redirectUri,
          code_verifier: authorization.verifier,
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([200, ...Array(9).fill(400)]);
    const won = answers.find((a) => a.status === 200);
    expect(won?.body.id_token).toBeTruthy();
    expect(won?.body.access_token).toBeTruthy();
    expect(answers.filter((a) => a.status === 400).map((a) => a.body.error)).toEqual(
      Array(9).fill('invalid_grant'),
    );
    // A replayed code ends its grant (RFC 9700): the one token set does not outlive the race.
    const userinfo = await fetch(new URL('/userinfo', site), {
      headers: { authorization: `Bearer ${String(won?.body.access_token)}` },
    });
    expect(userinfo.status).toBe(401);
  });

  it('ten concurrent uses of one refresh token give exactly one new token set and nine invalid_grant, no 5xx', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    // offline_access needs prompt=consent (OpenID Connect Core 11).
    const authorization = await authorizationRequest(partner, {
      scope: 'openid email offline_access',
      prompt: 'consent',
    });
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const { refresh_token: refreshToken } = await redeem(partner, callback, authorization);
    expect(refreshToken).toBeTruthy();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        tokenRequest(partner, { grant_type: 'refresh_token', refresh_token: String(refreshToken) }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, JSON.stringify(answers.map((a) => a.body))).toEqual([200, ...Array(9).fill(400)]);
    expect(answers.filter((a) => a.status === 400).map((a) => a.body.error)).toEqual(
      Array(9).fill('invalid_grant'),
    );
  });
});

describe('the email rule (email_must_match_login_hint)', () => {
  const emailRulePartner = () =>
    registerTestPartner({ client_name: 'Benefits Portal', email_must_match_login_hint: true });

  it('the primary email equals the login_hint: straight through to Authorize', async () => {
    const partner = await emailRulePartner();
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, { login_hint: member.primary.toUpperCase() });
    const authorize = await signInAt(browser, await openAuthorization(browser, authorization), member);
    const callback = callbackOf(await answerAuthorize(browser, authorize), partner);
    expect((await redeem(partner, callback, authorization)).claims()?.email).toBe(member.primary);
  });

  it('the login_hint is a confirmed email that is not primary: Set your primary email, Set as primary, Authorize, and the partner gets it', async () => {
    const partner = await emailRulePartner();
    const other = uniqueEmail('known');
    const member = await createMember({ confirmed: [uniqueEmail(), other] });
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, { login_hint: other });
    const rule = await signInAt(browser, await openAuthorization(browser, authorization), member);
    expect(rule.heading).toBe('Set your primary email');
    expect(rule.text).toContain(`Benefits Portal knows you as ${other}`);
    const authorize = await followOnSite(browser, await browser.submit(rule, { button: 'Set as primary' }));
    expect(authorize.heading).toBe('Authorize Benefits Portal');
    const callback = callbackOf(await answerAuthorize(browser, authorize), partner);
    expect((await redeem(partner, callback, authorization)).claims()?.email).toBe(other);
  });

  it('the member does not have the email: Add the email … knows, + Add an email, confirm it from the mail, Set as primary, Allow', async () => {
    const partner = await emailRulePartner();
    const member = await createMember();
    const wanted = uniqueEmail('known');
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, { login_hint: wanted });
    const rule = await signInAt(browser, await openAuthorization(browser, authorization), member);
    expect(rule.heading).toBe('Add the email Benefits Portal knows');
    expect(rule.text).toContain(`Benefits Portal knows you as ${wanted}`);
    expect(rule.html).toMatch(/<a [^>]*href="\/account\/emails\/add\?[^"]*"[^>]*>\s*\+ Add an email\s*<\/a>/);
    const uid = interactionUidIn(rule);

    const sent = await addEmailOverHttp(browser, wanted);
    expect(sent.heading).toBe('Confirmation sent');
    const waiting = await browser.get(`/interaction/${uid}`);
    expect(waiting.heading).toBe('Add the email Benefits Portal knows');
    expect(waiting.text).toContain('Check your email');

    const link = linkIn(await lastMailTo(wanted, MAIL.confirmAdded), '/confirm-email');
    const confirmed = await confirmWithPassword(browser, link, member.password);
    expect(confirmed.status).toBe(303);

    const makePrimary = await browser.get(`/interaction/${uid}`);
    expect(makePrimary.heading).toBe('Set your primary email');
    const authorize = await followOnSite(
      browser,
      await browser.submit(makePrimary, { button: 'Set as primary' }),
    );
    const callback = callbackOf(await answerAuthorize(browser, authorize), partner);
    expect((await redeem(partner, callback, authorization)).claims()?.email).toBe(wanted);
  });
});

describe('single sign-on', () => {
  it('after one sign-in through partner A, partner B in the same browser asks no password and no code, only Authorize', async () => {
    const [a, b] = await Promise.all([
      registerTestPartner({ client_name: 'Partner A' }),
      registerTestPartner({ client_name: 'Partner B' }),
    ]);
    const member = await createMember();
    const browser = new Browser();
    await signInThroughPartner(browser, member, a, await authorizationRequest(a));

    const atB = await authorizationRequest(b);
    const authorize = await openAuthorization(browser, atB);
    expect(authorize.heading).toBe('Authorize Partner B');
    const callback = callbackOf(await answerAuthorize(browser, authorize), b);
    const claims = (await redeem(b, callback, atB)).claims();
    expect(claims?.email).toBe(member.primary);
    expect(claims?.amr).toContain('mfa');
  });
});

describe('prompt=none', () => {
  it('prompt=none in a browser signed in on the site but never through a partner answers login_required: the provider has no session of its own yet', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    // The partner is already allowed (from another browser).
    await signInThroughPartner(new Browser(), member, partner, await authorizationRequest(partner));
    const browser = await signedIn(member);
    const authorization = await authorizationRequest(partner, { prompt: 'none' });
    const answer = await openAuthorization(browser, authorization);
    expect(errorAt(answer, partner)).toEqual({ error: 'login_required', state: authorization.state });
  });

  it('prompt=none in a browser that signed in through the partner before answers a code, with no page in between', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    await signInThroughPartner(browser, member, partner, await authorizationRequest(partner));
    const authorization = await authorizationRequest(partner, { prompt: 'none' });
    const first = await browser.get(authorization.url.pathname + authorization.url.search);
    const callback = callbackOf(first, partner);
    expect((await redeem(partner, callback, authorization)).claims()?.email).toBe(member.primary);
  });
});
