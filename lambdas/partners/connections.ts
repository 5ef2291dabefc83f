/**
 * Connected partners: the partners a member selected Allow for, from the member's side. The link
 * item is the truth (lambdas/store/links.ts); Disconnect ends every grant made under it (its codes
 * and tokens with it), removes it, tells every confirmed email and writes a history line.
 */
import { historyEvent, type RequestContext } from '../accounts/context.ts';
import type { Ports } from '../core/ports.ts';
import { problem } from '../core/problems.ts';
import { sendNotice } from '../emails/notices.ts';
import { recordEvent } from '../store/history.ts';
import * as links from '../store/links.ts';
import { revokeGrant } from '../store/oidc-models.ts';
import { partnerById } from '../store/partners.ts';
import { assuranceWords, CLAIM_WORDS, identifierWords } from './claim-words.ts';
import type { PartnerClaim } from './partner.ts';

export interface Connection {
  readonly clientId: string;
  readonly partnerName: string;
  /** What the partner receives, in the member's words. */
  readonly receives: string[];
  readonly connectedAt: string;
  readonly lastUsedAt?: string;
}

/** Shown when a partner was removed by its administrators but the member's link remains. */
const REMOVED_PARTNER = 'A partner that is no longer registered';

export async function connectionsOf(accountId: string): Promise<Connection[]> {
  const found = await links.linksOf(accountId);
  const partners = await Promise.all(found.map((link) => partnerById(link.partnerId)));
  return found.map((link, i) => {
    const partnerName = partners[i]?.metadata.client_name ?? REMOVED_PARTNER;
    const claims = link.claims.filter((claim): claim is PartnerClaim => claim in CLAIM_WORDS);
    return {
      clientId: link.partnerId,
      partnerName,
      receives: [
        identifierWords(partnerName),
        ...claims.filter((claim) => claim !== 'email_verified').map((claim) => CLAIM_WORDS[claim]),
        assuranceWords(link.ial),
      ],
      connectedAt: link.firstUsedAt,
      lastUsedAt: link.lastUsedAt,
    };
  });
}

/** Disconnect: the partner's access ends now (live access and refresh tokens included). */
export async function disconnect(
  accountId: string,
  clientId: string,
  context: RequestContext,
  ports: Pick<Ports, 'mail'>,
): Promise<string> {
  const removed = await links.removeLink(accountId, clientId);
  if (!removed) throw problem({ kind: 'PartnerNotConnected' });
  await Promise.all([...(removed.grantIds ?? [])].map((grantId) => revokeGrant(grantId)));
  const partnerName = (await partnerById(clientId))?.metadata.client_name ?? REMOVED_PARTNER;
  await recordEvent(accountId, historyEvent('partner-disconnected', context, partnerName));
  await sendNotice(accountId, 'partner-disconnected', context, ports, partnerName);
  return partnerName;
}

/** Deleting the account disconnects everything: every grant ends with the links. */
export async function disconnectAll(accountId: string): Promise<void> {
  const all = await links.linksOf(accountId);
  await Promise.all(
    all.map(async (link) => {
      await links.removeLink(accountId, link.partnerId);
      await Promise.all([...(link.grantIds ?? [])].map((grantId) => revokeGrant(grantId)));
    }),
  );
}
