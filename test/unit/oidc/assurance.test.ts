import { describe, expect, it } from 'vitest';
import {
  ACR,
  amrOf,
  identityCounts,
  mayNeedIdentity,
  requirementOf,
  unmetEssentialAcr,
} from '../../../lambdas/oidc/assurance.ts';

const aal2Partner = { minimumIal: 1 as const, rememberedBrowserCounts: false };
const ial2Partner = { minimumIal: 2 as const, rememberedBrowserCounts: false };
const unverified = false;
const verified = true;

describe('assurance', () => {
  it('a request asking for less than the partner minimum still gets the minimum', () => {
    const requirement = requirementOf(
      ial2Partner,
      { acrValues: ACR.ial1, scope: 'openid email' },
      unverified,
    );
    expect(requirement.ial).toBe(2);
    expect(requirement.acr).toBe(ACR.ial2);
  });

  it('every partner sign-in is AAL2, whatever the request asks', () => {
    expect(requirementOf(aal2Partner, { acrValues: ACR.ial1 }, unverified).aal).toBe(2);
    expect(requirementOf(aal2Partner, {}, unverified).aal).toBe(2);
  });

  it('acr_values ial/2 alone asks for a verified identity', () => {
    expect(requirementOf(aal2Partner, { acrValues: ACR.ial2 }, unverified).ial).toBe(2);
  });

  it('acr_values is a preference list: the first value that can be met wins', () => {
    const both = { acrValues: `${ACR.ial2} ${ACR.ial1}` };
    expect(requirementOf(aal2Partner, both, unverified).acr).toBe(ACR.ial1);
    expect(requirementOf(aal2Partner, both, verified).acr).toBe(ACR.ial2);
    expect(requirementOf(aal2Partner, { acrValues: `${ACR.aal2} ${ACR.ial2}` }, verified).acr).toBe(ACR.aal2);
  });

  it('unknown acr values are ignored', () => {
    expect(requirementOf(aal2Partner, { acrValues: 'urn:other 1 2' }, unverified).acr).toBe(ACR.ial1);
  });

  it('the ID.me-style scopes map onto the levels: login is aal/2, the ial/2/aal/2 scope is ial/2', () => {
    expect(requirementOf(aal2Partner, { scope: 'openid login' }, unverified).acr).toBe(ACR.aal2);
    const ial2Scope = { scope: 'openid http://idmanagement.gov/ns/assurance/ial/2/aal/2' };
    expect(requirementOf(aal2Partner, ial2Scope, unverified).acr).toBe(ACR.ial2);
  });

  it('acr says ial/1 when nothing more was asked, aal/2 when aal/2 was asked', () => {
    expect(requirementOf(aal2Partner, {}, unverified).acr).toBe(ACR.ial1);
    expect(requirementOf(aal2Partner, { acrValues: ACR.aal2 }, unverified).acr).toBe(ACR.aal2);
  });

  it('an essential acr beyond what the partner floor gives is unmet, not a loop', () => {
    const request = { essentialAcrs: [ACR.ial1] };
    expect(unmetEssentialAcr(requirementOf(ial2Partner, request, unverified), request)).toBe(true);
    expect(unmetEssentialAcr(requirementOf(aal2Partner, request, unverified), request)).toBe(false);
  });

  it('amr names the password, the second factor and mfa', () => {
    expect(amrOf('otp')).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOf('rec')).toEqual(['pwd', 'mfa']);
    expect(amrOf('remembered')).toEqual(['pwd', 'swk', 'mfa']);
    expect(amrOf(undefined)).toEqual(['pwd']);
  });

  it("a verified identity counts unless it is older than the partner's verified_within_days", () => {
    const now = new Date('2026-11-29T12:00:00Z');
    expect(identityCounts(undefined, undefined, now)).toBe(false);
    expect(identityCounts('2020-01-01T00:00:00Z', undefined, now)).toBe(true);
    expect(identityCounts('2026-11-19T12:00:00Z', 10, now)).toBe(true);
    expect(identityCounts('2026-11-19T11:59:59Z', 10, now)).toBe(false);
  });

  it('the identity is read only for a request that could need IAL2', () => {
    expect(mayNeedIdentity(aal2Partner, {})).toBe(false);
    expect(mayNeedIdentity(aal2Partner, { acrValues: `${ACR.aal2} ${ACR.ial1}` })).toBe(false);
    expect(mayNeedIdentity(aal2Partner, { acrValues: ACR.ial2 })).toBe(true);
    expect(
      mayNeedIdentity(aal2Partner, { scope: 'openid http://idmanagement.gov/ns/assurance/ial/2/aal/2' }),
    ).toBe(true);
    expect(mayNeedIdentity(aal2Partner, { essentialAcrs: [ACR.ial2] })).toBe(true);
    expect(mayNeedIdentity(ial2Partner, {})).toBe(true);
  });
});
