/**
 * Allow on the Authorize screen: the grant the provider issues from (what was there plus what
 * the member allowed now), the link that remembers the member's answer for a year, and a history
 * line. Returns the grant's id, the provider's consent result.
 */
import type Provider from 'oidc-provider';
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import { recordEvent } from '../store/history.ts';
import * as links from '../store/links.ts';
import { TTL } from './configuration.ts';
import { type ConsentRequest, fillGrant } from './consent.ts';

export async function allow(
  provider: Provider,
  input: {
    readonly accountId: string;
    readonly partner: { readonly clientId: string; readonly name: string };
    /** The pairwise subject the partner knows the member by. */
    readonly subject: string;
    /** The grant the interaction carries, if the member allowed this partner before. */
    readonly grantId?: string;
    readonly consent: ConsentRequest;
    readonly ial: 1 | 2;
  },
  context: RequestContext,
): Promise<string> {
  const { Grant } = provider;
  const { accountId, partner, consent } = input;
  const existing = input.grantId ? await Grant.find(input.grantId) : undefined;
  const grant = fillGrant(existing ?? new Grant({ accountId, clientId: partner.clientId }), consent);
  const grantId = await grant.save();
  await links.recordConsent({
    accountId,
    partnerId: partner.clientId,
    subject: input.subject,
    scopes: consent.scopes,
    claims: consent.claims,
    ial: input.ial,
    now: context.now,
    consentExpiresAt: new Date(context.now.getTime() + TTL.Grant * 1000),
    grantId,
  });
  await recordEvent(accountId, historyEvent('partner-connected', context, partner.name));
  return grantId;
}
