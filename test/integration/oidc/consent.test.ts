import { describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../lambdas/accounts/delete-account.ts';
import { linksOf } from '../../../lambdas/store/links.ts';
import { serverNow } from '../../support/clock.ts';
import { Browser, createMember, site } from '../accounts/support.ts';
import {
  authorizationRequest,
  callbackOf,
  oidc,
  openAuthorization,
  redeem,
  registerTestPartner,
  signInThroughPartner,
  tokenRequest,
} from './support.ts';

describe('consent lives in the link', () => {
  it('a grant the library destroyed (a replayed code) is rebuilt from the link: no Authorize screen again', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const browser = new Browser();
    const first = await authorizationRequest(partner);
    const callback = await signInThroughPartner(browser, member, partner, first);
    await redeem(partner, callback, first);
    // The replay revokes the grant the code came from.
    const replay = await tokenRequest(partner, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') as string,
      redirect_uri: partner.redirectUri,
      code_verifier: first.verifier,
    });
    expect(replay.body.error).toBe('invalid_grant');

    const again = await authorizationRequest(partner);
    const back = callbackOf(await openAuthorization(browser, again), partner);
    const tokens = await redeem(partner, back, again);
    expect(tokens.claims()?.email).toBe(member.primary);
  });

  it('deleting the account disconnects every partner: the link goes and live tokens die', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner);
    const tokens = await redeem(
      partner,
      await signInThroughPartner(new Browser(), member, partner, authorization),
      authorization,
    );
    const sub = tokens.claims()?.sub as string;
    expect(await linksOf(member.accountId)).toHaveLength(1);
    const context = {
      now: serverNow(),
      siteUrl: site,
      device: 'Firefox on Linux',
      place: 'Unknown',
      ip: '192.0.2.1',
    };
    const sent: string[] = [];
    await deleteAccount(member.accountId, context, { mail: { send: async (to) => void sent.push(to) } });
    expect(sent).toEqual([member.primary]);
    expect(await linksOf(member.accountId)).toHaveLength(0);
    await expect(oidc.fetchUserInfo(partner.config, tokens.access_token, sub)).rejects.toThrow();
  });
});
