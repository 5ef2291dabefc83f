/**
 * Where an interaction goes next: the one decision behind `/interaction/{uid}`. Verity's session
 * is the truth; the interaction page sends the member to sign in, to the second step, to entering
 * the password again, to the email rule's page or the verification page, and back, until the
 * provider's prompt can be answered; then the Authorize screen.
 */
import type { PartnerPolicy } from '../partners/partner.ts';
import type { SessionItem } from '../store/items.ts';
import type { Requirement } from './assurance.ts';

export interface InteractionFacts {
  readonly uid: string;
  /** The provider's prompt: `login` (who is this, how sure are we) or `consent`. */
  readonly prompt: { readonly name: string; readonly reasons: readonly string[] };
  /** When the interaction began, epoch seconds: a fresh sign-in must come after it. */
  readonly startedAt: number;
  readonly loginHint?: string;
  readonly requirement: Requirement;
  readonly unmetEssentialAcr: boolean;
  /** The member has a verified identity this partner accepts (within its `verified_within_days`). */
  readonly identityVerified: boolean;
  readonly policy: Pick<PartnerPolicy, 'emailMustMatchLoginHint'>;
  readonly session?: SessionItem;
  /** The member's emails (only read for the email rule). */
  readonly emails?: { readonly primary: string; readonly confirmed: readonly string[] };
}

export type InteractionStep =
  /** Somewhere else first (sign in, the second step, the password again), then back here. */
  | { readonly kind: 'detour'; readonly to: string }
  /**
   * Signed in through a remembered browser, which this partner does not count: the second step
   * now ("enter the 6-digit code"), no password; then back here.
   */
  | { readonly kind: 'second-step-again'; readonly to: string; readonly session: SessionItem }
  /** The email rule: the partner's email is confirmed on the account but not primary. */
  | { readonly kind: 'make-primary'; readonly email: string }
  /** The email rule: the account does not have the partner's email confirmed. */
  | { readonly kind: 'add-email'; readonly email: string }
  /** The partner needs a verified identity (IAL2). */
  | { readonly kind: 'verify-identity' }
  /** The request cannot be met (an essential acr beyond reach): back to the partner with an error. */
  | { readonly kind: 'unmet' }
  /** Signed in as the partner needs: the provider's login prompt is answered. */
  | { readonly kind: 'signed-in'; readonly session: SessionItem }
  /** Everything else is settled: the Authorize screen. */
  | { readonly kind: 'authorize' };

/** The provider asks for a sign-in made during this interaction (`prompt=login`, `max_age`). */
const FRESH_REASONS = new Set(['login_prompt', 'max_age']);

export function interactionStep(facts: InteractionFacts): InteractionStep {
  const back = `/interaction/${facts.uid}`;
  const next = `next=${encodeURIComponent(back)}`;
  if (facts.unmetEssentialAcr) return { kind: 'unmet' };
  const session = facts.session;
  if (!session) {
    const email = facts.loginHint ? `&email=${encodeURIComponent(facts.loginHint)}` : '';
    return { kind: 'detour', to: `/sign-in?${next}${email}` };
  }
  if (session.aal !== 2) {
    return { kind: 'detour', to: session.pendingMfa === 'setup' ? '/mfa/setup' : `/mfa?${next}` };
  }
  if (facts.prompt.name === 'login') {
    const fresh = facts.prompt.reasons.some((reason) => FRESH_REASONS.has(reason));
    const signedInAt = Math.floor(Date.parse(session.signedInAt) / 1000);
    if (fresh && signedInAt < facts.startedAt) return { kind: 'detour', to: `/reauthenticate?${next}` };
    if (session.viaRememberedBrowser && !facts.requirement.rememberedBrowserCounts) {
      return { kind: 'second-step-again', to: `/mfa?${next}`, session };
    }
  }
  if (facts.requirement.ial === 2 && !facts.identityVerified) return { kind: 'verify-identity' };
  if (facts.policy.emailMustMatchLoginHint && facts.loginHint && facts.emails) {
    const wanted = facts.loginHint.trim().toLowerCase();
    if (facts.emails.primary !== wanted) {
      return facts.emails.confirmed.includes(wanted)
        ? { kind: 'make-primary', email: wanted }
        : { kind: 'add-email', email: wanted };
    }
  }
  return facts.prompt.name === 'login' ? { kind: 'signed-in', session } : { kind: 'authorize' };
}
