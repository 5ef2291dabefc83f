import { describe, expect, it } from 'vitest';
import { Browser, createMember, lastMailTo, signedIn } from '../accounts/support.ts';
import { authorizationRequest, oidc, redeem, registerTestPartner, signInThroughPartner } from './support.ts';

describe('Connected partners', () => {
  it('lists a partner the member allowed, with what it receives; Disconnect kills its live access and refresh tokens', async () => {
    const partner = await registerTestPartner({ client_name: 'Disconnect Test Portal' });
    const member = await createMember();
    // offline_access needs prompt=consent (OpenID Connect Core 11).
    const authorization = await authorizationRequest(partner, {
      scope: 'openid email offline_access',
      prompt: 'consent',
    });
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const tokens = await redeem(partner, callback, authorization);
    expect(tokens.refresh_token).toBeDefined();
    const sub = tokens.claims()?.sub as string;
    expect((await oidc.fetchUserInfo(partner.config, tokens.access_token, sub)).email).toBe(member.primary);

    const browser = await signedIn(member);
    const listed = await browser.get('/account/partners');
    expect(listed.text).toContain('Disconnect Test Portal');
    expect(listed.text).toContain('Your primary email');
    const done = await browser.submit(listed, { button: 'Disconnect' });
    expect(done.status).toBe(303);
    const after = await browser.follow(done);
    expect(after.text).toContain('Disconnected. Disconnect Test Portal no longer receives your information.');
    expect(after.text).not.toContain('Your primary email');

    await expect(oidc.fetchUserInfo(partner.config, tokens.access_token, sub)).rejects.toThrow();
    await expect(
      oidc.refreshTokenGrant(partner.config, tokens.refresh_token as string),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const notice = await lastMailTo(member.primary, /disconnected/);
    expect(notice.text).toContain('Disconnect Test Portal');
    const history = await browser.get('/account/history');
    expect(history.text).toContain('Partner disconnected');
  });
});
