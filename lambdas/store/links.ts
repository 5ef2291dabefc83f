/**
 * Links: one item per member and partner in the links table, the truth for consent. It holds the
 * pairwise subject the partner knows the member by, what the member allowed the partner to
 * receive and at which assurance, when, until when, and the first and last use. The grants the
 * provider made from it are listed so that Disconnect can end every one of them.
 * The `partnerSubject` index leads from (partner, subject) back to the member.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from './dynamo.ts';

export interface LinkItem {
  readonly accountId: string;
  /** The partner's client id (the index's partition key). */
  readonly partnerId: string;
  /** The pairwise `sub` this partner knows the member by. */
  readonly subject: string;
  /** OIDC scopes the member allowed. */
  readonly scopes: readonly string[];
  /** Claims the member allowed. */
  readonly claims: readonly string[];
  /** Identity assurance the member allowed the partner to learn (2: verified identity). */
  readonly ial: 1 | 2;
  readonly consentedAt: string;
  /** Consent is remembered for a year; after that the Authorize screen asks again. */
  readonly consentExpiresAt: string;
  readonly firstUsedAt: string;
  readonly lastUsedAt: string;
  /** Ids of the provider grants made under this consent (a set: one per browser session). */
  readonly grantIds?: ReadonlySet<string>;
}

const links = () => tableName('links');
const linkKey = (accountId: string, partnerId: string) => ({ pk: `LINK#${accountId}`, sk: partnerId });

export async function linkOf(accountId: string, partnerId: string): Promise<LinkItem | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: links(), Key: linkKey(accountId, partnerId), ConsistentRead: true }),
  );
  return Item as LinkItem | undefined;
}

export async function linksOf(accountId: string): Promise<LinkItem[]> {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: links(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `LINK#${accountId}` },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as LinkItem[];
}

/** The member selected Allow: what they allowed, for a year, and the grant made from it. */
export async function recordConsent(input: {
  accountId: string;
  partnerId: string;
  subject: string;
  scopes: readonly string[];
  claims: readonly string[];
  ial: 1 | 2;
  now: Date;
  consentExpiresAt: Date;
  grantId: string;
}): Promise<void> {
  const at = input.now.toISOString();
  await documentClient().send(
    new UpdateCommand({
      TableName: links(),
      Key: linkKey(input.accountId, input.partnerId),
      UpdateExpression:
        'SET accountId = :account, partnerId = :partner, subject = :subject, scopes = :scopes, claims = :claims, ial = :ial, consentedAt = :at, consentExpiresAt = :expires, firstUsedAt = if_not_exists(firstUsedAt, :at), lastUsedAt = :at ADD grantIds :grant',
      ExpressionAttributeValues: {
        ':account': input.accountId,
        ':partner': input.partnerId,
        ':subject': input.subject,
        ':scopes': [...input.scopes],
        ':claims': [...input.claims],
        ':ial': input.ial,
        ':at': at,
        ':expires': input.consentExpiresAt.toISOString(),
        ':grant': new Set([input.grantId]),
      },
    }),
  );
}

/** A partner signed the member in again; a grant rebuilt from the link joins its list. */
export async function recordUse(
  accountId: string,
  partnerId: string,
  now: Date,
  grantId?: string,
): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: links(),
        Key: linkKey(accountId, partnerId),
        UpdateExpression: grantId ? 'SET lastUsedAt = :at ADD grantIds :grant' : 'SET lastUsedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':at': now.toISOString(),
          ...(grantId ? { ':grant': new Set([grantId]) } : {}),
        },
      }),
    );
  } catch (error) {
    // Disconnected meanwhile: nothing to record.
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}

/** Removes the link; returns what it was (its grants are the caller's to end), if it existed. */
export async function removeLink(accountId: string, partnerId: string): Promise<LinkItem | undefined> {
  const { Attributes } = await documentClient().send(
    new DeleteCommand({ TableName: links(), Key: linkKey(accountId, partnerId), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes as LinkItem | undefined;
}
