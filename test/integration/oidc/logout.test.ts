import { describe, expect, it } from 'vitest';
import { Browser, createMember } from '../accounts/support.ts';
import {
  authorizationRequest,
  callbackOf,
  openAuthorization,
  redeem,
  registerTestPartner,
  signInThroughPartner,
} from './support.ts';

const SIGNED_OUT = 'http://127.0.0.1:4999/signed-out';

describe('one sign-out for Verity and the provider', () => {
  it('RP-initiated logout, confirmed by the member, ends the Verity session too', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner);
    const tokens = await redeem(
      partner,
      await signInThroughPartner(browser, member, partner, authorization),
      authorization,
    );
    expect((await browser.get('/account')).status).toBe(200);

    const logout = new URLSearchParams({
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'after-logout',
    });
    const confirm = await browser.get(`/logout?${logout}`);
    expect(confirm.status).toBe(200);
    expect(confirm.heading).toBe('Sign out from Test Partner?');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.html)?.[1];
    expect(xsrf).toBeDefined();
    const done = await browser.post(
      '/logout/confirm',
      { xsrf: xsrf as string, logout: 'yes' },
      { csrf: false },
    );
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${SIGNED_OUT}?state=after-logout`);

    const account = await browser.get('/account');
    expect(account.status).toBe(303);
    expect(account.location).toMatch(/^\/sign-in/);
  });

  it("Verity's Sign out ends the provider session: prompt=none then answers login_required", async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const first = await authorizationRequest(partner);
    await signInThroughPartner(browser, member, partner, first);
    const again = await openAuthorization(browser, await authorizationRequest(partner, { prompt: 'none' }));
    expect(callbackOf(again, partner).searchParams.get('code')).toBeTruthy();

    await browser.post('/sign-out', {});
    const afterSignOut = await openAuthorization(
      browser,
      await authorizationRequest(partner, { prompt: 'none' }),
    );
    expect(callbackOf(afterSignOut, partner).searchParams.get('error')).toBe('login_required');
    expect(browser.jar.has('verity-oidc')).toBe(false);
  });
});
