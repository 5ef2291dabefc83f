import { describe, expect, it } from 'vitest';
import { requirementOf } from '../../../lambdas/oidc/assurance.ts';
import { type InteractionFacts, interactionStep } from '../../../lambdas/oidc/interaction.ts';
import type { SessionItem } from '../../../lambdas/store/items.ts';

const session: SessionItem = {
  accountId: 'a'.repeat(22),
  keyHash: 'h',
  createdAt: '2026-11-29T10:00:00.000Z',
  lastSeenAt: '2026-11-29T10:00:00.000Z',
  signedInAt: '2026-11-29T10:00:00.000Z',
  expiresAt: 0,
  device: 'Firefox on Linux',
  aal: 2,
  secondFactor: 'otp',
};
const signedInAt = Date.parse(session.signedInAt) / 1000;

const facts = (over: Partial<InteractionFacts> = {}): InteractionFacts => ({
  uid: 'uid-of-this-interaction',
  prompt: { name: 'login', reasons: ['verity_session'] },
  startedAt: signedInAt + 60,
  requirement: requirementOf({ minimumIal: 1, rememberedBrowserCounts: false }, {}, false),
  unmetEssentialAcr: false,
  identityVerified: false,
  policy: { emailMustMatchLoginHint: false },
  session,
  ...over,
});

describe('the interaction page', () => {
  it('sends someone without a Verity session to Sign in, with the login_hint, and back here', () => {
    const step = interactionStep(facts({ session: undefined, loginHint: 'pat@agency.gov' }));
    expect(step).toEqual({
      kind: 'detour',
      to: '/sign-in?next=%2Finteraction%2Fuid-of-this-interaction&email=pat%40agency.gov',
    });
  });

  it('sends a member who owes the second step to it, and back here', () => {
    const step = interactionStep(facts({ session: { ...session, aal: 1, pendingMfa: 'challenge' } }));
    expect(step).toEqual({ kind: 'detour', to: '/mfa?next=%2Finteraction%2Fuid-of-this-interaction' });
  });

  it('reuses an existing Verity session: single sign-on, no password asked', () => {
    expect(interactionStep(facts())).toEqual({ kind: 'signed-in', session });
  });

  it('prompt=login wants a sign-in made after this interaction began, not an older session', () => {
    const older = interactionStep(facts({ prompt: { name: 'login', reasons: ['login_prompt'] } }));
    expect(older).toEqual({
      kind: 'detour',
      to: '/reauthenticate?next=%2Finteraction%2Fuid-of-this-interaction',
    });
    const fresh = interactionStep(
      facts({ prompt: { name: 'login', reasons: ['login_prompt'] }, startedAt: signedInAt - 5 }),
    );
    expect(fresh.kind).toBe('signed-in');
  });

  it('max_age past wants a fresh sign-in too', () => {
    expect(interactionStep(facts({ prompt: { name: 'login', reasons: ['max_age'] } })).kind).toBe('detour');
  });

  it('a remembered browser counts only where the partner policy says so', () => {
    const remembered = { ...session, viaRememberedBrowser: true };
    expect(interactionStep(facts({ session: remembered }))).toEqual({
      kind: 'second-step-again',
      to: '/mfa?next=%2Finteraction%2Fuid-of-this-interaction',
      session: remembered,
    });
    const counts = requirementOf({ minimumIal: 1, rememberedBrowserCounts: true }, {}, false);
    expect(interactionStep(facts({ session: remembered, requirement: counts })).kind).toBe('signed-in');
  });

  it('an IAL2 partner with an unverified member goes to the verification page', () => {
    const ial2 = requirementOf({ minimumIal: 2, rememberedBrowserCounts: false }, {}, false);
    expect(interactionStep(facts({ requirement: ial2 }))).toEqual({ kind: 'verify-identity' });
  });

  it('an IAL2 partner with a verified member goes on without verifying again', () => {
    const ial2 = requirementOf({ minimumIal: 2, rememberedBrowserCounts: false }, {}, true);
    expect(interactionStep(facts({ requirement: ial2, identityVerified: true })).kind).toBe('signed-in');
  });

  describe('the email rule', () => {
    const rule = { policy: { emailMustMatchLoginHint: true }, loginHint: 'Pat@Agency.gov' };

    it('passes when the primary email is the login_hint', () => {
      const emails = { primary: 'pat@agency.gov', confirmed: ['pat@agency.gov'] };
      expect(interactionStep(facts({ ...rule, emails })).kind).toBe('signed-in');
    });

    it('offers Set as primary when the email is confirmed but not primary', () => {
      const emails = { primary: 'pat@home.example', confirmed: ['pat@home.example', 'pat@agency.gov'] };
      expect(interactionStep(facts({ ...rule, emails }))).toEqual({
        kind: 'make-primary',
        email: 'pat@agency.gov',
      });
    });

    it('leads through adding the email when the account does not have it', () => {
      const emails = { primary: 'pat@home.example', confirmed: ['pat@home.example'] };
      expect(interactionStep(facts({ ...rule, emails }))).toEqual({
        kind: 'add-email',
        email: 'pat@agency.gov',
      });
    });
  });

  it('shows the Authorize screen once the login is settled', () => {
    expect(interactionStep(facts({ prompt: { name: 'consent', reasons: ['op_scopes_missing'] } }))).toEqual({
      kind: 'authorize',
    });
  });

  it('an essential acr that cannot be met goes back to the partner', () => {
    expect(interactionStep(facts({ unmetEssentialAcr: true }))).toEqual({ kind: 'unmet' });
  });
});
