/**
 * Partners (OIDC clients) in the partners table, and the audit trail of their changes
 * (docs/data-model.md):
 *
 * - `PARTNER#<clientId>` / `PARTNER`: the partner, as lambdas/partners/partner.ts shapes it, and
 *   `revision`, a counter every replacement raises, so an edit saves over exactly what it read.
 * - `PARTNERS` / `PARTNER#<clientId>`: the partner's line in the listing (the same fields, without
 *   the secret's hash), written in the same transaction, so the admin list is one Query of one
 *   partition and never a Scan of every audit event.
 * - `PARTNER#<clientId>` / `AUDIT#<iso time>#<random>`: who changed what, written in the same
 *   transaction as the change; deleting a partner keeps them.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '../core/ids.ts';
import type { Partner } from '../partners/partner.ts';
import { documentClient, type TransactItem, tableName, transact, transactionOutcome } from './dynamo.ts';

const partners = () => tableName('partners');

export const partnerKey = (clientId: string) => ({ pk: `PARTNER#${clientId}`, sk: 'PARTNER' });
export const listingKey = (clientId: string) => ({ pk: 'PARTNERS', sk: `PARTNER#${clientId}` });

/** A partner as stored: with the revision that a replacement must name. */
export type StoredPartner = Partner & { readonly revision: number };

export type PartnerAction = 'created' | 'updated' | 'deleted';

/** One change of a partner: who (a workforce user name), what, and the API names of the changed fields. */
export interface PartnerAuditEvent {
  readonly clientId: string;
  readonly at: string;
  readonly actor: string;
  readonly action: PartnerAction;
  /** Field names only (`redirect_uris`, `client_secret` when a new one was issued); never a value. */
  readonly fields: readonly string[];
}

/** The write of one audit event, in the transaction of the change it records. */
export const auditPut = (event: PartnerAuditEvent): TransactItem => ({
  Put: {
    TableName: partners(),
    Item: { pk: `PARTNER#${event.clientId}`, sk: `AUDIT#${event.at}#${newId()}`, ...event },
  },
});

const listingPut = ({ secretHash: _hash, ...partner }: Partner): TransactItem => ({
  Put: { TableName: partners(), Item: { ...listingKey(partner.clientId), ...partner } },
});

const withoutKeys = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

/**
 * The partner with this client id, read consistently: the OIDC provider reads its clients
 * through this at every request, so an edit applies at once.
 */
export async function partnerById(clientId: string): Promise<StoredPartner | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: partners(), Key: partnerKey(clientId), ConsistentRead: true }),
  );
  return Item ? withoutKeys<StoredPartner>(Item) : undefined;
}

/** Every partner, without secret hashes: the listing partition, page by page. */
export async function listPartners(): Promise<Omit<Partner, 'secretHash'>[]> {
  const found: Omit<Partner, 'secretHash'>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documentClient().send(
      new QueryCommand({
        TableName: partners(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'PARTNERS' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) found.push(withoutKeys(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Creates a partner, its listing line and its audit event; 'exists' if the client id is taken. */
export async function createPartner(
  partner: Partner,
  audit: PartnerAuditEvent,
): Promise<'created' | 'exists'> {
  const failed = await transact([
    {
      Put: {
        TableName: partners(),
        Item: { ...partnerKey(partner.clientId), ...partner, revision: 1 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    listingPut(partner),
    auditPut(audit),
  ]);
  return failed === undefined ? 'created' : 'exists';
}

/**
 * Replaces a partner that still is at `revision` (the one its caller read): 'gone' when it was
 * deleted meanwhile, 'changed' when another edit was saved first (or kept winning the race).
 */
export async function replacePartner(
  partner: Partner,
  revision: number,
  audit: PartnerAuditEvent,
): Promise<'replaced' | 'gone' | 'changed'> {
  try {
    const failed = await transact([
      {
        Put: {
          TableName: partners(),
          Item: { ...partnerKey(partner.clientId), ...partner, revision: revision + 1 },
          ConditionExpression: 'attribute_exists(pk) AND revision = :revision',
          ExpressionAttributeValues: { ':revision': revision },
        },
      },
      listingPut(partner),
      auditPut(audit),
    ]);
    if (failed === undefined) return 'replaced';
  } catch (error) {
    if (transactionOutcome(error).kind !== 'conflict') throw error;
  }
  return (await partnerById(partner.clientId)) ? 'changed' : 'gone';
}

/**
 * Deletes a partner and its listing line, and records who did; its audit events stay. 'gone' when
 * there was none, 'changed' when edits of it kept winning the race past the retries.
 */
export async function deletePartner(
  clientId: string,
  audit: PartnerAuditEvent,
): Promise<'deleted' | 'gone' | 'changed'> {
  try {
    const failed = await transact([
      {
        Delete: {
          TableName: partners(),
          Key: partnerKey(clientId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      { Delete: { TableName: partners(), Key: listingKey(clientId) } },
      auditPut(audit),
    ]);
    return failed === undefined ? 'deleted' : 'gone';
  } catch (error) {
    if (transactionOutcome(error).kind !== 'conflict') throw error;
    return (await partnerById(clientId)) ? 'changed' : 'gone';
  }
}

/** The audit events of a partner, newest first (kept after the partner is deleted). */
export async function auditOf(clientId: string, limit = 100): Promise<PartnerAuditEvent[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: partners(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `PARTNER#${clientId}`, ':prefix': 'AUDIT#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (Items ?? []).map((item) => withoutKeys<PartnerAuditEvent>(item));
}
