/**
 * Connected partners: the partners a member allowed, and disconnecting one. The account area's
 * routes use these two functions and nothing else of the partner links, so that the links store
 * can replace their bodies without touching the routes or the page.
 */
import type { Connection } from '../../pages/account-partners.tsx';

export type { Connection };

/** The partners this account allowed, with what each receives. */
export async function connectionsOf(accountId: string): Promise<Connection[]> {
  // TODO(partners): links store
  void accountId;
  return [];
}

/** Ends the account's connection to this partner: it no longer receives the member's information. */
export async function disconnect(accountId: string, clientId: string): Promise<void> {
  // TODO(partners): links store
  void [accountId, clientId];
}
