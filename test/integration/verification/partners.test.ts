/**
 * Verified once, used everywhere: a partner asking for IAL2 gets the verified identity through
 * the Authorize screen without the member proving anything again, unless its policy wants an
 * identity more recent than the member's; and verified claims never leave in an IAL1 sign-in.
 */
import { describe, expect, it } from 'vitest';
import { PARTNER_CLAIMS } from '../../../lambdas/partners/partner.ts';
import { identityKey } from '../../../lambdas/store/verification.ts';
import { serverNow } from '../../support/clock.ts';
import { accountsTable, Browser, createMember, setAttributes, signedIn } from '../accounts/support.ts';
import {
  ACR,
  answerAuthorize,
  authorizationRequest,
  callbackOf,
  openAuthorization,
  redeem,
  registerTestPartner,
  signInAt,
  userinfoWith,
} from '../oidc/support.ts';
import { sampleDetails, verifyWithSandbox } from './support.ts';

const VERIFIED_SCOPES = 'openid email profile address phone social_security_number';

async function verifiedMember() {
  const member = await createMember();
  const details = sampleDetails();
  expect((await verifyWithSandbox(await signedIn(member), details)).heading).toBe(
    'Your identity is verified',
  );
  return { member, details };
}

const irsLike = (registration: Record<string, unknown> = {}) =>
  registerTestPartner({
    client_name: 'Benefits',
    scope: VERIFIED_SCOPES,
    claims: [...PARTNER_CLAIMS],
    ...registration,
  });

describe('IAL2 for a member who verified', () => {
  it('goes straight to Authorize, which shows the verified values, and Allow shares the verified claims', async () => {
    const { member, details } = await verifiedMember();
    const partner = await irsLike();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, {
      acr_values: ACR.ial2,
      scope: VERIFIED_SCOPES,
    });
    const authorize = await signInAt(browser, await openAuthorization(browser, authorization), member);
    expect(authorize.heading).toBe('Authorize Benefits');
    expect(authorize.text).toContain('Pat');
    expect(authorize.text).toContain(`***-**-${details.fields.ssn.slice(-4)}`);
    expect(authorize.text, 'the whole SSN is never on the page').not.toContain(details.fields.ssn);

    const tokens = await redeem(
      partner,
      callbackOf(await answerAuthorize(browser, authorize), partner),
      authorization,
    );
    const claims = tokens.claims();
    expect(claims?.acr).toBe(ACR.ial2);
    expect(claims).toMatchObject({
      given_name: 'Pat',
      family_name: 'Sample',
      birthdate: '1985-04-12',
      social_security_number: details.fields.ssn,
      phone_number: details.phone.e164,
      address: {
        street_address: '100 Main Street',
        locality: 'Arlington',
        region: 'VA',
        postal_code: '22201',
      },
    });
    const userinfo = await userinfoWith(tokens.access_token);
    expect(userinfo.body).toMatchObject({ given_name: 'Pat', social_security_number: details.fields.ssn });
  });

  it('shares no verified claim in an IAL1 sign-in, even with a partner allowed to receive them', async () => {
    const { member } = await verifiedMember();
    const partner = await irsLike();
    const browser = new Browser();
    const authorization = await authorizationRequest(partner, {
      acr_values: ACR.ial1,
      scope: VERIFIED_SCOPES,
    });
    const authorize = await signInAt(browser, await openAuthorization(browser, authorization), member);
    expect(authorize.text).not.toContain('Pat');
    const tokens = await redeem(
      partner,
      callbackOf(await answerAuthorize(browser, authorize), partner),
      authorization,
    );
    const claims = tokens.claims();
    expect(claims?.acr).toBe(ACR.ial1);
    for (const name of ['given_name', 'birthdate', 'social_security_number', 'address', 'phone_number']) {
      expect(claims, name).not.toHaveProperty(name);
    }
    const userinfo = await userinfoWith(tokens.access_token);
    expect(userinfo.body).not.toHaveProperty('social_security_number');
  });

  it("asks a member verified longer ago than the partner's verified_within_days to verify again", async () => {
    const { member } = await verifiedMember();
    await setAttributes(accountsTable(), identityKey(member.accountId), {
      verifiedAt: new Date(serverNow().getTime() - 40 * 24 * 3600 * 1000).toISOString(),
    });
    const strict = await irsLike({ client_name: 'Strict', verified_within_days: 30 });
    const browser = new Browser();
    const authorization = await authorizationRequest(strict, {
      acr_values: ACR.ial2,
      scope: VERIFIED_SCOPES,
    });
    const page = await signInAt(browser, await openAuthorization(browser, authorization), member);
    expect(page.heading).toBe('Strict needs a verified identity');
    expect(page.text).toContain('needs an identity verified within the last 30 days');
    expect(page.html).toContain('href="/verify/start?again=yes"');

    // Verify again: the new identity replaces the old one, and Strict takes it.
    const again = await verifyWithSandbox(
      await signedIn(member),
      sampleDetails(),
      {},
      '/verify/start?again=yes',
    );
    expect(again.heading).toBe('Your identity is verified');
    const fresh = new Browser();
    const next = await authorizationRequest(strict, { acr_values: ACR.ial2, scope: VERIFIED_SCOPES });
    expect((await signInAt(fresh, await openAuthorization(fresh, next), member)).heading).toBe(
      'Authorize Strict',
    );

    // A partner without the rule takes the same identity as it is.
    const relaxed = await irsLike({ client_name: 'Relaxed' });
    const other = new Browser();
    const relaxedAuthorization = await authorizationRequest(relaxed, {
      acr_values: ACR.ial2,
      scope: VERIFIED_SCOPES,
    });
    const authorize = await signInAt(other, await openAuthorization(other, relaxedAuthorization), member);
    expect(authorize.heading).toBe('Authorize Relaxed');
  });
});
