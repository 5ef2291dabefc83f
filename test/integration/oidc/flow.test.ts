import { describe, expect, it } from 'vitest';
import { Browser, createMember } from '../accounts/support.ts';
import { authorizationRequest, redeem, registerTestPartner, signInThroughPartner } from './support.ts';

describe('signing in to a partner', () => {
  it('a member signs in, passes the second step, selects Allow and the partner gets tokens', async () => {
    const partner = await registerTestPartner();
    const member = await createMember();
    const authorization = await authorizationRequest(partner);
    const callback = await signInThroughPartner(new Browser(), member, partner, authorization);
    const tokens = await redeem(partner, callback, authorization);
    const claims = tokens.claims();
    expect(claims?.email).toBe(member.primary);
    expect(claims, JSON.stringify(claims)).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
  });
});
